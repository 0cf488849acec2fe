"""Virtual time for tests and replays: an event loop whose clock jumps.

``VirtualTimeLoop`` is an asyncio loop whose ``time()`` starts at 0 and,
whenever every task is asleep, jumps straight to the next timer instead of
waiting for it. Sleeps, timeouts and the rate limiter's waits then take no
wall-clock time and land on exact instants, so tests of time-dependent
behaviour are deterministic:

    loop = VirtualTimeLoop()
    limiter = RateLimiter(config, clock=loop.time)
    loop.run_until_complete(scenario(limiter))

Real I/O still works: ready sockets are served before time jumps.
"""

import asyncio
import selectors
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class _JumpingSelector(selectors.DefaultSelector):
    """Polls without blocking, and advances the loop's clock instead."""

    def __init__(self, loop: "VirtualTimeLoop") -> None:
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None):
        events = super().select(0)
        if events or timeout is None or timeout <= 0:
            if timeout is None and not events:
                # Nothing scheduled and nothing ready: wait for real I/O.
                return super().select(None)
            return events

        self._loop.advance(timeout)
        return events


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An asyncio event loop on virtual time (see the module docstring)."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        super().__init__(_JumpingSelector(self))

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (never backwards)."""
        if seconds > 0:
            self._now += seconds


def run_virtual(main: Awaitable[T], *, start: float = 0.0) -> T:
    """Run ``main`` to completion on a fresh virtual-time loop."""
    loop = VirtualTimeLoop(start)
    try:
        return loop.run_until_complete(main)
    finally:
        loop.close()
