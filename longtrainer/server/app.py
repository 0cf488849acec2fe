"""The FastAPI application behind ``longtrainer serve``."""

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..models.base import Providers
from ..rate_limiter import RateLimiter
from .auth import DEFAULT_TENANT, KeyRing
from .dependencies import install_rate_limiting
from .errors import install_error_handlers
from .providers import build_providers
from .routes import ROUTERS
from .settings import Settings, load_settings
from .store import Store

logger = logging.getLogger(__name__)

CONFIG_VARIABLE = "LONGTRAINER_CONFIG"

DESCRIPTION = """\
A multi-tenant bot API whose every call to a shared resource (LLM,
embeddings, tools, ingestion) first takes a token from the caller's
tenant ceiling and from the bot's equal share. Refused calls get
`429 Too Many Requests` with `Retry-After`.
"""


def create_app(
    settings: Settings | None = None,
    *,
    limiter: RateLimiter | None = None,
    providers: Providers | None = None,
) -> FastAPI:
    """Build the app from ``settings`` (defaults: no keys, limits disabled).

    ``limiter`` and ``providers`` replace the ones the settings describe,
    e.g. a limiter on a test clock or providers pointing at a fake upstream.
    """
    settings = settings or load_settings()
    providers = providers or build_providers(settings.server.provider)
    app = FastAPI(
        title="longtrainer",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_closing(providers),
    )

    app.state.settings = settings
    app.state.api_keys = KeyRing(settings.server.api_keys)
    app.state.store = Store(settings.server.data_dir)
    app.state.providers = providers
    install_rate_limiting(app, limiter or RateLimiter(settings.rate_limiting))
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)

    _log_tenancy(app.state.api_keys)
    return app


def app_from_environment() -> FastAPI:
    """The app for the config file named by ``LONGTRAINER_CONFIG`` (a factory).

    ``longtrainer serve`` sets the variable, so every uvicorn worker builds
    the same app from the same file.
    """
    path = os.environ.get(CONFIG_VARIABLE) or None
    return create_app(load_settings(path))


def _log_tenancy(ring: KeyRing) -> None:
    if ring.open:
        logger.warning(
            "no API keys configured: serving a single '%s' tenant to every caller",
            DEFAULT_TENANT,
        )
        return

    logger.info("API keys loaded: %r", ring)


def _closing(providers: Providers):
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield

        # The OpenAI-compatible provider holds an HTTP connection pool;
        # it may serve both chat and embeddings, so close it only once.
        used = (providers.chat, providers.embeddings)
        closers = {getattr(provider, "aclose", None) for provider in used}
        for close in closers - {None}:
            await close()

    return lifespan
