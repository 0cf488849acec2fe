"""Real traffic: replay the real traces through the limiter on a virtual clock.

Azure Functions owners and functions as tenants and bots; Azure LLM arrivals
and token counts with bots drawn to the Functions skew; and a noisy-neighbour
run. Reports decisions per second, ceiling violations, each bot's admitted
rate against its share, Jain's index among backlogged bots, and draws the
admitted rate per bot over time.

    python benchmarks/real_traffic.py --quick
"""

from __future__ import annotations

import _common
import _fairness
import _ours
import _plot
import _workloads
from _common import percentile, table
from _replay import replay

MIN_BACKLOGGED = 30  # slots (seconds) a bot must be backlogged to be judged
WARMUP = 10.0  # seconds: the first bot of a pool starts alone, with all the burst


def _run(name: str, run, *, wait: bool) -> dict:
    record = replay(run, wait=wait)
    admitted = sum(len(v) for k, v in record.admitted.items() if k[2] == "llm")
    checks = _fairness.ceiling_violations(record, _workloads.limits_of(run))
    summary = {
        "run": name,
        "mode": "wait" if wait else "raise",
        "arrivals": len(run.arrivals),
        "decisions": record.decisions,
        "decisions_per_s": record.decisions / record.seconds,
        "admitted": admitted,
        "refused": record.refused,
        "too_large": record.invalid,
        "violations": sum(c for c, _ in checks.values()),
        "worst_excess": max(w for _, w in checks.values()),
        "fairness": {},
    }

    for tenant in sorted(run.watch):
        shares = _fairness.bot_shares(record, tenant, "llm", since=WARMUP)
        index, judged = _fairness.jain_backlogged(shares, MIN_BACKLOGGED)
        summary["fairness"][tenant] = {"jain": index, "bots": judged, "shares": shares}
    return summary | {"record": record}


def _jain_rows(runs: list[dict]) -> list[list[object]]:
    rows = []
    for r in runs:
        judged = [f for f in r["fairness"].values() if f["bots"] >= 2]
        if judged:
            worst = min(f["jain"] for f in judged)
            rows.append([r["run"], r["mode"], len(judged), worst])
    return rows


def _share_rows(run: dict, seconds: float, top: int) -> list[list[object]]:
    rows = []
    for tenant, fair in run["fairness"].items():
        for bot, s in fair["shares"].items():
            ratio = s.get("backlogged_admitted", 0) / (s.get("backlogged_share") or 1)
            offered = run["record"].offered[tenant, bot] / seconds
            admitted, share = s["admitted"] / s["slots"], s["share"] / s["slots"]
            backlogged = s.get("backlogged_slots", 0)
            rows.append([tenant, bot, offered, admitted, share, backlogged, ratio])
    return sorted(rows, key=lambda r: -r[2])[:top]


def _noisy_rows(base: dict, loud: dict) -> list[list[object]]:
    rows = []
    for bot in sorted(base["fairness"]["tenant-n"]["shares"]):
        cells = [bot]
        for run in (base, loud):
            s = run["fairness"]["tenant-n"]["shares"][bot]
            waits = run["record"].waits["tenant-n", bot]
            cells += [s["admitted"], s["admitted"] / s["share"]]
            cells += [percentile(waits, 50), percentile(waits, 99)]
        rows.append(cells)
    return rows


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    if _ours.MISSING:
        print(f"skipped: {_ours.MISSING}")
        return

    minutes, llm_minutes, noisy_s = (10, 20, 300) if args.quick else (60, 58, 1200)
    functions = _workloads.functions(args.data, minutes)
    llm = _workloads.llm(args.data, llm_minutes)
    runs = [
        _run(f"functions {minutes} min", functions, wait=False),
        _run(f"functions {minutes} min", functions, wait=True),
        _run(f"llm conv {llm_minutes} min", llm, wait=False),
        _run(f"llm conv {llm_minutes} min", llm, wait=True),
    ]
    base = _run(
        "noisy: baseline", _workloads.noisy(args.data, noisy_s, factor=1), wait=True
    )
    loud = _run(
        "noisy: 100x", _workloads.noisy(args.data, noisy_s, factor=100), wait=True
    )
    runs += [base, loud]

    print("Replays (virtual clock; decisions/s is wall time spent deciding)")
    keys = ["run", "mode", "arrivals", "decisions_per_s", "admitted", "refused"]
    keys += ["too_large", "violations", "worst_excess"]
    print(table(keys, [[r[k] for k in keys] for r in runs]))

    print(f"\nJain's index among backlogged bots (>= {MIN_BACKLOGGED} s), worst tenant")
    print(table(["run", "mode", "tenants", "jain"], _jain_rows(runs)))

    print("\nLLM conv, wait mode: busiest bots, per second")
    headers = ["tenant", "bot", "offered", "admitted", "share"]
    headers += ["backlogged s", "admitted/share backlogged"]
    print(table(headers, _share_rows(runs[3], llm_minutes * 60, 12)))

    print(f"\nNoisy neighbour over {noisy_s:g} s: quiet bots, baseline vs noisy 100x")
    headers = ["bot", "admitted", "/share", "p50 wait", "p99 wait"]
    headers += ["admitted'", "/share'", "p50 wait'", "p99 wait'"]
    noisy_rows = _noisy_rows(base, loud)
    print(table(headers, noisy_rows))

    out = args.out
    for name, run, tenant in (
        ("noisy", loud, "tenant-n"),
        ("llm", runs[3], "tenant-3"),
    ):
        png = _plot.admitted_rate(
            run["record"],
            tenant,
            "llm",
            out / f"real_traffic_{name}.png",
            step=10.0,
            title=f"{run['run']} ({run['mode']} mode): {tenant}",
        )
        print(f"drew {_common.shown(png)}")

    payload = [{k: v for k, v in r.items() if k != "record"} for r in runs]
    noisy = [dict(zip(["bot", *headers[1:]], row, strict=True)) for row in noisy_rows]
    results = {"runs": payload, "noisy": noisy}
    path = _common.write_json(out, "real_traffic", results)
    print(f"wrote {_common.shown(path)}")


if __name__ == "__main__":
    main()
