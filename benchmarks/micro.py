"""Micro benchmark: the admit path, the refuse path and 100,000 distinct keys.

All contenders run in the same process and the same rounds, interleaved, and
are reported as ratios to the bare token bucket (the floor) of the same run.

    python benchmarks/micro.py --quick
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc

import _common
import _ours
from _contenders import contenders


async def _time_calls(build, scenario: str, keys: list[str]) -> float:
    """Seconds per call of one fresh contender over `keys`."""
    run = await build(scenario)
    start = time.perf_counter()
    await run(keys)
    return (time.perf_counter() - start) / len(keys)


async def _single_bucket(scenario: str, calls: int, rounds: int) -> dict[str, float]:
    """Best seconds per call of each contender; rounds interleave contenders."""
    built = {name: await build(scenario) for name, build in contenders().items()}
    keys = ["k"] * calls
    best = dict.fromkeys(built, float("inf"))

    for _ in range(rounds):
        for name, run in built.items():
            start = time.perf_counter()
            await run(keys)
            per_call = (time.perf_counter() - start) / calls
            best[name] = min(best[name], per_call)

    return best


async def _bytes_per_key(build, keys: list[str]) -> float:
    """Heap growth per distinct key, traced apart from the timed runs."""
    gc.collect()
    tracemalloc.start()
    run = await build("keys")
    before = tracemalloc.get_traced_memory()[0]
    await run(keys)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / len(keys)


async def _distinct_keys(count: int) -> dict[str, dict[str, float]]:
    keys = [f"tenant-{i}" for i in range(count)]
    found = {}
    for name, build in contenders().items():
        per_call = await _time_calls(build, "keys", keys)
        found[name] = {"s": per_call, "bytes": await _bytes_per_key(build, keys)}
        gc.collect()
    return found


def _rows(results: dict, floor: float) -> list[list[object]]:
    return [
        [name, per_call * 1e9, per_call / floor]
        for name, per_call in sorted(results.items(), key=lambda kv: kv[1])
    ]


async def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    calls, rounds = (20_000, 15) if args.quick else (100_000, 21)
    keys = 100_000
    if _ours.MISSING:
        print(f"skipping ours: {_ours.MISSING}")

    results: dict = {"calls": calls, "rounds": rounds, "keys": keys}
    for scenario in ("admit", "refuse"):
        best = await _single_bucket(scenario, calls, rounds)
        results[scenario] = {
            n: {"ns": s * 1e9, "x_floor": s / best["floor"]} for n, s in best.items()
        }
        print(f"\n{scenario} path, {calls:,} calls x {rounds} rounds (best)")
        rows = _rows(best, best["floor"])
        print(_common.table(["contender", "ns/call", "x floor"], rows))

    by_key = await _distinct_keys(keys)
    floor = by_key["floor"]["s"]
    results["keys_result"] = {
        n: {"ns": v["s"] * 1e9, "x_floor": v["s"] / floor, "bytes_per_key": v["bytes"]}
        for n, v in by_key.items()
    }
    print(f"\n{keys:,} distinct keys (one call each)")
    rows = [
        [n, v["s"] * 1e9, v["s"] / floor, v["bytes"]]
        for n, v in sorted(by_key.items(), key=lambda kv: kv[1]["s"])
    ]
    print(_common.table(["contender", "ns/call", "x floor", "bytes/key"], rows))

    path = _common.write_json(args.out, "micro", results)
    print(f"\nwrote {_common.shown(path)}")


if __name__ == "__main__":
    asyncio.run(main())
