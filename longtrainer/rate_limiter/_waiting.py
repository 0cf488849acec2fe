"""Wait mode: per-bot queues, turns at the ceiling, cancellation.

A waiter holds no tokens while it waits: tokens are taken only at the
instant of admission, in one step from both layers. So a waiter that is
cancelled or times out has nothing to give back; it only leaves its queue
and wakes whoever is next.
"""

from collections.abc import Callable

import anyio

from ._pool import BotSlot, Refusal, TenantPool
from ._refusals import exceeded, too_large


class Waiter:
    """A caller queued behind its bot's earlier callers."""

    __slots__ = ("admitted", "cost", "event", "refusal")

    def __init__(self, cost: float, refusal: Refusal) -> None:
        self.cost = cost
        self.refusal = refusal
        self.admitted = False
        self.event: anyio.Event | None = None

    def wake(self) -> None:
        if self.event is not None:
            self.event.set()


class WaitingRoom:
    """Serves the waiters of every pool of one limiter.

    Only the head of a bot's queue sleeps on a deadline (when its tokens
    fall due); the others sleep until the head leaves. Anything that moves
    a deadline (a share change, new limits, a bot's turn at the ceiling)
    wakes the heads concerned.
    """

    def __init__(self, clock: Callable[[], float], enabled: Callable[[], bool]):
        self._clock = clock
        self._enabled = enabled

    async def wait(
        self,
        pool: TenantPool,
        slot: BotSlot,
        cost: float,
        refusal: Refusal,
        timeout: float | None,
    ) -> None:
        """Queue for ``cost`` and return once admitted.

        :raises RateLimitExceeded: at once when ``refusal`` already says
            the wait outlasts ``timeout``; else when the timeout runs out.
        """
        if timeout is not None and refusal.retry_after > timeout:
            raise exceeded(pool, slot, refusal)

        waiter = Waiter(cost, refusal)
        slot.waiters.append(waiter)
        try:
            with anyio.fail_after(timeout):
                await self._serve(pool, slot, waiter)
        except TimeoutError:
            # Tokens due at the very deadline still count: one last look.
            if slot.waiters[0] is waiter:
                refusal = self._try_head(pool, slot, waiter)
                if refusal is None:
                    return
                waiter.refusal = refusal
            raise exceeded(pool, slot, waiter.refusal) from None
        finally:
            if not waiter.admitted:
                self._abandon(pool, slot, waiter)

    def wake_all(self, pool: TenantPool) -> None:
        """Wake every head of ``pool``: the shares changed."""
        pool.reshaped = False
        for slot in pool.bots.values():
            if slot.waiters:
                slot.waiters[0].wake()

    async def _serve(self, pool: TenantPool, slot: BotSlot, waiter: Waiter) -> None:
        """Sleep until ``waiter`` heads its queue and both layers admit it."""
        while True:
            delay = None
            if slot.waiters[0] is waiter:
                refusal = self._try_head(pool, slot, waiter)
                if refusal is None:
                    return
                waiter.refusal = refusal
                delay = refusal.retry_after

                # Limits shrank while it queued: it can never be admitted.
                if waiter.cost > min(slot.bucket.burst, pool.tenant.burst):
                    raise too_large(pool, slot, waiter.cost)

            waiter.event = anyio.Event()
            with anyio.move_on_after(delay):
                await waiter.event.wait()

    def _try_head(self, pool: TenantPool, slot: BotSlot, waiter: Waiter):
        """Admit the head if both layers can; else answer the Refusal."""
        if self._enabled():
            now = self._clock()
            self._enter(pool, slot, now)

            front = pool.turns[0] if pool.turns else None
            refusal = pool.take(slot, waiter.cost, now, queue_at_ceiling=True)
            self._wake_front(pool, front)
            if refusal is not None:
                return refusal

        waiter.admitted = True
        slot.waiters.popleft()
        if slot.waiters:
            slot.waiters[0].wake()
        else:
            pool.leave(slot)  # admitted with limiting off: no turn to keep
        return None

    def _abandon(self, pool: TenantPool, slot: BotSlot, waiter: Waiter) -> None:
        """Take a cancelled or timed-out waiter out of its queue."""
        # It was asking until now: that keeps its bot active as long.
        self._enter(pool, slot, self._clock())

        was_head = slot.waiters[0] is waiter
        slot.waiters.remove(waiter)
        if slot.waiters:
            if was_head:
                slot.waiters[0].wake()
            return

        front = pool.turns[0] if pool.turns else None
        pool.leave(slot)
        self._wake_front(pool, front)

    def _enter(self, pool: TenantPool, slot: BotSlot, now: float) -> None:
        pool.enter(slot.bot_id, now)
        if pool.reshaped:
            self.wake_all(pool)

    def _wake_front(self, pool: TenantPool, before: BotSlot | None) -> None:
        # The bot whose turn it now is at the ceiling should try at once.
        turns = pool.turns
        if turns and turns[0] is not before and turns[0].waiters:
            turns[0].waiters[0].wake()


def behind_queue(slot: BotSlot, cost: float, now: float) -> Refusal:
    """The refusal for a caller behind its bot's queue: the wait until the
    queue, and then ``cost``, could be served at the current share."""
    bucket = slot.bucket
    bucket.refill(now)
    queued = sum(waiter.cost for waiter in slot.waiters)
    wait = max(bucket.time_until(queued + cost), 1e-9)
    return Refusal("bot", wait, bucket.rate * 60)
