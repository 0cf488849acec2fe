"""A virtual-time asyncio event loop for replaying hours of traffic in seconds.

`time()` returns a virtual clock. When nothing is ready to run, the loop jumps
the clock to the earliest timer instead of blocking, so `asyncio.sleep` and
every timer fire in virtual time, in the order real time would fire them.
Only for benchmarks driving in-process code: there is no real I/O to wait on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock advances only when every task is blocked."""

    def __init__(self, start: float = 0.0) -> None:
        super().__init__()
        self._virtual_now = start

    def time(self) -> float:
        return self._virtual_now

    def _run_once(self) -> None:
        # Idle with timers pending: jump to the first instead of sleeping.
        # `_ready` and `_scheduled` are BaseEventLoop's queues (CPython 3.11+).
        if not self._ready and self._scheduled:
            first = self._scheduled[0]._when
            if first > self._virtual_now:
                self._virtual_now = first
        super()._run_once()


def run_virtual(main: Coroutine[Any, Any, T], start: float = 0.0) -> T:
    """Run `main` to completion on a fresh virtual-time loop."""
    loop = VirtualTimeLoop(start)
    try:
        return loop.run_until_complete(main)
    finally:
        loop.close()
