"""Wait mode on virtual time: exact wake-ups, cancellation, live changes."""

import asyncio
import time

import pytest
from helpers import loop_time, on_virtual_time

from longtrainer.rate_limiter import RateLimitConfig, RateLimiter, RateLimitExceeded
from longtrainer.testing import run_virtual

ONE_PER_SECOND = RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=1)


def test_a_waiter_is_admitted_the_instant_its_token_accrues():
    limiter = RateLimiter(ONE_PER_SECOND, clock=loop_time)

    async def main():
        times = []
        for _ in range(4):
            await limiter.acquire("acme", "b", "llm", wait=True)
            times.append(loop_time())
        return times

    assert on_virtual_time(main) == [0.0, 1.0, 2.0, 3.0]


def test_cancelled_waiter_refunds_and_the_next_is_not_delayed():
    limiter = RateLimiter(ONE_PER_SECOND, clock=loop_time)

    async def main():
        await limiter.acquire("acme", "b", "llm")
        big = asyncio.create_task(limiter.acquire("acme", "b", "llm", wait=True))
        await asyncio.sleep(0)
        small = asyncio.create_task(limiter.acquire("acme", "b", "llm", wait=True))
        await asyncio.sleep(0.4)

        big.cancel()
        await asyncio.gather(big, return_exceptions=True)
        await small
        return loop_time(), limiter.statistics().waiters

    # The token due at 1.0 goes to the second waiter, at 1.0 exactly.
    assert on_virtual_time(main) == (1.0, 0)


def test_a_wait_that_times_out_raises_and_takes_nothing():
    config = RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=2)
    limiter = RateLimiter(config, clock=loop_time)

    async def main():
        await limiter.acquire("acme", "b", "llm", cost=2)
        first = asyncio.create_task(limiter.acquire("acme", "b", "llm", wait=True))
        await asyncio.sleep(0)

        # Upfront 2 s looks enough for the queue; then a second bot arrives,
        # the share halves, and the wait would last until 4 s.
        second = asyncio.create_task(
            limiter.acquire("acme", "b", "llm", wait=True, timeout=2.5)
        )
        await asyncio.sleep(0)
        other = asyncio.create_task(limiter.acquire("acme", "o", "llm", wait=True))

        with pytest.raises(RateLimitExceeded) as raised:
            await second
        at = loop_time()
        await asyncio.gather(first, other)
        return at, raised.value, limiter.snapshot("acme")[0]

    at, error, llm = on_virtual_time(main)

    assert at == 2.5
    assert error.layer == "bot" and error.retry_after == pytest.approx(1.5)
    assert [bot.queued for bot in llm.bots] == [0, 0]
    # Nothing was spent by the timed-out caller: 0.25 token back in b's bucket.
    assert llm.bots[0].tokens == pytest.approx(0.25)


def test_an_idle_bot_leaving_speeds_up_the_others_waiters():
    config = RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=2, active_window=3)
    limiter = RateLimiter(config, clock=loop_time)

    async def main():
        await limiter.acquire("acme", "quiet", "llm")
        times = []
        for _ in range(2):
            await limiter.acquire("acme", "busy", "llm", wait=True)
            times.append(loop_time())
        return times

    # busy arrives with nothing spare and half the rate: its first token
    # at 2 s. quiet goes idle at 3 s; from then busy has the whole rate.
    assert on_virtual_time(main) == [2.0, 3.5]


def test_a_faster_limit_wakes_waiters_at_once():
    limiter = RateLimiter(
        RateLimitConfig(enabled=True, llm_rpm=1, llm_burst=1), clock=loop_time
    )

    async def main():
        await limiter.acquire("acme", "b", "llm")
        waiter = asyncio.create_task(limiter.acquire("acme", "b", "llm", wait=True))
        await asyncio.sleep(1)
        limiter.update_config(RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=1))
        await waiter
        return loop_time()

    # 1/60 token by 1 s at the old rate, the rest at 1 per s: admitted at ~1.98.
    assert on_virtual_time(main) == pytest.approx(1 + 59 / 60)


def test_disabling_releases_every_waiter():
    limiter = RateLimiter(ONE_PER_SECOND, clock=loop_time)

    async def main():
        await limiter.acquire("acme", "b", "llm")
        waiters = [
            asyncio.create_task(limiter.acquire("acme", "b", "llm", wait=True))
            for _ in range(5)
        ]
        await asyncio.sleep(0.1)
        limiter.update_config(RateLimitConfig(enabled=False))
        await asyncio.gather(*waiters)
        return loop_time()

    assert on_virtual_time(main) == 0.1


def test_virtual_time_loop_takes_no_wall_time():
    async def main():
        await asyncio.sleep(3600)
        return asyncio.get_running_loop().time()

    started = time.perf_counter()
    assert run_virtual(main()) == 3600
    assert time.perf_counter() - started < 5


def test_real_io_still_works_on_virtual_time():
    async def main():
        reader, writer = await asyncio.open_connection(*server_address)
        writer.write(b"ping\n")
        answer = await reader.readline()
        writer.close()
        return answer

    async def serve(reader, writer):
        writer.write(await reader.readline())
        await writer.drain()
        writer.close()

    async def with_server():
        global server_address
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        server_address = server.sockets[0].getsockname()[:2]
        async with server:
            return await main()

    assert run_virtual(with_server()) == b"ping\n"


server_address = ("127.0.0.1", 0)
