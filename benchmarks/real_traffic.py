"""Real traffic: replay the real traces through the limiter on a virtual clock.

Azure Functions owners and functions as tenants and bots; Azure LLM arrivals
and token counts with bots drawn to the Functions skew; ServeGen clients as
tenants with arrivals drawn from their fitted distributions; and a
noisy-neighbour run. Reports decisions per second, ceiling violations, each
bot's admitted rate against its share, Jain's index among backlogged bots,
and draws the admitted rate per bot over time.

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

MIN_BACKLOGGED = 30  # seconds a bot must be sampled to be judged
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
            offered = run["record"].offered[tenant, bot] / seconds
            admitted, share = s["admitted"] / s["slots"], s["share"] / s["slots"]
            queued, ratio = s["queued"] / s["slots"], admitted / share
            rows.append([tenant, bot, offered, admitted, share, queued, ratio])
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


def _replays(data, quick: bool) -> tuple[list[dict], dict]:
    """Every replay, and the sizes they ran at."""
    minutes, llm_minutes, noisy_s = (10, 20, 300) if quick else (60, 57, 1200)
    functions = _workloads.functions(data, minutes)
    runs = [
        _run(f"functions {minutes} min", functions, wait=False),
        _run(f"functions {minutes} min", functions, wait=True),
    ]
    for trace in ("conv", "code"):
        llm = _workloads.llm(data, llm_minutes, trace)
        name = f"llm {trace} {llm_minutes} min"
        runs += [_run(name, llm, wait=False), _run(name, llm, wait=True)]

    servegen = _workloads.servegen(data, minutes)
    name = f"servegen {minutes} min"
    runs += [_run(name, servegen, wait=False), _run(name, servegen, wait=True)]

    quiet = _workloads.noisy(data, noisy_s, factor=1)
    loud = _workloads.noisy(data, noisy_s, factor=100)
    runs += [
        _run("noisy: baseline", quiet, wait=True),
        _run("noisy: 100x", loud, wait=True),
    ]
    return runs, {"llm_seconds": llm_minutes * 60, "noisy_seconds": noisy_s}


def _report(runs: list[dict], sizes: dict) -> list[dict]:
    """Print the tables; answer the noisy-neighbour rows for the JSON."""
    print("Replays (virtual clock; decisions/s is wall time spent deciding)")
    keys = ["run", "mode", "arrivals", "decisions_per_s", "admitted", "refused"]
    keys += ["too_large", "violations", "worst_excess"]
    print(table(keys, [[r[k] for k in keys] for r in runs]))

    print("\nJain's index among backlogged bots (queued 95% of the time), worst tenant")
    print(table(["run", "mode", "tenants", "jain"], _jain_rows(runs)))

    print("\nLLM conv, wait mode: busiest bots, per second")
    headers = ["tenant", "bot", "offered", "admitted", "share"]
    headers += ["queued", "admitted/share"]
    print(table(headers, _share_rows(runs[3], sizes["llm_seconds"], 12)))

    seconds = sizes["noisy_seconds"]
    print(f"\nNoisy neighbour over {seconds:g} s: quiet bots, baseline vs noisy 100x")
    headers = ["bot", "admitted", "/share", "p50 wait", "p99 wait"]
    headers += ["admitted'", "/share'", "p50 wait'", "p99 wait'"]
    rows = _noisy_rows(runs[-2], runs[-1])
    print(table(headers, rows))
    return [dict(zip(["bot", *headers[1:]], row, strict=True)) for row in rows]


def _draw(runs: list[dict], out) -> None:
    for name, run, tenant in (
        ("noisy", runs[-1], "tenant-n"),
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


def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    if _ours.MISSING:
        print(f"skipped: {_ours.MISSING}")
        return

    runs, sizes = _replays(args.data, args.quick)
    noisy = _report(runs, sizes)
    _draw(runs, args.out)

    payload = [{k: v for k, v in r.items() if k != "record"} for r in runs]
    results = {**sizes, "runs": payload, "noisy": noisy}
    path = _common.write_json(args.out, "real_traffic", results)
    print(f"wrote {_common.shown(path)}")


if __name__ == "__main__":
    main()
