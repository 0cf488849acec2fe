"""acquire_all: several resources for one call, all of them or none."""

import pytest
from helpers import limiter_at, loop_time, on_virtual_time, run

from longtrainer.rate_limiter import (
    CostExceedsBurst,
    InvalidRequest,
    RateLimitConfig,
    RateLimiter,
    RateLimitExceeded,
)

CONFIG = RateLimitConfig(
    enabled=True, llm_rpm=60, llm_burst=2, embedding_rpm=6, embedding_burst=1
)


def tokens(limiter, resource):
    return {pool.resource: pool.tokens for pool in limiter.snapshot("acme")}[resource]


def test_takes_every_cost_when_all_are_there():
    limiter, _ = limiter_at(CONFIG)

    run(limiter.acquire_all("acme", "b", {"llm": 1, "embedding": 1}))

    assert (tokens(limiter, "llm"), tokens(limiter, "embedding")) == (1, 0)


def test_a_refusal_gives_back_what_was_taken_and_names_the_longest_wait():
    limiter, clock = limiter_at(CONFIG)
    run(limiter.acquire("acme", "b", "embedding"))

    with pytest.raises(RateLimitExceeded) as raised:
        run(limiter.acquire_all("acme", "b", {"llm": 1, "embedding_calls": 1}))

    assert raised.value.resource == "embedding"
    assert raised.value.retry_after == pytest.approx(10)
    assert tokens(limiter, "llm") == 2  # untouched

    clock.advance(raised.value.retry_after)
    run(limiter.acquire_all("acme", "b", {"llm": 1, "embedding": 1}))


def test_a_cost_above_a_burst_takes_nothing():
    limiter, _ = limiter_at(CONFIG)

    with pytest.raises(CostExceedsBurst):
        run(limiter.acquire_all("acme", "b", {"llm": 1, "embedding": 2}))
    assert tokens(limiter, "llm") == 2


def test_wait_mode_retries_until_everything_is_there():
    limiter = RateLimiter(CONFIG, clock=loop_time)

    async def main():
        await limiter.acquire("acme", "b", "embedding")
        await limiter.acquire_all("acme", "b", {"llm": 1, "embedding": 1}, wait=True)
        return loop_time()

    assert on_virtual_time(main) == 10.0


def test_wait_mode_refuses_at_once_a_wait_longer_than_its_timeout():
    limiter = RateLimiter(CONFIG, clock=loop_time)

    async def main():
        await limiter.acquire("acme", "b", "embedding")
        with pytest.raises(RateLimitExceeded):
            await limiter.acquire_all(
                "acme", "b", {"llm": 1, "embedding": 1}, wait=True, timeout=5
            )
        return loop_time()

    assert on_virtual_time(main) == 0.0


@pytest.mark.parametrize(
    ("costs", "message"),
    [
        ({}, "costs must map resources"),
        (["llm"], "costs must map resources"),
        ({"vision": 1}, "unknown resource 'vision'"),
        ({"llm": 0}, "cost must be a number greater than 0"),
    ],
)
def test_bad_costs_are_refused(costs, message):
    limiter, _ = limiter_at(CONFIG)

    with pytest.raises(InvalidRequest, match=message):
        run(limiter.acquire_all("acme", "b", costs))


@pytest.mark.parametrize("timeout", [-1, True, float("nan"), "5"])
def test_a_bad_timeout_is_refused(timeout):
    limiter, _ = limiter_at(CONFIG)

    with pytest.raises(InvalidRequest, match="timeout must be None or a number"):
        run(limiter.acquire_all("acme", "b", {"llm": 1}, wait=True, timeout=timeout))


def test_disabled_admits_without_state():
    limiter, _ = limiter_at(RateLimitConfig())
    run(limiter.acquire_all("acme", "b", {"llm": 100, "embedding": 100}))
    assert limiter.statistics().pools == 0
