"""``longtrainer serve`` as a real process on a free loopback port."""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from .helpers import parse_events

CONFIG = """
server:
  data_dir: ./data
  api_keys:
    "key-acme-1": acme
    "key-globex-1": globex
rate_limiting:
  enabled: true
  llm_rpm: 60
  llm_burst: 1
"""

ACME = {"X-API-Key": "key-acme-1"}
GLOBEX = {"X-API-Key": "key-globex-1"}
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(config: Path, *args: str) -> Iterator[tuple[httpx.Client, Path]]:
    """Run the server until the block ends; yield a client and its log file."""
    port = free_port()
    log = config.parent / f"serve-{port}.log"
    environment = {k: v for k, v in os.environ.items() if k != "LONGTRAINER_API_KEYS"}
    command = [sys.executable, "-m", "longtrainer", "serve", "-c", str(config)]
    command += ["--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=environment
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base_url, timeout=10) as client:
            wait_until_healthy(client, process, log)
            yield client, log
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_healthy(client: httpx.Client, process, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited at start-up:\n{log.read_text()}")
        try:
            if client.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling a starting process, not rate-limit timing
    pytest.fail(f"server not healthy in {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "longtrainer.yaml"
    path.write_text(CONFIG)
    return path


def start_chat(client: httpx.Client, headers: dict, text: str) -> str:
    bot_id = client.post("/bots", json={"name": "faq"}, headers=headers).json()
    bot_id = bot_id["bot_id"]
    document = {"text": text, "name": "faq.md"}
    added = client.post(f"/bots/{bot_id}/documents", json=document, headers=headers)
    assert added.status_code == 201, added.text
    chat_id = client.post(f"/bots/{bot_id}/chats", headers=headers).json()["chat_id"]
    return f"/bots/{bot_id}/chats/{chat_id}"


def test_one_tenant_throttled_while_another_is_served(config):
    with serve(config) as (client, log):
        acme_chat = start_chat(client, ACME, "Support answers within one day.")
        globex_chat = start_chat(client, GLOBEX, "Globex ships on Mondays.")
        ask = {"query": "How fast does support answer?"}

        answered = client.post(acme_chat, json=ask, headers=ACME)
        refused = client.post(acme_chat, json=ask, headers=ACME)
        other = client.post(globex_chat, json={"query": "shipping"}, headers=GLOBEX)

        # The one real wait of the suite: honour Retry-After, then retry.
        time.sleep(int(refused.headers["Retry-After"]))
        retried = client.post(acme_chat, json=ask, headers=ACME)

    assert answered.status_code == 200
    assert "within one day" in answered.json()["answer"]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["RateLimit-Policy"] == (
        '"llm-tenant";q=1;w=1, "llm-bot";q=1;w=1'
    )
    assert refused.headers["RateLimit"] == '"llm-tenant";r=0;t=1, "llm-bot";r=0;t=1'
    # Real time passes between the calls: the tenths may read 1.0s or less.
    bot_id = acme_chat.split("/")[2]
    assert re.fullmatch(
        rf"Bot '{bot_id}' rate limit exceeded for llm_calls\. Retry after [01]\.\ds\.",
        refused.json()["detail"],
    )
    assert other.status_code == 200
    assert "Mondays" in other.json()["answer"]
    assert retried.status_code == 200
    assert "API keys loaded: KeyRing(2 keys, 2 tenants)" in log.read_text()
    assert "key-acme-1" not in log.read_text()


def test_streaming_over_a_real_socket(config):
    with serve(config) as (client, _):
        chat = start_chat(client, ACME, "The museum opens at ten.")
        body = {"query": "When does the museum open?", "stream": True}
        with client.stream("POST", chat, json=body, headers=ACME) as response:
            status = response.status_code
            text = "".join(response.iter_text())

    events = parse_events(text)
    assert status == 200
    assert "opens at ten" in "".join(d["delta"] for n, d in events if n == "message")
    assert events[-1][0] == "done"


def test_bots_and_documents_survive_a_restart(config):
    with serve(config) as (client, _):
        chat = start_chat(client, ACME, "Parking is free after six.")
        bot_id = chat.split("/")[2]

    with serve(config) as (client, _):
        bot = client.get(f"/bots/{bot_id}", headers=ACME)
        answer = client.post(chat, json={"query": "parking"}, headers=ACME)
        history = client.get(f"/chats/{chat.split('/')[4]}", headers=ACME)

    assert bot.status_code == 200
    assert [d["name"] for d in bot.json()["documents"]] == ["faq.md"]
    assert "free after six" in answer.json()["answer"]
    assert len(history.json()["messages"]) == 2
    assert (config.parent / "data" / "longtrainer.db").is_file()


def test_no_keys_means_one_default_tenant_and_workers_are_warned(tmp_path):
    config = tmp_path / "longtrainer.yaml"
    config.write_text("rate_limiting:\n  enabled: false\n")

    with serve(config, "--workers", "2") as (client, log):
        tenant = client.get("/rate-limits").json()["tenant_id"]

    text = log.read_text()
    assert tenant == "default"
    assert "serving a single 'default' tenant" in text
    assert "each keep their own in-memory buckets" in text


def test_a_bad_config_stops_start_up_with_its_yaml_path(tmp_path):
    config = tmp_path / "longtrainer.yaml"
    config.write_text("rate_limiting:\n  llm_rpm: -5\n")

    result = subprocess.run(
        [sys.executable, "-m", "longtrainer", "serve", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "rate_limiting.llm_rpm" in result.stderr
    assert "-5" in result.stderr
