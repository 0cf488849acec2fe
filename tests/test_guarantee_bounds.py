"""G1 hard ceiling and G2 bot bound, as properties over random scenarios.

Each example plays a random mix of raise-mode calls, waiters with and
without timeouts, and cancellations, for bots that come and go, on virtual
time. The admissions are then checked against the bound over every interval
that starts and ends at an admission.
"""

import asyncio
import bisect
import contextlib
import itertools

from helpers import Call, activity_periods, admitted, limiter_at, play
from hypothesis import given
from hypothesis import strategies as st

from longtrainer.rate_limiter import RateLimitConfig, RateLimitExceeded

SLACK = 1e-6  # far above float rounding, far below one token


@st.composite
def scenarios(draw, *, overrides: bool):
    rpm = draw(st.integers(1, 600))
    burst = draw(st.one_of(st.none(), st.integers(1, 2 * rpm)))
    window = draw(st.floats(0.5, 90))
    bots = [f"b{i}" for i in range(draw(st.integers(1, 5)))]
    bot_overrides = {}
    if overrides:
        for bot in draw(st.lists(st.sampled_from(bots), unique=True, max_size=2)):
            bot_overrides[bot] = {"llm_rpm": draw(st.integers(1, 2 * rpm))}

    config = RateLimitConfig(
        enabled=True,
        llm_rpm=rpm,
        llm_burst=burst,
        active_window=window,
        bot_overrides=bot_overrides,
    )

    calls, now = [], 0.0
    for _ in range(draw(st.integers(1, 25))):
        now += draw(st.one_of(st.just(0.0), st.floats(0, 3 * window)))
        call = Call(
            start=now,
            tenant=draw(st.sampled_from(["acme", "globex"])),
            bot=draw(st.sampled_from(bots)),
            cost=draw(st.sampled_from([1, 1, 2, 0.5, 3.5])),
            wait=draw(st.booleans()),
            timeout=draw(st.one_of(st.none(), st.floats(0, 120))),
            cancel_after=draw(st.one_of(st.none(), st.floats(0.001, 120))),
        )
        # Floods of callers keep a bot saturated across share changes.
        calls += [call] * draw(st.sampled_from([1, 1, 1, 5, 20]))
    return config, calls


def assert_within(admissions, burst, rate_between, what):
    """Every run of admissions fits ``burst + rate integrated over its span``."""
    for i, first in enumerate(admissions):
        spent = 0.0
        for last in admissions[i:]:
            spent += last.call.cost
            allowed = burst(first.at) + rate_between(first.at, last.at)
            assert spent <= allowed + SLACK, (
                f"{what}: {spent} admitted in [{first.at}, {last.at}], bound {allowed}"
            )


@given(scenarios(overrides=True))
def test_g1_tenant_never_exceeds_burst_plus_rate(scenario):
    config, calls = scenario
    outcomes = play(config, calls)

    limit = config.tenant_limit("llm", "acme")
    for tenant in ("acme", "globex"):
        assert_within(
            sorted(admitted(outcomes, tenant=tenant), key=lambda o: o.at),
            lambda _at: limit.burst,
            lambda t1, t2: limit.rate * (t2 - t1),
            f"tenant {tenant}",
        )


class Shares:
    """The equal share each bot of a tenant had at each instant, as the
    test's own model of activity predicts it."""

    def __init__(self, config, outcomes, tenant):
        self.limit = config.tenant_limit("llm", tenant)
        self.config = config
        mine = [outcome for outcome in outcomes if outcome.call.tenant == tenant]
        self.periods = activity_periods(mine, config.active_window)
        self.shared = [b for b in self.periods if config.bot_limit("llm", b) is None]
        edges = {edge for spans in self.periods.values() for s in spans for edge in s}
        self.edges = sorted(edges)

    def active(self, at: float) -> int:
        return sum(
            any(start <= at <= end for start, end in self.periods[bot])
            for bot in self.shared
        )

    def burst(self, at: float) -> float:
        # Just before ``at`` and at ``at``: an arrival at that very instant
        # may come after the admission being bounded.
        before = self._before(at)
        count = max(1, min(self.active(at), self.active(before)))
        return max(1.0, self.limit.burst / count)

    def _before(self, at: float) -> float:
        index = bisect.bisect_left(self.edges, at)
        previous = self.edges[index - 1] if index else at - 1.0
        return (previous + at) / 2

    def earned(self, t1: float, t2: float) -> float:
        points = [t1, *(e for e in self.edges if t1 < e < t2), t2]
        total = 0.0
        for start, end in itertools.pairwise(points):
            count = max(1, self.active((start + end) / 2))
            total += (end - start) * self.limit.rate / count
        return total

    def period_of(self, bot: str, at: float) -> int:
        for index, (start, end) in enumerate(self.periods[bot]):
            if start <= at <= end:
                return index
        raise AssertionError(f"{bot} admitted at {at} while idle")


@given(scenarios(overrides=True))
def test_g2_bot_never_exceeds_its_share(scenario):
    config, calls = scenario
    outcomes = play(config, calls)

    for tenant in ("acme", "globex"):
        shares = Shares(config, outcomes, tenant)
        for bot in shares.periods:
            mine = sorted(
                admitted(outcomes, tenant=tenant, bot=bot), key=lambda o: o.at
            )
            fixed = config.bot_limit("llm", bot)
            by_period: dict[int, list] = {}
            for outcome in mine:
                by_period.setdefault(shares.period_of(bot, outcome.at), []).append(
                    outcome
                )

            if fixed is not None:
                # A bot's own rate holds across its idle spells too.
                assert_within(
                    mine,
                    lambda _at, f=fixed: f.burst,
                    lambda t1, t2, f=fixed: f.rate * (t2 - t1),
                    f"bot {bot} (own limit)",
                )
                continue

            for runs in by_period.values():
                assert_within(runs, shares.burst, shares.earned, f"bot {bot}")


@given(
    ids=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1),
    window=st.floats(1, 100),
    rpm=st.integers(1, 120),
)
def test_g8_idle_state_is_dropped(ids, window, rpm):
    config = RateLimitConfig(enabled=True, llm_rpm=rpm, active_window=window)
    limiter, clock = limiter_at(config)

    async def scenario():
        for tenant, bot in ids:
            clock.advance(0.01)
            with contextlib.suppress(RateLimitExceeded):
                await limiter.acquire(f"t{tenant}", f"b{bot}", "llm")

        grown = limiter.statistics()

        # Long enough for every bot to go idle and every ceiling to refill.
        clock.advance(window + 60 + 1)
        for _ in range(grown.pools):
            await limiter.acquire("fresh", "only-bot", "llm", wait=True)
            clock.advance(60 / rpm)
        return grown, limiter.statistics()

    grown, after = asyncio.run(scenario())
    assert grown.bots == len(set(ids))
    assert after.pools == 1
    assert after.bots == 1
