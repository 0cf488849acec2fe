"""Shared plumbing for the benchmark scripts: arguments, tables, JSON, timing."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"

# The repository sits beside a `shared/` folder holding the traces.
DEFAULT_DATA = REPO_ROOT / ".." / "shared" / "data"


def parser(description: str) -> argparse.ArgumentParser:
    """Build the argument parser every script shares."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a run of a few minutes")
    p.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder of the traces (default: ../shared/data beside the repo)",
    )
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="JSON folder")
    return p


def machine() -> dict:
    """Describe the machine so a figure is never quoted without it."""
    model = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break

    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(terse=True),
    }


def write_json(out_dir: Path, name: str, payload: dict) -> Path:
    """Write one script's results, with the machine and the time of the run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    payload = {
        "machine": machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **payload,
    }
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render rows as a plain aligned text table."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    # Text reads from the left, numbers line up on the right.
    text = [bool(rows) and isinstance(c, str) for c in (rows[0] if rows else headers)]

    def line(parts: Sequence[str]) -> str:
        aligned = (
            p.ljust(w) if t else p.rjust(w)
            for p, w, t in zip(parts, widths, text, strict=True)
        )
        return "  ".join(aligned).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in cells)])


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value == 0 or 0.01 <= abs(value) < 1e6:
            return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
        return f"{value:.3g}"
    return str(value)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile, q in [0, 100]; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def jain(values: Sequence[float]) -> float:
    """Jain's fairness index: 1.0 when all values are equal."""
    if not values:
        return 1.0
    total = sum(values)
    squares = sum(v * v for v in values)
    return total * total / (len(values) * squares) if squares else 1.0


def median_of(fn: Callable[[], float], repeats: int) -> float:
    """Median of repeated measurements, to damp a noisy shared machine."""
    return statistics.median(fn() for _ in range(repeats))


def shown(path: Path) -> str:
    """A path as printed: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
