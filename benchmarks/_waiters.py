"""Wait-mode acquires of ours and of each peer that has one, at one rate.

Every contender gets `rate` per second with a burst of one second's worth,
spelled the way each library spells "20 per second". limits has no wait mode
and is left out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import _ours
import aiolimiter
import pyrate_limiter as pyrate
from langchain_core.rate_limiters import InMemoryRateLimiter

Acquire = Callable[[], Awaitable[object]]


def ours(rate: float) -> Acquire:
    lim = _ours.limiter(llm_rpm=rate * 60, llm_burst=rate)

    def acquire() -> Awaitable[None]:
        return lim.acquire("t", "b", "llm", wait=True)

    return acquire


def aiolimiter_waiter(rate: float) -> Acquire:
    return aiolimiter.AsyncLimiter(rate, 1).acquire


def pyrate_waiter(rate: float) -> Acquire:
    bucket = pyrate.InMemoryBucket([pyrate.Rate(round(rate), 1000)])
    lim = pyrate.Limiter(bucket)

    def acquire() -> Awaitable[bool]:
        return lim.try_acquire_async("k", blocking=True)

    return acquire


def langchain_waiter(rate: float) -> Acquire:
    # Its default polling period; waiters poll rather than queue.
    lim = InMemoryRateLimiter(requests_per_second=rate, max_bucket_size=rate)
    return lim.aacquire


def waiters() -> dict[str, Callable[[float], Acquire]]:
    found = {} if _ours.MISSING else {"ours": ours}
    found.update(
        {
            "aiolimiter": aiolimiter_waiter,
            "pyrate log": pyrate_waiter,
            "langchain-core": langchain_waiter,
        }
    )
    return found
