"""Adapters for the peers: each builds a timed loop over the peer's own API.

A loop, not a wrapped call, so that no contender pays for an extra coroutine
frame the others do not. Each factory takes the scenario: "admit" (a limit
never reached), "refuse" (a limit already spent) or "keys" (one call per
distinct key, for throughput and memory per key).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiolimiter
import limits
import limits.aio.storage
import limits.aio.strategies
import pyrate_limiter as pyrate
from langchain_core.rate_limiters import InMemoryRateLimiter

Loop = Callable[[list[str]], Awaitable[None]]
"""Runs one call per item of the list (the keys; ignored by single buckets)."""

BIG = 10**9


async def _spend(call: Callable[[], Awaitable[object]]) -> None:
    """Spend a fresh bucket's first tokens so the refuse path is refusing."""
    for _ in range(3):
        await call()


async def aiolimiter_loop(scenario: str) -> Loop:
    if scenario == "keys":
        table: dict[str, aiolimiter.AsyncLimiter] = {}

        async def keyed(keys: list[str]) -> None:
            for key in keys:
                lim = table.get(key)
                if lim is None:
                    lim = table[key] = aiolimiter.AsyncLimiter(BIG, 1)
                await lim.acquire()

        return keyed

    lim = aiolimiter.AsyncLimiter(BIG if scenario == "admit" else 1, 60)
    if scenario == "admit":

        async def admit(keys: list[str]) -> None:
            acquire = lim.acquire
            for _ in keys:
                await acquire()

        return admit

    # aiolimiter has no refusing acquire; has_capacity() is its non-waiting check.
    await lim.acquire()

    async def refuse(keys: list[str]) -> None:
        has_capacity = lim.has_capacity
        for _ in keys:
            has_capacity()

    return refuse


def _limits_loop(strategy: type) -> Callable[[str], Awaitable[Loop]]:
    async def build(scenario: str) -> Loop:
        limiter = strategy(limits.aio.storage.MemoryStorage())
        if scenario == "refuse":
            item = limits.RateLimitItemPerMinute(1)
            await _spend(lambda: limiter.hit(item, "k"))
        else:
            item = limits.RateLimitItemPerSecond(BIG)

        async def run(keys: list[str]) -> None:
            hit = limiter.hit
            for key in keys:
                await hit(item, key)

        return run

    return build


limits_fixed = _limits_loop(limits.aio.strategies.FixedWindowRateLimiter)
limits_moving = _limits_loop(limits.aio.strategies.MovingWindowRateLimiter)
limits_sliding = _limits_loop(limits.aio.strategies.SlidingWindowCounterRateLimiter)


class _PerKeyFactory(pyrate.BucketFactory):
    """pyrate-limiter shares one bucket across names unless a factory splits them."""

    def __init__(self, make: Callable[[], pyrate.AbstractBucket]) -> None:
        self.make = make
        self.clock = make()
        self.buckets: dict[str, pyrate.AbstractBucket] = {}

    def wrap_item(self, name: str, weight: int = 1) -> pyrate.RateItem:
        return pyrate.RateItem(name, self.clock.now(), weight=weight)

    def get(self, item: pyrate.RateItem) -> pyrate.AbstractBucket:
        bucket = self.buckets.get(item.name)
        if bucket is None:
            bucket = self.buckets[item.name] = self.make()
        return bucket


def _pyrate_loop(make: Callable[[int, int], pyrate.AbstractBucket]):
    async def build(scenario: str) -> Loop:
        if scenario == "keys":
            lim = pyrate.Limiter(_PerKeyFactory(lambda: make(BIG, 1000)))
        elif scenario == "admit":
            lim = pyrate.Limiter(make(BIG, 1000))
        else:
            lim = pyrate.Limiter(make(1, 60_000))
            await _spend(lambda: lim.try_acquire_async("k", blocking=False))

        async def run(keys: list[str]) -> None:
            try_acquire = lim.try_acquire_async
            for key in keys:
                await try_acquire(key, blocking=False)

        return run

    return build


def _log_bucket(limit: int, ms: int) -> pyrate.AbstractBucket:
    return pyrate.InMemoryBucket([pyrate.Rate(limit, ms)])


def _state_bucket(limit: int, ms: int) -> pyrate.AbstractBucket:
    return pyrate.StateBucket([pyrate.Rate(limit, ms)], pyrate.TokenBucket())


pyrate_log = _pyrate_loop(_log_bucket)
pyrate_token = _pyrate_loop(_state_bucket)


async def langchain_loop(scenario: str) -> Loop:
    def make() -> InMemoryRateLimiter:
        rps = BIG if scenario != "refuse" else 1 / 60
        return InMemoryRateLimiter(requests_per_second=rps, max_bucket_size=BIG)

    if scenario == "keys":
        table: dict[str, InMemoryRateLimiter] = {}

        async def keyed(keys: list[str]) -> None:
            for key in keys:
                lim = table.get(key)
                if lim is None:
                    lim = table[key] = make()
                await lim.aacquire(blocking=False)

        return keyed

    lim = make()

    async def run(keys: list[str]) -> None:
        aacquire = lim.aacquire
        for _ in keys:
            await aacquire(blocking=False)

    return run


PEERS: dict[str, Callable[[str], Awaitable[Loop]]] = {
    "aiolimiter": aiolimiter_loop,
    "limits fixed": limits_fixed,
    "limits moving": limits_moving,
    "limits sliding": limits_sliding,
    "pyrate log": pyrate_log,
    "pyrate token": pyrate_token,
    "langchain-core": langchain_loop,
}
