"""The two layers of one (tenant, resource): a ceiling and its bots' shares.

Pure like the buckets: every method is handed ``now`` and answers with a
value. The async layer above does the waiting.

The ceiling never refuses a bot on the equal share, because the pool keeps
the tenant's tokens at or above the sum of its shared bots' tokens: both
refill at the same total rate, a take spends both alike, a newcomer gets
only what the tenant has spare, and a bot that leaves takes its tokens with
it. Bots with a fixed rate of their own (``bot_overrides``) sit outside
that sum, so they can drain the ceiling; bots then take turns at it.
"""

import math
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import NamedTuple

from ._bucket import TokenBucket
from ._resources import ResourceLimit


class Refusal(NamedTuple):
    """Why a take failed: ``layer`` refused, try again in ``retry_after`` s."""

    layer: str
    retry_after: float
    limit: float


class BotSlot:
    """A bot's place in a pool: its bucket, when it last asked, its queue."""

    __slots__ = ("bot_id", "bucket", "fixed", "last_seen", "waiters")

    def __init__(self, bot_id: str, bucket: TokenBucket, fixed: bool, now: float):
        self.bot_id = bot_id
        self.bucket = bucket
        self.fixed = fixed
        self.last_seen = now

        # Most bots never queue: an empty tuple until one does (a deque
        # costs some 600 bytes even when empty).
        self.waiters: deque | tuple = ()


BotLimitLookup = Callable[[str], ResourceLimit | None]


