"""Fixtures: an in-process app on a fake clock, and clients per tenant."""

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from longtrainer.models import Providers
from longtrainer.rate_limiter import RateLimitConfig, RateLimiter
from longtrainer.server import create_app
from longtrainer.server.settings import ServerSettings, Settings

from .helpers import ACME_KEY, GLOBEX_KEY, KEYS, FakeClock, client_for


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(tmp_path: Path, clock: FakeClock) -> Callable[..., FastAPI]:
    """Build an app with ``KEYS``, its data in ``tmp_path``, on ``clock``."""

    def build(
        *,
        api_keys: dict[str, str] | None = None,
        providers: Providers | None = None,
        server: dict | None = None,
        **limits,
    ) -> FastAPI:
        server = ServerSettings(
            data_dir=tmp_path / "data",
            api_keys=KEYS if api_keys is None else api_keys,
            **(server or {}),
        )
        config = RateLimitConfig.from_mapping({"enabled": True, **limits})
        settings = Settings(server=server, rate_limiting=config)
        limiter = RateLimiter(config, clock=clock)
        return create_app(settings, limiter=limiter, providers=providers)

    return build


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app()


@pytest.fixture
async def acme(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, ACME_KEY) as client:
        yield client


@pytest.fixture
async def globex(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, GLOBEX_KEY) as client:
        yield client
