"""The ``longtrainer serve`` HTTP server: a multi-tenant, rate-limited bot API."""

from .app import create_app
from .settings import ProviderSettings, ServerSettings, Settings, load_settings

__all__ = [
    "ProviderSettings",
    "ServerSettings",
    "Settings",
    "create_app",
    "load_settings",
]
