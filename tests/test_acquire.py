"""The public acquire surface: answers, error texts, bad input, helpers."""

import pytest
from helpers import limiter_at, run

from longtrainer import rate_limiter
from longtrainer.rate_limiter import (
    CostExceedsBurst,
    InvalidRequest,
    RateLimitConfig,
    RateLimiter,
    RateLimitExceeded,
    Resource,
)

ON = RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=2)


def refusal(limiter, *args, **kwargs) -> RateLimitExceeded:
    with pytest.raises(RateLimitExceeded) as raised:
        run(limiter.acquire(*args, **kwargs))
    return raised.value


def test_bot_refusal_carries_everything_and_reads_as_documented():
    limiter, clock = limiter_at(ON)
    run(limiter.acquire("acme", "bot-123", "llm", cost=2))

    clock.advance(0.25)
    error = refusal(limiter, "acme", "bot-123", "llm")

    assert (error.tenant_id, error.bot_id, error.resource) == ("acme", "bot-123", "llm")
    assert (error.layer, error.limit, error.label) == ("bot", 60, "llm_calls")
    assert error.retry_after == pytest.approx(0.75)
    assert (
        str(error)
        == "Bot 'bot-123' rate limit exceeded for llm_calls. Retry after 0.8s."
    )


def test_tenant_refusal_names_the_tenant():
    config = RateLimitConfig(
        enabled=True, llm_rpm=60, llm_burst=2, bot_overrides={"vip": {"llm_rpm": 600}}
    )
    limiter, _ = limiter_at(config)
    run(limiter.acquire("acme", "vip", "llm", cost=2))

    error = refusal(limiter, "acme", "vip", "llm")

    assert error.layer == "tenant"
    assert (
        str(error)
        == "Tenant 'acme' rate limit exceeded for llm_calls. Retry after 1.0s."
    )


def test_retry_after_text_rounds_up_to_a_tenth():
    limiter, clock = limiter_at(RateLimitConfig(enabled=True, llm_rpm=4, llm_burst=1))
    run(limiter.acquire("acme", "b", "llm"))
    clock.advance(0.51)  # 14.49 s left of a 15 s interval

    error = refusal(limiter, "acme", "b", "llm")

    assert error.retry_after == pytest.approx(14.49)
    assert str(error).endswith("Retry after 14.5s.")


def test_retrying_after_retry_after_succeeds():
    limiter, clock = limiter_at(ON)
    run(limiter.acquire("acme", "b", "llm", cost=2))
    error = refusal(limiter, "acme", "b", "llm")

    clock.advance(error.retry_after)
    run(limiter.acquire("acme", "b", "llm"))


@pytest.mark.parametrize("name", ["llm", "llm_calls", Resource.LLM])
def test_resource_names_labels_and_enum_members_all_work(name):
    limiter, _ = limiter_at(ON)
    run(limiter.acquire("acme", "b", name, cost=2))

    assert refusal(limiter, "acme", "b", "llm").resource == "llm"


def test_ingestion_goes_by_ingestion_ops():
    limiter, _ = limiter_at(RateLimitConfig(enabled=True, ingestion_rpm=1))
    run(limiter.acquire("acme", "b", "ingestion_ops"))

    assert "ingestion_ops" in str(refusal(limiter, "acme", "b", Resource.INGESTION))


