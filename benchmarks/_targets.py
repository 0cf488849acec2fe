"""The issue's targets, checked against the JSON of the last run of each script."""

from __future__ import annotations

import json
from pathlib import Path


def _load(out: Path, name: str) -> dict | None:
    path = out / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _micro(m: dict) -> list[tuple[str, str, bool]]:
    admit, refuse = m["admit"], m["refuse"]
    if "ours two-layer" not in admit:
        return []
    ours = admit["ours two-layer"]["ns"]
    peers = {
        n: v["ns"] for n, v in admit.items() if not n.startswith(("ours", "floor"))
    }
    fastest = min(peers, key=peers.get)
    ratio = admit["ours two-layer"]["x_floor"]
    disabled = admit["ours disabled"]["x_floor"]
    refused = refuse["ours two-layer"]["ns"]
    return [
        (
            "admit path at least as fast as the fastest peer",
            f"{ours:.0f} ns vs {fastest} {peers[fastest]:.0f} ns",
            ours <= peers[fastest],
        ),
        ("admit path within 3x of the floor", f"{ratio:.2f}x", ratio <= 3),
        (
            "refuse path no slower than admit",
            f"{refused:.0f} vs {ours:.0f} ns",
            refused <= ours,
        ),
        ("disabled within 1.5x of the floor", f"{disabled:.2f}x", disabled <= 1.5),
    ]


def _scale(s: dict) -> list[tuple[str, str, bool]]:
    per_bot = s["bytes_per_active_bot"]
    joins = {(r["bots"], r["other_bots"]): r["join"] for r in s["rebalance"]}
    growth = joins[1000, 0] / joins[100, 0]
    background = joins[1000, max(o for _, o in joins)] / joins[1000, 0]
    return [
        ("memory per active bot under 1 KiB", f"{per_bot:.0f} B", per_bot < 1024),
        (
            "rebalance linear in the tenant's bots, not in all bots",
            f"join x{growth:.1f} for 10x bots; x{background:.2f} with 100k others",
            growth < 20 and background < 2,
        ),
    ]


def _waiting(w: dict) -> list[tuple[str, str, bool]]:
    ours = w["results"].get("ours")
    if ours is None:
        return []
    return [
        (
            "wait: nothing above the bound in any 1 s",
            f"{ours['max_1s']} <= {ours['bound_1s']:g}",
            ours["max_1s"] <= ours["bound_1s"],
        ),
        (
            "wait: p99 lateness under 5 ms",
            f"{ours['late_p99_ms']:.2f} ms",
            ours["late_p99_ms"] < 5,
        ),
        (
            "wait: waiters in order",
            f"{ours['overtakes']} out of order",
            not ours["overtakes"],
        ),
    ]


def _real(r: dict) -> list[tuple[str, str, bool]]:
    violations = sum(run["violations"] for run in r["runs"])
    indices = [
        f["jain"]
        for run in r["runs"]
        for f in run["fairness"].values()
        if f["bots"] >= 2
    ]
    worst = min(indices, default=float("nan"))
    keepers = [row["/share'"] for row in r["noisy"] if row["bot"].startswith("keeper")]
    off = max(abs(1 - k) for k in keepers)
    trace = [row for row in r["noisy"] if row["bot"].startswith("trace")]
    same = all(
        row["admitted"] == row["admitted'"] and row["p99 wait"] == row["p99 wait'"]
        for row in trace
    )
    return [
        ("real traffic: zero ceiling violations", f"{violations}", violations == 0),
        ("Jain's index >= 0.99 among backlogged bots", f"{worst:.4f}", worst >= 0.99),
        (
            "noisy neighbour: quiet bots within 1% of share",
            f"{off:.2%} off",
            off <= 0.01,
        ),
        ("noisy neighbour: quiet admissions, waits unchanged", str(same), same),
    ]


def _server(s: dict) -> list[tuple[str, str, bool | None]]:
    if "skipped" in s:
        return [("server: limiting costs under 10% of req/s", "skipped", None)]
    cost, cpu = s["cost"], s.get("cpu_cost")
    figure = f"{cost:.1%} of req/s"
    if cpu is not None:
        figure += f"; {cpu:+.1%} server CPU per request"
    found = [("server: limiting costs under 10% of req/s", figure, cost < 0.10)]
    if "crowd_cost" in s:
        crowd = s["crowd_cost"]
        target = f"server: the same with {s['crowd']:,} other bots active"
        figure = f"{crowd:.1%} of req/s"
        cpu_ms = s.get("cpu_ms", {})
        if cpu_ms.get("off") and cpu_ms.get("crowd"):
            figure += f"; server CPU {cpu_ms['crowd'] / cpu_ms['off'] - 1:+.0%}"
        found.append((target, figure, crowd < 0.10))
    return found


def targets(out: Path) -> list[tuple[str, str, str]]:
    """(target, figure, met or missed) for every script that left results."""
    checks = {
        "micro": _micro,
        "scale": _scale,
        "waiting": _waiting,
        "real_traffic": _real,
        "server": _server,
    }
    rows = []
    for name, check in checks.items():
        found = _load(out, name)
        if found is not None:
            for target, figure, ok in check(found):
                status = "skipped" if ok is None else "met" if ok else "MISSED"
                rows.append((target, figure, status))
    return rows
