"""G3 isolation, G4 no stranding, G5 exact retry_after, G6 order and G7
fail-fast, as properties over random scenarios on virtual or manual time."""

import asyncio
import copy

import pytest
from helpers import Call, admitted, limiter_at, loop_time, on_virtual_time, play
from hypothesis import assume, given
from hypothesis import strategies as st

from longtrainer.rate_limiter import (
    CostExceedsBurst,
    RateLimitConfig,
    RateLimiter,
    RateLimitExceeded,
)

# -- G3 isolation --------------------------------------------------------------


@st.composite
def paced_scenarios(draw):
    """A quiet bot pacing at its smallest share among bots that push hard."""
    bots = draw(st.integers(2, 5))
    rpm = draw(st.integers(1, 600))
    burst = draw(st.integers(bots, max(bots, 2 * rpm)))
    pace = 60 * bots / rpm  # seconds per token at the smallest share
    # A window a hair longer than the pace: at exact equality, rounding
    # decides whether the pacing bot is still active when it asks.
    window = pace * draw(st.floats(1.001, 3.0))
    config = RateLimitConfig(
        enabled=True, llm_rpm=rpm, llm_burst=burst, active_window=window
    )

    others = [f"noisy{i}" for i in range(bots - 1)]
    quiet_arrives = draw(st.integers(0, len(others)))
    pushes = draw(
        st.lists(
            st.tuples(
                st.floats(0, 40 * pace),
                st.sampled_from(others),
                st.sampled_from([1, 1, 2, 0.25]),
            ),
            max_size=60,
        )
    )
    return config, pace, others, quiet_arrives, pushes


@given(paced_scenarios())
def test_g3_a_bot_pacing_at_its_share_is_never_refused(scenario):
    config, pace, others, quiet_arrives, pushes = scenario
    limiter, clock = limiter_at(config)

    async def ask(bot, cost=1):
        try:
            await limiter.acquire("acme", bot, "llm", cost=cost)
            return True
        except (RateLimitExceeded, CostExceedsBurst):
            return False

    async def scenario_run():
        # Everyone arrives at 0, the quiet bot in any position.
        arrivals = list(others)
        arrivals.insert(quiet_arrives, "quiet")
        for bot in arrivals:
            await ask(bot)

        paced = [(k * pace, "quiet", 1) for k in range(1, 41)]
        events = sorted(pushes + paced, key=lambda event: event[0])
        refused = []
        for at, bot, cost in events:
            clock.now = at
            if not await ask(bot, cost) and bot == "quiet":
                refused.append(at)
        return refused

    assert asyncio.run(scenario_run()) == []


