"""Shared test tools: a hand-driven clock and a scenario player on virtual time."""

import asyncio
import itertools
from dataclasses import dataclass

from longtrainer.rate_limiter import (
    CostExceedsBurst,
    RateLimitConfig,
    RateLimiter,
    RateLimitExceeded,
)
from longtrainer.testing import VirtualTimeLoop


class ManualClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def loop_time() -> float:
    """The running loop's clock: on a virtual-time loop, virtual seconds."""
    return asyncio.get_running_loop().time()


def on_virtual_time(main):
    """Run ``main()`` on a fresh virtual-time loop, with a guard: a lost
    wake-up fails the test (TimeoutError) instead of hanging it."""
    loop = VirtualTimeLoop()

    async def guarded():
        async with asyncio.timeout(10**7):
            return await main()

    try:
        return loop.run_until_complete(guarded())
    finally:
        loop.close()


def limiter_at(config: RateLimitConfig, start: float = 0.0):
    clock = ManualClock(start)
    return RateLimiter(config, clock=clock), clock


def run(coro):
    """Run a coroutine to completion on a fresh loop (no time passes)."""
    return asyncio.run(coro)


@dataclass(frozen=True)
class Call:
    """One caller of a scenario: when it asks, for whom, and how it waits."""

    start: float
    tenant: str
    bot: str
    cost: float = 1
    wait: bool = False
    timeout: float | None = None
    cancel_after: float | None = None


@dataclass
class Outcome:
    call: Call
    index: int
    result: str = "pending"  # admitted | refused | cancelled | too_large
    at: float = 0.0
    retry_after: float | None = None
    started: float = 0.0  # the instant the call reached the limiter
    entered: int = -1  # order in which calls reached the limiter
    admitted_as: int = -1  # order in which calls were admitted


def play(config: RateLimitConfig, calls: list[Call]) -> list[Outcome]:
    """Play ``calls`` against a fresh limiter on virtual time.

    Each call starts at its ``start`` instant; ``cancel_after`` cancels it
    that many seconds later if it is still waiting. Returns the outcomes,
    each stamped with the instant it was decided.
    """
    loop = VirtualTimeLoop()
    limiter = RateLimiter(config, clock=loop.time)
    outcomes = [Outcome(call, index) for index, call in enumerate(calls)]
    entries = itertools.count()
    admissions = itertools.count()

    async def one(outcome: Outcome) -> None:
        call = outcome.call
        await asyncio.sleep(call.start)
        # The loop may wake a timer up to its clock resolution early.
        outcome.started = loop.time()
        outcome.entered = next(entries)
        try:
            async with asyncio.timeout(call.cancel_after):
                await limiter.acquire(
                    call.tenant,
                    call.bot,
                    "llm",
                    cost=call.cost,
                    wait=call.wait,
                    timeout=call.timeout,
                )
            outcome.result = "admitted"
            outcome.admitted_as = next(admissions)
        except RateLimitExceeded as error:
            outcome.result = "refused"
            outcome.retry_after = error.retry_after
        except TimeoutError:
            outcome.result = "cancelled"
        except CostExceedsBurst:
            outcome.result = "too_large"
        outcome.at = loop.time()

    async def main() -> None:
        # A virtual-time guard: a lost wake-up fails the test, never hangs it.
        async with asyncio.timeout(10**7):
            await asyncio.gather(*(one(outcome) for outcome in outcomes))

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    return outcomes


def admitted(outcomes: list[Outcome], **match) -> list[Outcome]:
    """Admitted outcomes whose call matches ``match`` (e.g. ``bot="b1"``)."""
    chosen = []
    for outcome in outcomes:
        call = outcome.call
        if outcome.result == "admitted" and all(
            getattr(call, key) == value for key, value in match.items()
        ):
            chosen.append(outcome)
    return sorted(chosen, key=lambda outcome: outcome.admitted_as)


def activity_periods(outcomes: list[Outcome], window: float) -> dict[str, list]:
    """Per bot, the closed intervals during which it counted as active.

    A bot is active from the start of a call until ``window`` seconds after
    that call was decided; overlapping or touching spans merge.
    """
    spans: dict[str, list[tuple[float, float]]] = {}
    for outcome in outcomes:
        spans.setdefault(outcome.call.bot, []).append(
            (outcome.started, outcome.at + window)
        )

    periods = {}
    for bot, items in spans.items():
        merged: list[list[float]] = []
        for start, end in sorted(items):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        periods[bot] = [tuple(span) for span in merged]
    return periods