def test_each_resource_and_tenant_has_its_own_budget():
    limiter, _ = limiter_at(ON)
    run(limiter.acquire("acme", "b", "llm", cost=2))

    run(limiter.acquire("acme", "b", "embedding"))
    run(limiter.acquire("globex", "b", "llm", cost=2))


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ("acme", "b", "vision"),
            {},
            "unknown resource 'vision'; valid resources: llm,",
        ),
        (("acme", "b", ["llm"]), {}, "unknown resource"),
        (("", "b", "llm"), {}, "tenant_id must be a non-empty string"),
        (("acme", "", "llm"), {}, "bot_id must be a non-empty string"),
        (("acme", None, "llm"), {}, "bot_id must be a non-empty string"),
        (("acme", "b", "llm"), {"cost": 0}, "cost must be a number greater than 0"),
        (("acme", "b", "llm"), {"cost": -1}, "cost must be a number greater than 0"),
        (("acme", "b", "llm"), {"cost": float("nan")}, "greater than 0"),
        (("acme", "b", "llm"), {"cost": float("inf")}, "greater than 0"),
        (("acme", "b", "llm"), {"cost": "1"}, "greater than 0"),
        (("acme", "b", "llm"), {"cost": True}, "greater than 0"),
        (("acme", "b", "llm"), {"timeout": -1}, "timeout must be None or a number"),
        (("acme", "b", "llm"), {"timeout": float("nan")}, "timeout must be None"),
        (("acme", "b", "llm"), {"timeout": "5"}, "timeout must be None"),
    ],
)
@pytest.mark.parametrize("enabled", [True, False])
def test_bad_input_is_refused_with_a_clear_message(args, kwargs, message, enabled):
    limiter, _ = limiter_at(RateLimitConfig(enabled=enabled))

    with pytest.raises(InvalidRequest, match=message.replace("(", r"\(")):
        run(limiter.acquire(*args, **kwargs))


def test_cost_above_the_share_fails_fast_naming_the_share():
    limiter, _ = limiter_at(RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=10))
    for bot in ("a", "b", "c", "d"):
        run(limiter.acquire("acme", bot, "llm", cost=0.5))

    with pytest.raises(CostExceedsBurst) as raised:
        run(limiter.acquire("acme", "a", "llm", cost=3, wait=True))

    assert str(raised.value) == (
        "cost 3 exceeds bot 'a' burst of 2.5 llm_calls "
        "(its equal share of the tenant's 10 among 4 active bots)"
    )


def test_disabled_admits_everything():
    limiter, _ = limiter_at(RateLimitConfig(enabled=False, llm_rpm=1))

    for _ in range(1000):
        run(limiter.acquire("acme", "b", "llm", cost=50))
    assert limiter.statistics().pools == 0


def test_context_manager_runs_the_block_only_when_admitted():
    limiter, _ = limiter_at(ON)
    ran = []

    async def use():
        async with limiter.limit("acme", "b", "llm", cost=2):
            ran.append(1)
        async with limiter.limit("acme", "b", "llm"):
            ran.append(2)

    with pytest.raises(RateLimitExceeded):
        run(use())
    assert ran == [1]


def test_decorator_reads_tenant_bot_and_cost_from_the_call():
    limiter, _ = limiter_at(
        RateLimitConfig(enabled=True, embedding_rpm=60, embedding_burst=3)
    )

    @limiter.limited("embedding", cost=lambda texts, **_: len(texts))
    async def embed(tenant_id, bot_id, texts):
        return len(texts)

    assert run(embed("acme", "b", ["x", "y"])) == 2
    with pytest.raises(RateLimitExceeded):
        run(embed("acme", "b", ["x", "y"]))
    assert run(embed(bot_id="b", tenant_id="acme", texts=["x"])) == 1


def test_decorator_refuses_a_function_without_the_id_arguments():
    limiter, _ = limiter_at(ON)

    with pytest.raises(TypeError, match="no argument 'bot_id'"):

        @limiter.limited("llm")
        async def answer(tenant_id, question): ...


def test_update_config_keeps_tokens_and_changes_rates():
    limiter, clock = limiter_at(RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=10))
    run(limiter.acquire("acme", "b", "llm", cost=10))

    limiter.update_config(RateLimitConfig(enabled=True, llm_rpm=600, llm_burst=10))
    (llm, *_) = limiter.snapshot("acme")
    assert llm.tokens == pytest.approx(0)  # not refilled by the change
    assert llm.rpm == 600

    clock.advance(0.5)  # 5 tokens at the new rate
    run(limiter.acquire("acme", "b", "llm", cost=5))


