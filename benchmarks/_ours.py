"""Our limiter as the benchmarks drive it, behind a guard until the core lands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:
    from longtrainer.rate_limiter import (
        RateLimitConfig,
        RateLimiter,
        RateLimitExceeded,
    )

    MISSING = ""
except ImportError as exc:  # the core is built on another branch
    RateLimitConfig = RateLimiter = RateLimitExceeded = None  # type: ignore[misc]
    MISSING = f"longtrainer.rate_limiter not importable ({exc})"

HUGE_RPM = 6e11  # a limit no benchmark reaches: the admit path


def limiter(
    *,
    enabled: bool = True,
    clock: Callable[[], float] | None = None,
    **settings: Any,
) -> Any:
    """A RateLimiter with `settings` as its config (keys as in longtrainer.yaml)."""
    config = RateLimitConfig.from_mapping({"enabled": enabled, **settings})
    return RateLimiter(config, clock=clock)
