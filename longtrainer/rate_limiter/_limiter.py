"""The public limiter: validation, pools by tenant and resource, raise mode."""

import functools
import inspect
import logging
import math
import numbers
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import anyio

from ._config import RateLimitConfig
from ._errors import InvalidRequest
from ._pool import BotSlot, TenantPool
from ._refusals import exceeded, too_large
from ._snapshot import BotShare, BucketState, LimiterStatistics, PoolSnapshot
from ._waiting import WaitingRoom, behind_queue

logger = logging.getLogger(__name__)

Clock = Callable[[], float]

_NUMBERS = (int, float)
_SWEEP_BATCH = 1000  # pools looked at in one call, at most


class RateLimiter:
    """Two-layer token buckets for many tenants and their bots.

    Each (tenant, resource) has a ceiling of ``rpm / 60`` tokens per second
    with a burst of ``burst`` tokens; inside it, each active bot gets an
    equal share of rate and burst (a burst never below one token). A call
    takes ``cost`` tokens from both layers or from neither. State of idle
    tenants and bots is dropped. Safe to share between the tasks of one
    event loop; not thread-safe.

        limiter = RateLimiter(RateLimitConfig(enabled=True, llm_rpm=60))
        await limiter.acquire("acme", "bot-1", "llm")             # or raise
        await limiter.acquire("acme", "bot-1", "llm", wait=True)  # or wait

    ``clock`` returns monotonic seconds; all refill and ``retry_after``
    arithmetic uses it. Wait mode sleeps on the event loop, so a custom
    clock should run at the loop's pace (for tests: the loop's ``time``).
    """

    def __init__(self, config: RateLimitConfig, *, clock: Clock | None = None):
        self._clock = clock or time.monotonic
        self._pools: OrderedDict[tuple[str, str], TenantPool] = OrderedDict()
        self._next_sweep = -math.inf
        self._latest = -math.inf
        self._waiting = WaitingRoom(self._now, lambda: self._enabled)
        self._apply(config)

    @property
    def config(self) -> RateLimitConfig:
        """The configuration in force."""
        return self._config

    def _apply(self, config: RateLimitConfig) -> None:
        self._config = config
        self._enabled = config.enabled
        self._window = config.active_window
        self._bot_limit_cache: dict[str, Callable] = {}

        names = config.resource_names()
        self._names: dict[Any, str] = {name: name for name in names}
        self._names.update({label: name for name, label in config.labels().items()})
        logger.info("rate limits loaded: %s", config.describe())

    def update_config(self, config: RateLimitConfig) -> None:
        """Apply new limits now, keeping the tokens every bucket holds.

        Buckets are neither refilled nor emptied; tokens above a smaller
        new burst are dropped. Waiters re-check at once.
        """
        self._apply(config)
        now = self._now()
        for (tenant_id, name), pool in self._pools.items():
            if name not in self._names:
                continue

            limit = config.tenant_limit(name, tenant_id)
            pool.retune(limit, self._bot_lookup(name), self._window, now)
            self._waiting.wake_all(pool)

    async def acquire(
        self,
        tenant_id: str,
        bot_id: str,
        resource: str,
        *,
        cost: float = 1,
        wait: bool = False,
        timeout: float | None = None,
    ) -> None:
        """Take ``cost`` tokens of ``resource`` for ``bot_id`` of ``tenant_id``.

        When tokens are short, raise :class:`RateLimitExceeded` or, with
        ``wait=True``, wait in the bot's queue (first come, first served).
        A waiter that is cancelled or times out leaves the queue holding
        nothing, and the next waiter is woken at once.

        :raises RateLimitExceeded: refused now; or the wait would outlast
            ``timeout`` seconds (raised at once when that is known upfront).
        :raises InvalidRequest: unknown resource, empty id, cost not > 0,
            timeout not a number >= 0.
        :raises CostExceedsBurst: cost above the bot's burst (never admitted).
        """
        try:
            name = self._names[resource]
        except (KeyError, TypeError):
            raise self._unknown_resource(resource) from None
        if not (isinstance(tenant_id, str) and tenant_id):
            raise _bad_id("tenant_id", tenant_id)
        if not (isinstance(bot_id, str) and bot_id):
            raise _bad_id("bot_id", bot_id)
        if cost.__class__ not in _NUMBERS or not 0 < cost < math.inf:
            cost = _as_amount("cost", cost)
        if timeout is not None and (
            timeout.__class__ not in _NUMBERS or not 0 <= timeout < math.inf
        ):
            raise _bad_timeout(timeout)
        if not self._enabled:
            return

        # The clock, never backwards: a bucket must not accrue twice.
        now = self._clock()
        if now < self._latest:
            now = self._latest
        else:
            self._latest = now

        key = (tenant_id, name)
        pool = self._pools.get(key)
        if pool is None or now > self._next_sweep:
            pool = self._pool_at(tenant_id, name, now)
        else:
            self._pools.move_to_end(key)
            pool.last_used = now

        slot = pool.enter(bot_id, now)
        if pool.reshaped:
            self._waiting.wake_all(pool)
        if slot.waiters:
            refusal = behind_queue(slot, cost, now)
        else:
            refusal = pool.take(slot, cost, now)
            if refusal is None:
                return

        # Checked only once refused: a cost above a burst never passes.
        if cost > slot.bucket.burst or cost > pool.tenant.burst:
            raise too_large(pool, slot, cost)
        if not wait:
            raise exceeded(pool, slot, refusal)
        await self._waiting.wait(pool, slot, cost, refusal, timeout)

    async def acquire_all(
        self,
        tenant_id: str,
        bot_id: str,
        costs: Mapping[str, float],
        *,
        wait: bool = False,
        timeout: float | None = None,
    ) -> None:
        """Take the cost of every resource in ``costs``: all of them or none.

        For one call that spends several resources, say a chat turn that
        embeds the question and then asks the LLM:
        ``await limiter.acquire_all("acme", "bot-1", {"embedding": 1, "llm": 1})``.
        A refusal gives back whatever was taken and names the resource that
        needs the longest wait.

        .. warning:: In wait mode it retries once that wait is over; unlike
           ``acquire`` it does not hold a place in the bots' queues, so it
           waits behind them and may wait longer under contention.

        :raises RateLimitExceeded: refused, or the wait would outlast
            ``timeout``.
        :raises InvalidRequest: as ``acquire``, or an empty ``costs``.
        :raises CostExceedsBurst: a cost no bucket can hold; nothing taken.
        """
        items = self._checked_costs(costs)
        if not (isinstance(tenant_id, str) and tenant_id):
            raise _bad_id("tenant_id", tenant_id)
        if not (isinstance(bot_id, str) and bot_id):
            raise _bad_id("bot_id", bot_id)
        if timeout is not None and (
            timeout.__class__ not in _NUMBERS or not 0 <= timeout < math.inf
        ):
            raise _bad_timeout(timeout)
        if not self._enabled:
            return

        deadline = math.inf if timeout is None else self._now() + timeout
        while True:
            refusal = self._take_all(tenant_id, bot_id, items)
            if refusal is None:
                return
            if not wait or self._now() + refusal.retry_after > deadline:
                raise refusal

            # Look again at least every half window: a bot still asking
            # must not go idle and come back as a newcomer.
            try:
                await anyio.sleep(min(refusal.retry_after, self._window / 2))
            except BaseException:
                self._touch_all(tenant_id, bot_id, items)  # asked until now
                raise

    def _touch_all(self, tenant_id: str, bot_id: str, items) -> None:
        now = self._now()
        for name, _ in items:
            pool = self._pool_at(tenant_id, name, now)
            pool.enter(bot_id, now)
            if pool.reshaped:
                self._waiting.wake_all(pool)

    def _checked_costs(self, costs: Mapping[str, float]) -> list[tuple[str, float]]:
        if not isinstance(costs, Mapping) or not costs:
            raise InvalidRequest(f"costs must map resources to costs, got {costs!r}")

        # A resource named twice (by name and by label) pays both costs.
        merged: dict[str, float] = {}
        for resource, cost in costs.items():
            name = self.resource_name(resource)
            merged[name] = merged.get(name, 0.0) + _as_amount("cost", cost)
        return list(merged.items())

    def _take_all(self, tenant_id: str, bot_id: str, items) -> Exception | None:
        """Take every cost at one instant, or give them all back and answer
        the refusal with the longest wait."""
        now = self._now()
        taken: list[tuple[TenantPool, BotSlot, float]] = []
        longest = None
        for name, cost in items:
            pool = self._pool_at(tenant_id, name, now)
            slot = pool.enter(bot_id, now)
            if pool.reshaped:
                self._waiting.wake_all(pool)
            if slot.waiters:
                refusal = behind_queue(slot, cost, now)
            else:
                refusal = pool.take(slot, cost, now)
            if refusal is None:
                taken.append((pool, slot, cost))
                continue

            if cost > slot.bucket.burst or cost > pool.tenant.burst:
                _give_back(taken)
                raise too_large(pool, slot, cost)
            if longest is None or refusal.retry_after > longest[0].retry_after:
                longest = (refusal, pool, slot)

        if longest is None:
            return None
        _give_back(taken)
        refusal, pool, slot = longest
        return exceeded(pool, slot, refusal)

    @asynccontextmanager
    async def limit(
        self,
        tenant_id: str,
        bot_id: str,
        resource: str,
        *,
        cost: float = 1,
        wait: bool = False,
        timeout: float | None = None,
    ) -> AsyncIterator[None]:
        """Acquire on entry; the block runs only when admitted.

        Tokens are spent, not held: leaving the block gives nothing back.
        """
        await self.acquire(
            tenant_id, bot_id, resource, cost=cost, wait=wait, timeout=timeout
        )
        yield

    def limited(
        self,
        resource: str,
        *,
        cost: float | Callable[..., float] = 1,
        wait: bool = False,
        timeout: float | None = None,
        tenant_arg: str = "tenant_id",
        bot_arg: str = "bot_id",
    ) -> Callable:
        """Decorate a coroutine function so each call acquires first.

        The tenant and bot are read from the call's ``tenant_arg`` and
        ``bot_arg`` arguments. ``cost`` may be a function of the call's
        arguments (by name), e.g. ``lambda texts, **_: len(texts)``.
        """
        self.resource_name(resource)

        def decorate(func: Callable) -> Callable:
            if not inspect.iscoroutinefunction(func):
                raise TypeError(f"{func.__qualname__} is not a coroutine function")
            signature = inspect.signature(func)
            for arg in (tenant_arg, bot_arg):
                if arg not in signature.parameters:
                    raise TypeError(f"{func.__qualname__} has no argument {arg!r}")

            @functools.wraps(func)
            async def limited_call(*args: Any, **kwargs: Any) -> Any:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                arguments = bound.arguments
                amount = cost(**arguments) if callable(cost) else cost
                await self.acquire(
                    arguments[tenant_arg],
                    arguments[bot_arg],
                    resource,
                    cost=amount,
                    wait=wait,
                    timeout=timeout,
                )
                return await func(*args, **kwargs)

            return limited_call

        return decorate

    def snapshot(self, tenant_id: str) -> list[PoolSnapshot]:
        """The live state of ``tenant_id``: one entry per configured resource."""
        now = self._now()
        views = []
        for name in self._config.resource_names():
            pool = self._pools.get((tenant_id, name))
            if pool is None:
                limit = self._config.tenant_limit(name, tenant_id)
                views.append(
                    PoolSnapshot(
                        tenant_id,
                        name,
                        limit.label,
                        limit.rpm,
                        limit.burst,
                        limit.burst,
                        (),
                    )
                )
                continue
            views.append(_view(pool, now))
        return views

    def buckets(
        self, tenant_id: str, bot_id: str, resource: str
    ) -> tuple[BucketState, ...]:
        """The ceiling and the bot's bucket for one resource, as they stand.

        The bot's bucket is there while the bot is active. Costs O(1),
        whatever the number of bots: meant for every response's headers.
        """
        name = self.resource_name(resource)
        pool = self._pools.get((tenant_id, name))
        if pool is None:
            limit = self._config.tenant_limit(name, tenant_id)
            return (BucketState(name, "tenant", limit.rpm, limit.burst, limit.burst),)

        now = self._now()
        pool.settle(now)
        states = [_state(name, "tenant", pool.tenant, now)]
        slot = pool.bots.get(bot_id)
        if slot is not None:
            states.append(_state(name, "bot", slot.bucket, now))
        return tuple(states)

    def statistics(self) -> LimiterStatistics:
        """Counts of the state held: pools, bots and waiters."""
        bots = [slot for pool in self._pools.values() for slot in pool.bots.values()]
        waiters = sum(len(slot.waiters) for slot in bots)
        return LimiterStatistics(len(self._pools), len(bots), waiters)

    def resource_name(self, resource: Any) -> str:
        """The config's name for ``resource``, given by name, label or enum
        member: ``"llm"`` for ``"llm_calls"`` and ``Resource.LLM``.

        :raises InvalidRequest: an unknown resource, naming the valid ones.
        """
        try:
            return self._names[resource]
        except (KeyError, TypeError):
            raise self._unknown_resource(resource) from None

    def __repr__(self) -> str:
        stats = self.statistics()
        return (
            f"RateLimiter(enabled={self._enabled}, pools={stats.pools}, "
            f"bots={stats.bots}, waiters={stats.waiters})"
        )

    # -- internals -----------------------------------------------------------

    def _now(self) -> float:
        """The clock, clamped so that it never runs backwards."""
        now = self._clock()
        if now < self._latest:
            return self._latest
        self._latest = now
        return now

    def _unknown_resource(self, resource: Any) -> InvalidRequest:
        valid = ", ".join(self._config.resource_names())
        return InvalidRequest(
            f"unknown resource {resource!r}; valid resources: {valid}"
        )

    def _pool_at(self, tenant_id: str, name: str, now: float) -> TenantPool:
        """The pool of ``tenant_id`` for resource ``name``, marked used."""
        key = (tenant_id, name)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._open_pool(key, now)
        else:
            self._pools.move_to_end(key)
        pool.last_used = now
        if now > self._next_sweep:
            self._sweep(now)
        return pool

    def _open_pool(self, key: tuple[str, str], now: float) -> TenantPool:
        tenant_id, name = key
        limit = self._config.tenant_limit(name, tenant_id)
        pool = TenantPool(tenant_id, limit, self._bot_lookup(name), self._window, now)
        self._pools[key] = pool
        return pool

    def _sweep(self, now: float) -> None:
        """Drop pools idle for longer than the window: memory follows the
        active set. Pools sit in order of use, so the stale ones lead."""
        pools = self._pools
        for _ in range(_SWEEP_BATCH):
            key, oldest = next(iter(pools.items()))
            if now - oldest.last_used <= self._window:
                self._next_sweep = now + self._window / 4
                return
            self._retire(key, oldest, now)

        # More may be stale: carry on at the next call.
        self._next_sweep = now

    def _retire(self, key: tuple[str, str], pool: TenantPool, now: float) -> None:
        if pool.is_idle(now):
            del self._pools[key]
            return

        # Still refilling, or still has active bots: look again later.
        pool.last_used = max(now, pool.tenant.full_at()) - self._window
        self._pools.move_to_end(key)

    def _bot_lookup(self, name: str) -> Callable:
        lookup = self._bot_limit_cache.get(name)
        if lookup is None:
            lookup = functools.partial(self._config.bot_limit, name)
            self._bot_limit_cache[name] = lookup
        return lookup


