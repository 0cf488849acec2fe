"""Defects found by trying to break the limiter, each kept fixed by a test."""

import asyncio
import contextlib
import fractions

import pytest
import yaml
from helpers import limiter_at, loop_time, on_virtual_time, run

from longtrainer.rate_limiter import (
    ConfigError,
    CostExceedsBurst,
    RateLimitConfig,
    RateLimiter,
    RateLimitExceeded,
)


def test_shrinking_the_window_while_a_bot_waits_does_not_spin():
    # A wait re-checked with a stale departure time ran a busy loop.
    config = RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=2, active_window=60)
    limiter = RateLimiter(config, clock=loop_time)
    checks = 0
    take = limiter._waiting._try_head

    def counted(*args):
        nonlocal checks
        checks += 1
        return take(*args)

    limiter._waiting._try_head = counted

    async def main():
        await limiter.acquire("acme", "idle", "llm")
        # busy arrives with nothing spare, at half the rate: due at 2 s.
        waiter = asyncio.create_task(limiter.acquire("acme", "busy", "llm", wait=True))
        await asyncio.sleep(0.1)
        limiter.update_config(RateLimitConfig(**{**dict(config), "active_window": 1}))
        await waiter
        return loop_time()

    # idle now leaves at 1 s, when busy holds 0.5: the rest at the full rate.
    assert on_virtual_time(main) == pytest.approx(1.5)
    assert checks < 10


def test_a_queued_cost_that_no_longer_fits_fails_and_frees_the_queue():
    limiter = RateLimiter(
        RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=10), clock=loop_time
    )

    async def main():
        await limiter.acquire("acme", "a", "llm", cost=10)
        big = asyncio.create_task(
            limiter.acquire("acme", "a", "llm", cost=8, wait=True)
        )
        await asyncio.sleep(0)
        small = asyncio.create_task(limiter.acquire("acme", "a", "llm", wait=True))
        await asyncio.sleep(0.5)
        limiter.update_config(RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=5))

        with pytest.raises(CostExceedsBurst):
            await big
        await small
        return loop_time()

    assert on_virtual_time(main) == 1.0


def test_a_bot_with_its_own_rate_gets_no_fresh_burst_by_going_idle():
    config = RateLimitConfig(
        enabled=True,
        llm_rpm=600,
        active_window=5,
        bot_overrides={"vip": {"llm_rpm": 10, "llm_burst": 20}},
    )
    limiter, clock = limiter_at(config)
    admitted = 0
    for _ in range(12):  # a burst every 6 s, past the 5 s window each time
        for _ in range(20):
            with contextlib.suppress(RateLimitExceeded):
                run(limiter.acquire("acme", "vip", "llm"))
                admitted += 1
        clock.advance(6)

    assert admitted <= 20 + 10 / 60 * 66  # burst + rate x time


def test_retry_after_names_the_ceiling_when_it_needs_longer():
    config = RateLimitConfig(
        enabled=True,
        llm_rpm=60,
        llm_burst=2,
        bot_overrides={"vip": {"llm_rpm": 120, "llm_burst": 1}},
    )
    limiter, clock = limiter_at(config)
    run(limiter.acquire("acme", "vip", "llm"))  # vip empty, ceiling 1 left
    run(limiter.acquire("acme", "x", "llm"))  # a shared bot takes the rest

    with pytest.raises(RateLimitExceeded) as raised:
        run(limiter.acquire("acme", "vip", "llm"))
    error = raised.value

    # vip refills in 0.5 s, the ceiling in 1 s: the ceiling decides.
    assert (error.layer, error.retry_after) == ("tenant", pytest.approx(1.0))
    clock.advance(error.retry_after)
    run(limiter.acquire("acme", "vip", "llm"))


def test_an_rpm_below_one_still_admits_a_call_of_cost_one():
    limiter, _ = limiter_at(RateLimitConfig(enabled=True, llm_rpm=0.5))

    run(limiter.acquire("acme", "b", "llm"))

    assert limiter.snapshot("acme")[0].burst == 1


def test_waiters_let_through_while_disabled_leave_no_turn_behind():
    config = RateLimitConfig(
        enabled=True, llm_rpm=60, llm_burst=2, bot_overrides={"x": {"llm_rpm": 600}}
    )
    limiter = RateLimiter(config, clock=loop_time)

    async def main():
        await limiter.acquire("t", "x", "llm", cost=2)
        waiter = asyncio.create_task(limiter.acquire("t", "x", "llm", wait=True))
        await asyncio.sleep(0.1)  # x now waits its turn at the ceiling
        limiter.update_config(RateLimitConfig(**{**dict(config), "enabled": False}))
        await waiter
        limiter.update_config(config)
        await asyncio.sleep(5)  # the ceiling refills
        await limiter.acquire("t", "y", "llm")

    on_virtual_time(main)


def test_retry_after_counts_a_departure_already_due():
    limiter, clock = limiter_at(
        RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=2, active_window=1.2)
    )
    run(limiter.acquire("acme", "idle", "llm"))

    def refused_for() -> float:
        with pytest.raises(RateLimitExceeded) as raised:
            run(limiter.acquire("acme", "busy", "llm"))
        return raised.value.retry_after

    # busy arrives with nothing spare, at half the rate; idle leaves at
    # 1.2 s, when busy holds 0.6, and the rest comes at the full rate.
    assert refused_for() == pytest.approx(1.6)
    clock.now = 1.0
    assert refused_for() == pytest.approx(0.6)
    clock.now = 1.59
    assert refused_for() == pytest.approx(0.01)
    clock.now = 1.6
    run(limiter.acquire("acme", "busy", "llm"))


def test_a_clock_stepping_back_gives_a_newcomer_nothing_extra():
    limiter, clock = limiter_at(RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=10))
    clock.now = 100
    run(limiter.acquire("acme", "a", "llm", cost=9))
    clock.now = 95  # backwards
    with contextlib.suppress(RateLimitExceeded):
        run(limiter.acquire("acme", "b", "llm", cost=0.5))
    clock.now = 101

    (llm, *_) = limiter.snapshot("acme")
    assert sum(bot.tokens for bot in llm.bots) <= llm.tokens + 1e-9


@pytest.mark.parametrize(
    "cost", [fractions.Fraction(1, 2), True.__class__.__mro__[1](1)]
)
def test_any_real_number_is_a_cost(cost):
    limiter, _ = limiter_at(RateLimitConfig(enabled=True))
    run(limiter.acquire("acme", "b", "llm", cost=cost))


def test_the_decorator_refuses_a_plain_function():
    limiter, _ = limiter_at(RateLimitConfig(enabled=True))

    with pytest.raises(TypeError, match="not a coroutine function"):

        @limiter.limited("llm")
        def answer(tenant_id, bot_id): ...


def test_a_key_given_twice_in_yaml_is_refused(tmp_path):
    path = tmp_path / "longtrainer.yaml"
    path.write_text("rate_limiting:\n  llm_rpm: 60\n  llm_rpm: 6000\n")

    with pytest.raises(
        ConfigError, match=r"line 3, column 3: .*duplicate key 'llm_rpm'"
    ):
        RateLimitConfig.from_yaml(path)
    assert yaml.safe_load(path.read_text())  # plain YAML would have taken it


def test_a_vanishingly_small_rate_still_reads_as_a_sentence():
    limiter, _ = limiter_at(RateLimitConfig(enabled=True, llm_rpm=1e-300, llm_burst=1))
    run(limiter.acquire("acme", "b", "llm"))

    with pytest.raises(RateLimitExceeded, match="Retry after a very long time"):
        run(limiter.acquire("acme", "b", "llm"))
