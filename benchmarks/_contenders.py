"""Our limiter and the floor as timed loops, beside the peers' loops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import _ours
from _floor import BareBucket, BareKeyed
from _peers import BIG, PEERS, Loop


async def floor_loop(scenario: str) -> Loop:
    if scenario == "keys":
        keyed = BareKeyed(BIG, BIG)

        async def by_key(keys: list[str]) -> None:
            acquire = keyed.acquire
            for key in keys:
                await acquire(key)

        return by_key

    bucket = BareBucket(BIG if scenario == "admit" else 1 / 60, 1)
    if scenario == "refuse":
        await bucket.acquire()

    async def run(keys: list[str]) -> None:
        acquire = bucket.acquire
        for _ in keys:
            await acquire()

    return run


def _ours_loop(enabled: bool) -> Callable[[str], Awaitable[Loop]]:
    async def build(scenario: str) -> Loop:
        if scenario == "refuse":
            lim = _ours.limiter(enabled=enabled, llm_rpm=1, llm_burst=1)
            await lim.acquire("t", "b", "llm")
        else:
            rpm = _ours.HUGE_RPM
            lim = _ours.limiter(enabled=enabled, llm_rpm=rpm, llm_burst=rpm)

        acquire = lim.acquire
        refused = _ours.RateLimitExceeded

        async def by_key(keys: list[str]) -> None:
            for key in keys:
                await acquire(key, "b", "llm")

        async def admit(keys: list[str]) -> None:
            for _ in keys:
                await acquire("t", "b", "llm")

        async def refuse(keys: list[str]) -> None:
            # try/except, not contextlib.suppress: no context manager per call.
            for _ in keys:
                try:  # noqa: SIM105
                    await acquire("t", "b", "llm")
                except refused:
                    pass

        return {"keys": by_key, "admit": admit, "refuse": refuse}[scenario]

    return build


def contenders() -> dict[str, Callable[[str], Awaitable[Loop]]]:
    """Every contender by name; ours only once the core is importable."""
    found: dict[str, Callable[[str], Awaitable[Loop]]] = {"floor": floor_loop}
    if not _ours.MISSING:
        found["ours two-layer"] = _ours_loop(True)
        found["ours disabled"] = _ours_loop(False)
    return {**found, **PEERS}
