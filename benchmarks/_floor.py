"""The floor: a bare pure-Python token bucket, the least any limiter can cost.

Every micro figure is reported as a ratio to this bucket measured in the same
run, because a shared machine's absolute speed moves from minute to minute.
"""

from __future__ import annotations

from time import monotonic


class BareBucket:
    """One token bucket: `rate` tokens per second, at most `burst` held."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = monotonic()

    async def acquire(self, cost: float = 1) -> bool:
        """Take `cost` tokens if there are enough; answer whether it did."""
        now = monotonic()
        tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

        if tokens < cost:
            self.tokens = tokens
            return False

        self.tokens = tokens - cost
        return True


class BareKeyed:
    """A dict of bare buckets, one per key, made on first use."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.buckets: dict[str, BareBucket] = {}

    async def acquire(self, key: str) -> bool:
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = BareBucket(self.rate, self.burst)
        return await bucket.acquire()