def _view(pool: TenantPool, now: float) -> PoolSnapshot:
    pool.is_idle(now)
    pool.tenant.refill(now)
    bots = []
    for slot in pool.bots.values():
        bucket = slot.bucket
        bucket.refill(now)
        share = BotShare(
            slot.bot_id,
            bucket.rate * 60,
            bucket.burst,
            bucket.tokens,
            len(slot.waiters),
            slot.fixed,
        )
        bots.append(share)

    limit = pool.limit
    tenant = pool.tenant
    return PoolSnapshot(
        pool.tenant_id,
        limit.name,
        limit.label,
        limit.rpm,
        tenant.burst,
        tenant.tokens,
        tuple(bots),
    )


def _as_amount(what: str, value: Any) -> float:
    """A positive real number of any numeric type as a float, or refuse it."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        amount = float(value)
        if 0 < amount < math.inf:
            return amount
    raise InvalidRequest(f"{what} must be a number greater than 0, got {value!r}")


def _state(name: str, layer: str, bucket, now: float) -> BucketState:
    bucket.refill(now)
    return BucketState(name, layer, bucket.rate * 60, bucket.burst, bucket.tokens)


def _give_back(taken: list) -> None:
    for pool, slot, cost in taken:
        pool.give_back(slot, cost)


def _bad_id(what: str, value: Any) -> InvalidRequest:
    return InvalidRequest(f"{what} must be a non-empty string, got {value!r}")


def _bad_timeout(value: Any) -> InvalidRequest:
    return InvalidRequest(
        f"timeout must be None or a number of seconds >= 0, got {value!r}"
    )
