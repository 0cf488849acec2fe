"""Rate limiting for your own FastAPI app (see ``docs/server.md``).

from longtrainer.fastapi import install_rate_limiting, rate_limit
"""

from .server.auth import KeyRing, current_tenant
from .server.dependencies import (
    Spender,
    bot_from_path,
    install_rate_limiting,
    rate_limit,
    rate_limit_all,
)
from .server.errors import rate_limit_exceeded_handler

__all__ = [
    "KeyRing",
    "Spender",
    "bot_from_path",
    "current_tenant",
    "install_rate_limiting",
    "rate_limit",
    "rate_limit_all",
    "rate_limit_exceeded_handler",
]
