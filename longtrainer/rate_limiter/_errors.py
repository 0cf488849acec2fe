"""Exceptions of the rate limiter.

RateLimitError
├── RateLimitExceeded   a call was refused; retry after ``retry_after`` s
├── ConfigError         a config was refused at load (also a ValueError)
└── InvalidRequest      a call was malformed (also a ValueError)
    └── CostExceedsBurst  a cost no bucket could ever hold
"""

import math


class RateLimitError(Exception):
    """Root of every error the rate limiter raises on purpose."""


class RateLimitExceeded(RateLimitError):
    """A call was refused by the tenant ceiling or by the bot's share.

    Carries who was refused (``tenant_id``, ``bot_id``), for what
    (``resource`` and its ``label``), by which ``layer`` (``"tenant"`` or
    ``"bot"``), the ``limit`` in force there (calls per minute) and
    ``retry_after``: the seconds after which the same call would succeed
    if nothing else spent the budget meanwhile.
    """

    def __init__(
        self,
        *,
        tenant_id: str,
        bot_id: str,
        resource: str,
        label: str,
        layer: str,
        limit: float,
        retry_after: float,
    ) -> None:
        self.tenant_id = tenant_id
        self.bot_id = bot_id
        self.resource = resource
        self.label = label
        self.layer = layer
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(self._describe())

    def _describe(self) -> str:
        who = f"Tenant '{self.tenant_id}'"
        if self.layer == "bot":
            who = f"Bot '{self.bot_id}'"

        # Rounded up, so that waiting the printed time is always enough.
        after = "a very long time"
        if self.retry_after < 1e12:
            shown = math.ceil(self.retry_after * 10 - 1e-9) / 10
            after = f"{max(shown, 0.1):.1f}s"
        return f"{who} rate limit exceeded for {self.label}. Retry after {after}."

    def __reduce__(self):
        return (_rebuild_exceeded, (self.__dict__.copy(),))


def _rebuild_exceeded(fields: dict) -> RateLimitExceeded:
    return RateLimitExceeded(**fields)


class ConfigError(RateLimitError, ValueError):
    """A configuration was refused. ``faults`` lists ``(path, message)``."""

    def __init__(self, faults: list[tuple[str, str]], source: str = "") -> None:
        self.faults = faults
        self.source = source
        where = f" in {source}" if source else ""
        lines = [f"invalid configuration{where}:"]
        lines += [f"  {path}: {message}" for path, message in faults]
        super().__init__("\n".join(lines))


class InvalidRequest(RateLimitError, ValueError):
    """An acquire was malformed: unknown resource, empty id, bad cost."""


class CostExceedsBurst(InvalidRequest):
    """A cost above the bucket's burst: no amount of waiting admits it."""