class TenantPool:
    """A tenant's ceiling for one resource and the active bots sharing it."""

    __slots__ = (
        "bot_limit_of",
        "bots",
        "last_used",
        "limit",
        "quiet_until",
        "reshaped",
        "shared",
        "tenant",
        "tenant_id",
        "turns",
        "window",
    )

    def __init__(
        self,
        tenant_id: str,
        limit: ResourceLimit,
        bot_limit_of: BotLimitLookup,
        window: float,
        now: float,
    ) -> None:
        self.tenant_id = tenant_id
        self.limit = limit
        self.bot_limit_of = bot_limit_of
        self.window = window
        self.last_used = now

        # Twice the bots' slack: rounding must never let the ceiling refuse
        # a take that the invariant says it holds.
        self.tenant = TokenBucket(
            limit.rate, limit.burst, limit.burst, now, tolerance=2
        )
        self.bots: OrderedDict[str, BotSlot] = OrderedDict()
        self.shared = 0
        # Bots queued at the ceiling; a deque only once one is (see BotSlot).
        self.turns: deque[BotSlot] | tuple = ()

        #: No bot can leave before this instant: a lower bound on the
        #: longest-idle bot's departure, so most calls skip the check.
        self.quiet_until = math.inf

        #: Set when shares changed; the async layer clears it after waking
        #: the waiters, whose deadlines moved.
        self.reshaped = False

    def enter(self, bot_id: str, now: float) -> BotSlot:
        """Mark ``bot_id`` active at ``now`` and return its slot.

        Bots idle for longer than the window leave first, each at the
        instant it went idle, so shares change exactly when activity does.
        """
        if now > self.quiet_until:
            self._expire(now)

        bots = self.bots
        slot = bots.get(bot_id)
        if slot is None:
            return self._arrive(bot_id, now)

        if now > slot.last_seen:
            slot.last_seen = now
        bots.move_to_end(bot_id)
        return slot

    def take(
        self,
        slot: BotSlot,
        cost: float,
        now: float,
        *,
        queue_at_ceiling: bool = False,
    ) -> Refusal | None:
        """Take ``cost`` from the bot and the ceiling, both or neither.

        Answers None when taken, else the Refusal. With ``queue_at_ceiling``
        a bot refused by the ceiling joins the turns there.
        """
        bucket = slot.bucket
        tenant = self.tenant

        # TokenBucket.refill for both, inlined: this is the hot path.
        elapsed = now - bucket.updated_at
        if elapsed > 0:
            tokens = bucket.tokens + elapsed * bucket.rate
            bucket.tokens = tokens if tokens < bucket.burst else bucket.burst
            bucket.updated_at = now
        elapsed = now - tenant.updated_at
        if elapsed > 0:
            tokens = tenant.tokens + elapsed * tenant.rate
            tenant.tokens = tokens if tokens < tenant.burst else tenant.burst
            tenant.updated_at = now

        if bucket.tokens + bucket.slack < cost:
            return self._refuse_for_bot(slot, cost, now)

        turns = self.turns
        if turns and turns[0] is not slot:
            return self._refuse_for_turns(slot, cost, queue_at_ceiling)
        if tenant.tokens + tenant.slack < cost:
            if queue_at_ceiling and not turns:
                self.turns = deque((slot,))
            return Refusal("tenant", tenant.time_until(cost), tenant.rate * 60)

        bucket.tokens -= cost
        tenant.tokens -= cost
        if turns:
            turns.popleft()
        return None

    def _refuse_for_bot(self, slot: BotSlot, cost: float, now: float) -> Refusal:
        # The bot is short. Say when both layers will have the cost: with
        # bot overrides, the ceiling may be the one that needs longer.
        if self.turns:
            self._leave_turns(slot)

        tenant = self.tenant
        bot_wait = self._bot_wait(slot, cost, now)
        tenant_wait = tenant.time_until(cost)
        if tenant_wait > bot_wait:
            return Refusal("tenant", tenant_wait, tenant.rate * 60)
        return Refusal("bot", bot_wait, slot.bucket.rate * 60)

    def _bot_wait(self, slot: BotSlot, cost: float, now: float) -> float:
        """Seconds until the bot holds ``cost``, counting the departures
        already due: each idle bot that leaves meanwhile raises the share.
        Precondition: the bot's bucket is refilled to ``now``."""
        bucket = slot.bucket
        if slot.fixed:
            return bucket.time_until(cost)

        tokens, at, rate, burst = bucket.tokens, now, bucket.rate, bucket.burst
        sharing = self.shared
        for other in self.bots.values():
            if other is slot or other.fixed or other.waiters:
                continue

            # Bots sit in order of their last call: departures come in order.
            departs = other.last_seen + self.window
            if at + (cost - tokens) / rate <= departs:
                break
            tokens = min(burst, tokens + (departs - at) * rate)
            at, sharing = departs, sharing - 1
            rate = self.tenant.rate / sharing
            burst = max(1.0, self.tenant.burst / sharing)

        return at + (cost - tokens) / rate - now

    def _refuse_for_turns(self, slot: BotSlot, cost: float, join: bool) -> Refusal:
        # Other bots are queued at the ceiling: this one waits its turn.
        # The estimate counts one more take of this cost ahead of it.
        if join and slot not in self.turns:
            self.turns.append(slot)

        tenant = self.tenant
        wait = max(tenant.time_until(cost), cost / tenant.rate)
        return Refusal("tenant", wait, tenant.rate * 60)

    def give_back(self, slot: BotSlot, cost: float) -> None:
        """Undo a take of ``cost`` made at the present instant (nothing has
        accrued since, so the buckets are exactly as they were)."""
        slot.bucket.tokens += cost
        self.tenant.tokens += cost

    def leave(self, slot: BotSlot) -> None:
        """Take a bot whose queue emptied out of the turns at the ceiling."""
        if self.turns:
            self._leave_turns(slot)

    def _leave_turns(self, slot: BotSlot) -> None:
        if slot in self.turns:
            self.turns.remove(slot)

    def _arrive(self, bot_id: str, now: float) -> BotSlot:
        fixed = self.bot_limit_of(bot_id)
        if fixed is not None:
            bucket = TokenBucket(fixed.rate, fixed.burst, fixed.burst, now)
            return self._add(BotSlot(bot_id, bucket, True, now))

        self.shared += 1
        self._reshape_shared(now)
        rate, burst = self._share()
        spare = self._spare(now)
        bucket = TokenBucket(rate, burst, min(burst, max(0.0, spare)), now)
        return self._add(BotSlot(bot_id, bucket, False, now))

    def _add(self, slot: BotSlot) -> BotSlot:
        if not self.bots:
            self.quiet_until = slot.last_seen + self.window
        self.bots[slot.bot_id] = slot
        return slot

    def _spare(self, now: float) -> float:
        """Tenant tokens not promised to any shared bot, as of ``now``."""
        self.tenant.refill(now)
        promised = 0.0
        for slot in self.bots.values():
            if not slot.fixed:
                slot.bucket.refill(now)
                promised += slot.bucket.tokens
        return self.tenant.tokens - promised

    def _expire(self, now: float) -> None:
        bots = self.bots
        window = self.window
        while bots:
            slot = next(iter(bots.values()))
            if now <= slot.last_seen + window:
                self.quiet_until = slot.last_seen + window
                return

            # A bot with callers still waiting is asking: it stays. A bot
            # with its own rate stays until its bucket has refilled, so that
            # leaving and coming back never hands it a fresh burst.
            if slot.waiters or (slot.fixed and slot.bucket.full_at() > now):
                slot.last_seen = now
                bots.move_to_end(slot.bot_id)
                continue

            del bots[slot.bot_id]
            self.leave(slot)
            if not slot.fixed:
                self.shared -= 1
                self._reshape_shared(slot.last_seen + window)
        self.quiet_until = math.inf

    def _share(self) -> tuple[float, float]:
        tenant = self.tenant
        count = max(1, self.shared)
        return tenant.rate / count, max(1.0, tenant.burst / count)

    def _reshape_shared(self, at: float) -> None:
        """Give every shared bot the share in force from ``at`` on."""
        rate, burst = self._share()
        for slot in self.bots.values():
            if not slot.fixed:
                slot.bucket.reshape(rate, burst, at)
        self.reshaped = True

    def retune(
        self,
        limit: ResourceLimit,
        bot_limit_of: BotLimitLookup,
        window: float,
        now: float,
    ) -> None:
        """Apply new limits at ``now``, keeping the tokens each bucket holds
        (less any above its new burst)."""
        self._expire(now)
        self.limit = limit
        self.bot_limit_of = bot_limit_of
        self.window = window
        self._expire(now)  # a shorter window may end some bots' activity
        self.tenant.reshape(limit.rate, limit.burst, now)

        newly_shared = []
        for slot in self.bots.values():
            fixed = bot_limit_of(slot.bot_id)
            if fixed is not None:
                slot.bucket.reshape(fixed.rate, fixed.burst, now)
            elif slot.fixed:
                newly_shared.append(slot)
            slot.fixed = fixed is not None

        self.shared = sum(1 for slot in self.bots.values() if not slot.fixed)
        self._reshape_shared(now)

        # A bot that joins the equal share keeps only what the tenant has
        # spare, as a newcomer would, so the ceiling stays covered.
        for slot in newly_shared:
            slot.bucket.tokens = 0.0
        for slot in newly_shared:
            slot.bucket.tokens = min(slot.bucket.burst, max(0.0, self._spare(now)))

    def settle(self, now: float) -> None:
        """Let the bots idle since before ``now`` leave (each at its instant)."""
        if now > self.quiet_until:
            self._expire(now)

    def is_idle(self, now: float) -> bool:
        """True when dropping the pool loses nothing: no active bot and a
        full ceiling, which is how a new pool starts."""
        if self.bots:
            self._expire(now)
        if self.bots:
            return False
        return self.tenant.full_at() <= now