def test_update_config_drops_tokens_above_a_smaller_burst():
    limiter, _ = limiter_at(RateLimitConfig(enabled=True, llm_rpm=60))
    run(limiter.acquire("acme", "b", "llm"))

    limiter.update_config(RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=3))

    (llm, *_) = limiter.snapshot("acme")
    assert (llm.tokens, llm.bots[0].tokens) == (3, 3)


def test_snapshot_shows_the_ceiling_and_each_active_share():
    config = RateLimitConfig(
        enabled=True, llm_rpm=60, llm_burst=12, bot_overrides={"vip": {"llm_rpm": 6}}
    )
    limiter, clock = limiter_at(config)
    for bot in ("a", "b", "vip"):
        run(limiter.acquire("acme", bot, "llm"))

    llm, embedding, *_ = limiter.snapshot("acme")

    assert (llm.resource, llm.label, llm.rpm, llm.burst) == ("llm", "llm_calls", 60, 12)
    assert llm.tokens == pytest.approx(9)
    shares = {bot.bot_id: (bot.rpm, bot.burst, bot.overridden) for bot in llm.bots}
    assert shares == {"a": (30, 6, False), "b": (30, 6, False), "vip": (6, 6, True)}
    assert embedding.bots == () and embedding.tokens == embedding.burst

    clock.advance(61)  # everyone idle: the shares are gone
    assert limiter.snapshot("acme")[0].bots == ()


def test_an_idle_bot_leaves_and_the_others_share_grows():
    limiter, clock = limiter_at(
        RateLimitConfig(enabled=True, llm_rpm=60, active_window=10)
    )
    run(limiter.acquire("acme", "a", "llm"))
    run(limiter.acquire("acme", "b", "llm"))
    assert [bot.rpm for bot in limiter.snapshot("acme")[0].bots] == [30, 30]

    clock.advance(5)
    run(limiter.acquire("acme", "a", "llm"))
    clock.advance(6)  # b idle for 11 s > 10 s
    run(limiter.acquire("acme", "a", "llm"))

    assert [(b.bot_id, b.rpm) for b in limiter.snapshot("acme")[0].bots] == [("a", 60)]


def test_a_clock_running_backwards_is_clamped():
    limiter, clock = limiter_at(RateLimitConfig(enabled=True, llm_rpm=60, llm_burst=1))
    clock.now = 100
    run(limiter.acquire("acme", "b", "llm"))

    clock.now = 50  # backwards: nothing accrues, nothing is lost
    assert refusal(limiter, "acme", "b", "llm").retry_after > 0
    clock.now = 101
    run(limiter.acquire("acme", "b", "llm"))


def test_repr_and_statistics_show_the_state():
    limiter, _ = limiter_at(ON)
    run(limiter.acquire("acme", "b", "llm"))

    assert repr(limiter) == "RateLimiter(enabled=True, pools=1, bots=1, waiters=0)"


def test_public_names_are_sorted_and_complete():
    exported = rate_limiter.__all__
    public = {name for name in dir(rate_limiter) if not name.startswith("_")}

    assert exported == sorted(exported)
    assert public == set(exported)


def test_default_clock_works_outside_tests():
    limiter = RateLimiter(ON)
    run(limiter.acquire("acme", "b", "llm"))
    assert limiter.snapshot("acme")[0].tokens == pytest.approx(1, abs=0.01)


def test_a_declared_resource_is_limited_by_name_and_label_with_costs():
    config = RateLimitConfig(
        enabled=True,
        resources={"llm_tokens": {"rpm": 6000, "burst": 1000}},
        tenant_overrides={"acme": {"llm_tokens_rpm": 60_000}},
    )
    limiter, _ = limiter_at(config)
    run(limiter.acquire("globex", "b", "llm_tokens", cost=900))

    error = refusal(limiter, "globex", "b", "llm_tokens_calls", cost=200)
    assert error.resource == "llm_tokens" and error.limit == 6000
    assert error.retry_after == pytest.approx(1.0)  # 100 tokens at 100/s
    run(limiter.acquire("acme", "b", "llm_tokens", cost=1000))  # its own ceiling
