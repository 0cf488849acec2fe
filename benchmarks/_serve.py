"""Start and stop `longtrainer serve` on a free loopback port, for the server bench."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import yaml

API_KEY = "bench-key"
TENANT = "bench"
HOST = "127.0.0.1"  # loopback only


def unavailable() -> str:
    """Why `longtrainer serve` cannot run here, or "" when it can."""
    probe = subprocess.run(
        [sys.executable, "-m", "longtrainer", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if probe.returncode == 0:
        return ""
    lines = (probe.stderr or probe.stdout).strip().splitlines()
    last = lines[-1] if lines else f"exit status {probe.returncode}"
    # Name the interpreter as a reader would type it, not by its path here.
    return last.replace(sys.executable, "python")


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far; None off Linux.

    CPU per request stays readable on a shared machine, where requests per
    second swing with the neighbours' load.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # After the command name: state is field 3, utime 14 and stime 15.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    # Port 0 asks the kernel for a free one; it stays free once closed.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _config(folder: Path, enabled: bool) -> Path:
    # Limits far above the load: with limiting on, nothing is refused and
    # the difference to "off" is the cost of deciding.
    document = {
        "server": {
            "data_dir": "state",
            "api_keys": {API_KEY: TENANT},
            "provider": {"kind": "local"},
        },
        "rate_limiting": {"enabled": enabled, "embedding_rpm": 6e9},
    }
    path = folder / "longtrainer.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def _wait_ready(base: str, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"longtrainer serve exited ({server.returncode})")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"longtrainer serve not ready after {seconds:g} s")


@contextlib.contextmanager
def running(*, enabled: bool) -> Iterator[tuple[str, int]]:
    """Run the server with limiting on or off; yield its base URL and pid."""
    with tempfile.TemporaryDirectory(prefix="lt-bench-") as folder:
        config = _config(Path(folder), enabled)
        port = _free_port()
        command = [sys.executable, "-m", "longtrainer", "serve"]
        command += ["--config", str(config), "--host", HOST, "--port", str(port)]
        log = (Path(folder) / "serve.log").open("w")
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://{HOST}:{port}"
        try:
            _wait_ready(base, server, 30.0)
            yield base, server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
