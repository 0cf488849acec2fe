"""The limiter runs on asyncio and on trio alike, through anyio."""

import anyio
import pytest

from longtrainer.rate_limiter import RateLimitConfig, RateLimiter, RateLimitExceeded

# 60,000 per minute: a token every millisecond, so real waits stay tiny.
FAST = RateLimitConfig(enabled=True, llm_rpm=60_000, llm_burst=1)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param


@pytest.mark.anyio
async def test_waiters_are_served_in_order(anyio_backend):
    limiter = RateLimiter(FAST)
    order = []

    async def caller(index):
        await limiter.acquire("acme", "b", "llm", wait=True)
        order.append(index)

    async with anyio.create_task_group() as group:
        for index in range(5):
            group.start_soon(caller, index)
            await anyio.sleep(0)

    assert order == [0, 1, 2, 3, 4]


@pytest.mark.anyio
async def test_cancelled_waiters_leave_nothing_behind(anyio_backend):
    limiter = RateLimiter(RateLimitConfig(enabled=True, llm_rpm=1, llm_burst=1))
    await limiter.acquire("acme", "b", "llm")

    with anyio.move_on_after(0.005):
        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(lambda: limiter.acquire("acme", "b", "llm", wait=True))

    assert limiter.statistics().waiters == 0
    with pytest.raises(RateLimitExceeded):
        await limiter.acquire("acme", "b", "llm", wait=True, timeout=0.001)
