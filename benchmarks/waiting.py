"""Waiting: 200 concurrent waiters on a 20 per second limit for 5 s.

Reports the achieved rate, the most admitted in any 1 s window against the
bound (burst + rate x 1 s), p50/p99 lateness against the ideal schedule and
how many admissions overtook an earlier request. Real time, real sleeps.

    python benchmarks/waiting.py --quick
"""

from __future__ import annotations

import asyncio
import itertools

import _common
import _ours
from _waiters import waiters

RATE = 20.0
BURST = 20
WAITERS = 200


async def _drive(acquire, seconds: float) -> list[tuple[int, float]]:
    """(request number, admission time) for every admission within `seconds`."""
    loop = asyncio.get_running_loop()
    tickets = itertools.count()
    admitted: list[tuple[int, float]] = []
    deadline = loop.time() + seconds

    async def waiter() -> None:
        while loop.time() < deadline:
            ticket = next(tickets)
            await acquire()
            admitted.append((ticket, loop.time()))

    tasks = [asyncio.create_task(waiter()) for _ in range(WAITERS)]
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return [(t, at) for t, at in admitted if at <= deadline]


def _most_in_window(times: list[float], window: float) -> int:
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def _score(admitted: list[tuple[int, float]], seconds: float) -> dict:
    times = [at for _, at in admitted]
    t0 = times[0]
    # The ideal token bucket: a full burst at once, then one every 1 / RATE.
    ideal = [t0 + max(0, k - BURST + 1) / RATE for k in range(len(times))]
    late = [(at - due) * 1e3 for at, due in zip(times, ideal, strict=True)]
    overtakes, highest = 0, -1
    for ticket, _ in admitted:
        if ticket < highest:
            overtakes += 1
        highest = max(highest, ticket)

    return {
        "admitted": len(times),
        "rate": len(times) / seconds,
        "max_1s": _most_in_window(times, 1.0),
        "bound_1s": BURST + RATE,
        "late_p50_ms": _common.percentile(late, 50),
        "late_p99_ms": _common.percentile(late, 99),
        "overtakes": overtakes,
    }


async def main() -> None:
    args = _common.parser(__doc__.splitlines()[0]).parse_args()
    seconds = 5.0
    if _ours.MISSING:
        print(f"skipping ours: {_ours.MISSING}")

    results = {}
    for name, make in waiters().items():
        admitted = await _drive(make(RATE), seconds)
        results[name] = _score(admitted, seconds)

    headers = ["contender", "admitted/s", "max in 1s", "bound"]
    headers += ["p50 late ms", "p99 late ms", "out of order"]
    keys = ["rate", "max_1s", "bound_1s", "late_p50_ms", "late_p99_ms", "overtakes"]
    rows = [[n, *(r[k] for k in keys)] for n, r in results.items()]
    print(f"{WAITERS} waiters, {RATE:g}/s, burst {BURST}, {seconds:g} s")
    print(_common.table(headers, rows))
    payload = {"rate": RATE, "burst": BURST, "waiters": WAITERS, "seconds": seconds}
    path = _common.write_json(args.out, "waiting", {**payload, "results": results})
    print(f"\nwrote {_common.shown(path)}")


if __name__ == "__main__":
    asyncio.run(main())