@given(
    bots=st.integers(2, 4),
    rpm=st.integers(6, 600),
    horizon_tokens=st.integers(5, 40),
    noisy_costs=st.lists(st.sampled_from([1, 2, 0.5]), min_size=1, max_size=30),
)
def test_g3_a_bot_that_keeps_asking_gets_its_share(
    bots, rpm, horizon_tokens, noisy_costs
):
    config = RateLimitConfig(
        enabled=True, llm_rpm=rpm, llm_burst=max(2 * bots, rpm // 4)
    )
    share = rpm / 60 / bots
    horizon = horizon_tokens / share
    limiter = RateLimiter(config, clock=loop_time)
    quiet_times = []

    async def quiet():
        while loop_time() < horizon:
            await limiter.acquire("acme", "quiet", "llm", wait=True)
            quiet_times.append(loop_time())

    async def noisy(bot):
        # A backlog of waiters that never runs dry before the horizon.
        while loop_time() < horizon:
            await asyncio.gather(
                *(
                    limiter.acquire("acme", bot, "llm", cost=cost, wait=True)
                    for cost in noisy_costs
                )
            )

    async def main():
        await asyncio.gather(quiet(), *(noisy(f"noisy{i}") for i in range(bots - 1)))

    on_virtual_time(main)

    got = sum(1 for at in quiet_times if at <= horizon)
    assert got >= share * horizon - 1


# -- G4 no stranding and G6 order ---------------------------------------------


@st.composite
def queues(draw):
    rpm = draw(st.integers(1, 300))
    burst = draw(st.integers(1, 20))
    callers = draw(
        st.lists(
            st.tuples(
                st.sampled_from([1, 2, 0.5]),
                st.one_of(st.none(), st.floats(0.01, 50)),  # timeout
                st.one_of(st.none(), st.floats(0.01, 50)),  # cancel after
            ),
            min_size=1,
            max_size=15,
        )
    )
    spent_first = draw(st.integers(0, burst))
    return rpm, min(burst, 20), callers, spent_first


def expected_queue(rate, burst, tokens, callers):
    """The test's own model of one bot's FIFO queue: when each caller leaves
    and how (admitted, refused upfront, timed out or cancelled)."""
    results, queue = [], []
    for index, (cost, timeout, _cancel) in enumerate(callers):
        if cost > burst:
            results.append(("too_large", 0.0))
            continue
        ahead = sum(callers[i][0] for i in queue)
        estimate = max(0.0, (ahead + cost - tokens) / rate)
        if not queue and tokens >= cost:
            results.append(("admitted", 0.0))
            tokens -= cost
            continue
        if timeout is not None and estimate > timeout:
            results.append(("refused", 0.0))
            continue
        results.append(None)
        queue.append(index)

    # Serve the queue: the head leaves when admitted, or when given up.
    now, level = 0.0, tokens
    for index in queue:
        cost, timeout, cancel = callers[index]
        gives_up = min(t for t in (timeout, cancel, float("inf")) if t is not None)
        ready = now + max(0.0, (cost - level) / rate)
        if ready <= gives_up:
            level = min(burst, level + (ready - now) * rate) - cost
            now = ready
            results[index] = ("admitted", ready)
        else:
            level = min(burst, level + (max(now, gives_up) - now) * rate)
            now = max(now, gives_up)
            kind = (
                "refused"
                if timeout is not None and timeout <= gives_up
                else "cancelled"
            )
            results[index] = (kind, gives_up)
    return results


@given(queues())
def test_g4_g6_a_queue_is_served_in_order_and_leavers_strand_nothing(queue):
    rpm, burst, callers, spent_first = queue
    rate = rpm / 60
    config = RateLimitConfig(enabled=True, llm_rpm=rpm, llm_burst=burst)

    limiter = RateLimiter(config, clock=loop_time)
    got = [None] * len(callers)

    async def caller(index, cost, timeout, cancel):
        try:
            async with asyncio.timeout(cancel):
                await limiter.acquire(
                    "acme", "bot", "llm", cost=cost, wait=True, timeout=timeout
                )
            got[index] = ("admitted", loop_time())
        except RateLimitExceeded:
            got[index] = ("refused", loop_time())
        except TimeoutError:
            got[index] = ("cancelled", loop_time())
        except CostExceedsBurst:
            got[index] = ("too_large", loop_time())

    async def main():
        if spent_first:
            await limiter.acquire("acme", "bot", "llm", cost=spent_first)
        tasks = []
        for index, (cost, timeout, cancel) in enumerate(callers):
            tasks.append(asyncio.create_task(caller(index, cost, timeout, cancel)))
            await asyncio.sleep(0)  # each caller reaches the limiter in turn
        await asyncio.gather(*tasks)

    on_virtual_time(main)

    want = expected_queue(rate, burst, burst - spent_first, callers)
    for (kind, at), (want_kind, want_at) in zip(got, want, strict=True):
        # A timeout due with the tokens is settled for the caller (one last
        # look); a cancellation at that instant is a race the loop decides.
        cancels = [c[2] for c in callers if c[2] is not None]
        assume(all(abs(want_at - t) > 1e-6 for t in cancels) or kind == want_kind)
        assert kind == want_kind
        assert at == pytest.approx(want_at, abs=1e-6)


@given(
    rpm=st.integers(1, 120),
    flood=st.lists(st.floats(0, 30), min_size=1, max_size=10),
    quiet=st.lists(st.floats(0, 30), min_size=1, max_size=10),
    flood_size=st.integers(1, 30),
)
def test_g6_a_noisy_queue_never_delays_another_bot(rpm, flood, quiet, flood_size):
    # Two bots, so a burst of 2 or more: each share holds a whole token.
    config = RateLimitConfig(
        enabled=True, llm_rpm=rpm, llm_burst=max(2, rpm), active_window=1000
    )

    def run(size):
        calls = [Call(0, "acme", "noisy"), Call(0, "acme", "quiet")]
        calls += [Call(t, "acme", "quiet", wait=True) for t in quiet]
        calls += [
            Call(t, "acme", "noisy", wait=True) for t in flood for _ in range(size)
        ]
        outcomes = play(config, calls)
        return [round(o.at, 9) for o in admitted(outcomes, bot="quiet")]

    # The same activity either way; only the noisy bot's backlog differs.
    assert run(flood_size) == run(1)


@given(st.data())
def test_g6_waiters_of_a_bot_are_admitted_first_come_first_served(data):
    config = RateLimitConfig(enabled=True, llm_rpm=data.draw(st.integers(1, 120)))
    calls = [
        Call(
            start=data.draw(st.sampled_from([0.0, 0.5, 1.0, 7.0])),
            tenant="acme",
            bot=data.draw(st.sampled_from(["a", "b"])),
            cost=data.draw(st.sampled_from([1, 2])),
            wait=data.draw(st.booleans()),
        )
        for _ in range(data.draw(st.integers(1, 30)))
    ]
    outcomes = play(config, calls)

    for bot in ("a", "b"):
        mine = admitted(outcomes, bot=bot)
        waiters = [o for o in mine if o.call.wait]
        assert [o.entered for o in waiters] == sorted(o.entered for o in waiters)

        # Nobody of the bot, waiting or not, is admitted past an earlier waiter.
        for outcome in mine:
            assert not any(
                w.entered < outcome.entered and w.admitted_as > outcome.admitted_as
                for w in waiters
            )


@given(
    rpm=st.integers(1, 600),
    burst=st.integers(1, 5),
    backlog=st.integers(2, 30),
    extra=st.integers(0, 3),
)
def test_g6_bots_take_turns_at_a_ceiling_their_overrides_exceed(
    rpm, burst, backlog, extra
):
    own = {"llm_rpm": rpm * (1 + extra), "llm_burst": burst}
    config = RateLimitConfig(
        enabled=True,
        llm_rpm=rpm,
        llm_burst=burst,
        bot_overrides={"a": own, "b": own},
    )
    calls = [Call(0, "acme", bot, wait=True) for _ in range(backlog) for bot in "ab"]
    outcomes = play(config, calls)

    order = [o.call.bot for o in admitted(outcomes)]
    assert len(order) == 2 * backlog
    lead = 0
    for bot in order[: 2 * backlog - 2]:
        lead += 1 if bot == "a" else -1
        assert abs(lead) <= burst + 1, order


# -- G5 exact retry_after --------------------------------------------------------


@given(
    rpm=st.integers(1, 6000),
    burst=st.one_of(st.none(), st.integers(1, 50)),
    bots=st.integers(1, 4),
    window=st.one_of(st.just(10**6), st.floats(1, 20)),
    events=st.lists(
        st.tuples(st.floats(0, 5), st.integers(0, 3), st.sampled_from([1, 2, 0.5, 3])),
        min_size=1,
        max_size=40,
    ),
)
def test_g5_retry_after_is_exact(rpm, burst, bots, window, events):
    # With a short window, bots go idle between calls: retry_after must
    # count the departures already due, or an earlier retry would pass.
    config = RateLimitConfig(
        enabled=True, llm_rpm=rpm, llm_burst=burst, active_window=window
    )
    limiter, clock = limiter_at(config)
    names = [f"b{i}" for i in range(bots)]

    async def attempt(on, bot, cost):
        try:
            await on.acquire("acme", bot, "llm", cost=cost)
            return None
        except RateLimitExceeded as error:
            return error
        except CostExceedsBurst:
            return "too_large"

    async def main():
        for bot in names:
            await attempt(limiter, bot, 1)

        checked = 0
        for gap, index, cost in events:
            clock.advance(gap)
            bot = names[index % bots]
            refusal = await attempt(limiter, bot, cost)
            if refusal is None or refusal == "too_large":
                continue

            assert refusal.retry_after > 0
            for delay, succeeds in (
                (refusal.retry_after, True),
                (refusal.retry_after - 1e-3, False),
            ):
                # A bot that waits past the window goes idle and arrives
                # anew, with what the ceiling has spare: that may come a
                # little sooner, so "not earlier" holds within the window.
                if delay <= 0 or (not succeeds and delay > window):
                    continue
                twin = copy.deepcopy(limiter)
                twin._clock = clock_at = type(clock)(clock.now + delay)
                assert clock_at() == clock.now + delay
                outcome = await attempt(twin, bot, cost)
                assert (outcome is None) == succeeds, (delay, refusal)
            checked += 1
        return checked

    asyncio.run(main())


# -- G7 impossible requests fail fast --------------------------------------------


@given(
    rpm=st.integers(1, 600),
    burst=st.integers(1, 40),
    bots=st.integers(1, 8),
    excess=st.floats(0.001, 100),
)
def test_g7_a_cost_above_the_burst_fails_at_once(rpm, burst, bots, excess):
    config = RateLimitConfig(
        enabled=True, llm_rpm=rpm, llm_burst=burst, active_window=10**6
    )
    limiter = RateLimiter(config, clock=loop_time)
    bot_burst = max(1.0, burst / bots)

    async def main():
        for i in range(bots):
            await limiter.acquire("acme", f"b{i}", "llm", wait=True)
        with pytest.raises(CostExceedsBurst) as raised:
            await limiter.acquire(
                "acme", "b0", "llm", cost=bot_burst + excess, wait=True
            )
        return raised.value, loop_time()

    error, at = on_virtual_time(main)
    assert ("burst" in str(error) and "b0" in str(error)) or "tenant" in str(error)
    assert at == 0.0 or bots > 1  # no time passed for the refusal itself


@given(
    rpm=st.integers(1, 600),
    spend=st.integers(1, 10),
    timeout=st.floats(0, 100),
)
def test_g7_a_wait_longer_than_its_timeout_fails_at_once(rpm, spend, timeout):
    config = RateLimitConfig(enabled=True, llm_rpm=rpm, llm_burst=spend)
    limiter = RateLimiter(config, clock=loop_time)

    async def main():
        await limiter.acquire("acme", "b", "llm", cost=spend)
        needed = 60 / rpm
        try:
            await limiter.acquire("acme", "b", "llm", wait=True, timeout=timeout)
        except RateLimitExceeded as error:
            return "refused", loop_time(), error.retry_after, needed
        return "admitted", loop_time(), None, needed

    kind, at, retry_after, needed = on_virtual_time(main)
    if needed > timeout:
        assert (kind, at) == ("refused", 0.0)
        assert retry_after == pytest.approx(needed)
    else:
        assert kind == "admitted"
        assert at == pytest.approx(needed)
