"""Scale: 10,000 tenants x 10 active bots, rebalance cost, memory per bot.

A fake clock drives every call, so bots join and leave exactly when asked.
Rebalance cost is timed as one tenant's bots join (and later leave) one by
one, at several pool sizes and with and without 100,000 other active bots:
it should follow the bots of that one tenant, never all bots.

    python benchmarks/scale.py --quick
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc

import _common
import _ours

RPM = 6e6  # high enough that no call here is refused: only state is measured
WINDOW = 60.0
STEP = 1e-3  # seconds between one tenant's bots joining


def _limiter(now: list[float]):
    return _ours.limiter(clock=lambda: now[0], llm_rpm=RPM, active_window=WINDOW)


async def _fill(lim, tenants: int, bots: int) -> float:
    """Make `tenants` x `bots` bots active; seconds per first call."""
    acquire = lim.acquire
    start = time.perf_counter()
    for t in range(tenants):
        tenant = f"tenant-{t}"
        for b in range(bots):
            await acquire(tenant, f"bot-{b}", "llm")
    return (time.perf_counter() - start) / max(1, tenants * bots)


async def _steady(lim, tenants: int, bots: int) -> float:
    """Seconds per call once every bot is active (no joins, no leaves)."""
    acquire = lim.acquire
    start = time.perf_counter()
    for b in range(bots):
        for t in range(tenants):
            await acquire(f"tenant-{t}", f"bot-{b}", "llm")
    return (time.perf_counter() - start) / max(1, tenants * bots)


async def _memory(tenants: int, bots: int) -> float:
    """Bytes held per active bot, the tenant pools included."""
    gc.collect()
    tracemalloc.start()
    now = [0.0]
    lim = _limiter(now)
    before = tracemalloc.get_traced_memory()[0]
    await _fill(lim, tenants, bots)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del lim
    return held / (tenants * bots)


async def _rebalance(size: int, background: int) -> dict[str, float]:
    """Seconds per join and per leave in tenants of about `size` bots.

    Several tenants of `size` bots are grown side by side, so that small
    sizes still time enough calls; beside them `background` tenants x 10 bots.
    """
    now = [0.0]
    lim = _limiter(now)
    await _fill(lim, background, 10)
    tenants = [f"big-{r}" for r in range(max(1, 1000 // size))]
    timed = max(1, size // 10)
    acquire = lim.acquire

    # Bot i of every tenant joins at i ms; the last tenth is timed.
    for i in range(size):
        if i == size - timed:
            start = time.perf_counter()
        now[0] = i * STEP
        for tenant in tenants:
            await acquire(tenant, f"bot-{i}", "llm")
    join = (time.perf_counter() - start) / (timed * len(tenants))

    now[0] = size * STEP
    for tenant in tenants:
        await acquire(tenant, "anchor", "llm")

    # Keep the other tenants active, so that no call below retires them.
    now[0] = WINDOW - 1
    await _steady(lim, background, 10)

    # Each call comes just after one more bot's window ran out: one leave each.
    start = time.perf_counter()
    for i in range(timed):
        now[0] = WINDOW + i * STEP + STEP / 2
        for tenant in tenants:
            await acquire(tenant, "anchor", "llm")
    leave = (time.perf_counter() - start) / (timed * len(tenants))

    # The same calls with nobody leaving, to tell the leave from the call.
    start = time.perf_counter()
    for _ in range(timed):
        for tenant in tenants:
            await acquire(tenant, "anchor", "llm")
    plain = (time.perf_counter() - start) / (timed * len(tenants))
    return {"join": join, "leave": leave, "plain_call": plain}


async def _many_tenants(tenants: int) -> dict[str, float]:
    """Call and memory figures of `tenants` x 10 active bots."""
    lim = _limiter([0.0])
    first = await _fill(lim, tenants, 10)
    steady = await _steady(lim, tenants, 10)
    held = lim.statistics().bots
    del lim

    per_bot = await _memory(tenants, 10)
    per_lone_bot = await _memory(tenants, 1)
    return {
        "bots_held": held,
        "first_call_s": first,
        "steady_call_s": steady,
        "bytes_per_active_bot": per_bot,
        "bytes_per_extra_bot": (per_bot * 10 - per_lone_bot) / 9,
    }


async def _rebalances(tenants: int, repeats: int = 3) -> list[dict]:
    """The best of `repeats` timings of each size, with and without others."""
    found = []
    for background in (0, tenants):
        for size in (10, 100, 1000):
            best: dict[str, float] = {}
            for _ in range(repeats):
                gc.collect()  # not timed: the garbage of the runs before
                timing = await _rebalance(size, background)
                best = {k: min(v, best.get(k, v)) for k, v in timing.items()}
            found.append({"bots": size, "other_bots": background * 10, **best})
    return found


async def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    if _ours.MISSING:
        print(f"skipped: {_ours.MISSING}")
        return

    tenants = 10_000
    bulk = await _many_tenants(tenants)
    print(f"{tenants:,} tenants x 10 active bots ({bulk['bots_held']:,} bots held)")
    rows = [
        ["first call of a bot (join)", bulk["first_call_s"] * 1e6, "us"],
        ["call of an active bot", bulk["steady_call_s"] * 1e6, "us"],
        ["memory per active bot, pools included", bulk["bytes_per_active_bot"], "B"],
        ["memory per extra bot in a pool", bulk["bytes_per_extra_bot"], "B"],
    ]
    print(_common.table(["measure", "value", "unit"], rows))

    rebalance = await _rebalances(tenants)
    print("\nRebalance: one tenant's bots joining and leaving (us per call)")
    headers = ["bots in tenant", "other bots", "join", "leave", "call, no change"]
    timed = ("join", "leave", "plain_call")
    rows = [
        [r["bots"], r["other_bots"], *(r[k] * 1e6 for k in timed)] for r in rebalance
    ]
    print(_common.table(headers, rows))

    payload = {"tenants": tenants, "bots_per_tenant": 10, **bulk}
    path = _common.write_json(args.out, "scale", {**payload, "rebalance": rebalance})
    print(f"\nwrote {_common.shown(path)}")


if __name__ == "__main__":
    asyncio.run(main())
