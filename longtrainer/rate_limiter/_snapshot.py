"""Read-only views of the live state, for status pages and the CLI."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BotShare:
    """One active bot of a pool.

    :ivar rpm: the bot's rate in calls per minute (its share, or its own).
    :ivar burst: the bot's bucket capacity in tokens.
    :ivar tokens: tokens in the bot's bucket now.
    :ivar queued: callers of this bot waiting their turn.
    :ivar overridden: True when ``bot_overrides`` gives the bot its own rate.
    """

    bot_id: str
    rpm: float
    burst: float
    tokens: float
    queued: int
    overridden: bool


@dataclass(frozen=True, slots=True)
class PoolSnapshot:
    """A tenant's ceiling for one resource and the bots sharing it."""

    tenant_id: str
    resource: str
    label: str
    rpm: float
    burst: float
    tokens: float
    bots: tuple[BotShare, ...]


@dataclass(frozen=True, slots=True)
class BucketState:
    """One layer's bucket as it stands: for RateLimit headers and the like.

    :ivar resource: the resource's name (``"llm"``, not its label).
    :ivar layer: ``"tenant"`` (the ceiling) or ``"bot"`` (the bot's share).
    """

    resource: str
    layer: str
    rpm: float
    burst: float
    tokens: float


@dataclass(frozen=True, slots=True)
class LimiterStatistics:
    """How much state the limiter holds: it follows the active set."""

    pools: int
    bots: int
    waiters: int
