"""Two-layer rate limiting: a ceiling per tenant, an equal share per bot.

from longtrainer.rate_limiter import RateLimitConfig, RateLimiter

limiter = RateLimiter(RateLimitConfig(enabled=True, llm_rpm=60))
await limiter.acquire("acme", "bot-1", "llm")
"""

from ._config import ExtraResource, RateLimitConfig
from ._errors import (
    ConfigError,
    CostExceedsBurst,
    InvalidRequest,
    RateLimitError,
    RateLimitExceeded,
)
from ._limiter import RateLimiter
from ._resources import Resource, ResourceLimit
from ._snapshot import BotShare, BucketState, LimiterStatistics, PoolSnapshot

__all__ = [
    "BotShare",
    "BucketState",
    "ConfigError",
    "CostExceedsBurst",
    "ExtraResource",
    "InvalidRequest",
    "LimiterStatistics",
    "PoolSnapshot",
    "RateLimitConfig",
    "RateLimitError",
    "RateLimitExceeded",
    "RateLimiter",
    "Resource",
    "ResourceLimit",
]
