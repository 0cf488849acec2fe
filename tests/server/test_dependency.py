"""``rate_limit`` in someone else's FastAPI app, as docs/server.md shows it."""

import httpx
from fastapi import Depends, FastAPI, Header

from longtrainer.fastapi import KeyRing, install_rate_limiting, rate_limit
from longtrainer.rate_limiter import RateLimitConfig, RateLimiter

from .helpers import FakeClock


def limited_app(clock: FakeClock, **limits) -> FastAPI:
    config = RateLimitConfig.from_mapping({"enabled": True, **limits})
    app = FastAPI()
    install_rate_limiting(app, RateLimiter(config, clock=clock))
    app.state.api_keys = KeyRing({"key-acme-1": "acme"})

    @app.post("/bots/{bot_id}/ask", dependencies=[Depends(rate_limit("llm"))])
    async def ask(bot_id: str) -> dict:
        return {"bot_id": bot_id}

    async def tenant_from_header(x_org: str = Header()) -> str:
        return x_org

    @app.post(
        "/orgs/ask",
        dependencies=[
            Depends(
                rate_limit(
                    "llm",
                    tenant=tenant_from_header,
                    bot=lambda: "shared-bot",
                    wait=True,
                    timeout=0.5,
                )
            )
        ],
    )
    async def org_ask() -> dict:
        return {"ok": True}

    return app


def client(app: FastAPI, **headers: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    )


async def test_dependency_limits_any_route_with_a_bot_id(clock):
    app = limited_app(clock, llm_rpm=60, llm_burst=1)
    async with client(app, **{"X-API-Key": "key-acme-1"}) as acme:
        first = await acme.post("/bots/b1/ask")
        second = await acme.post("/bots/b1/ask")
    async with client(app) as anonymous:
        unauthenticated = await anonymous.post("/bots/b1/ask")

    assert first.status_code == 200
    assert first.headers["RateLimit"] == '"llm-tenant";r=0;t=1, "llm-bot";r=0;t=1'
    assert second.status_code == 429
    assert second.headers["Retry-After"] == "1"
    assert second.json()["detail"].startswith("Bot 'b1' rate limit exceeded")
    assert unauthenticated.status_code == 401


async def test_tenant_ceiling_refuses_above_bot_overrides(clock):
    # Each bot has a rate of its own; the tenant's ceiling still binds both.
    bots = {"b1": {"llm_rpm": 60}, "b2": {"llm_rpm": 60}}
    app = limited_app(clock, llm_rpm=60, llm_burst=1, bot_overrides=bots)
    async with client(app, **{"X-API-Key": "key-acme-1"}) as acme:
        first = await acme.post("/bots/b1/ask")
        refused = await acme.post("/bots/b2/ask")

    assert first.status_code == 200
    assert refused.status_code == 429
    assert refused.json() == {
        "detail": "Tenant 'acme' rate limit exceeded for llm_calls. Retry after 1.0s."
    }


async def test_own_tenant_and_bot_resolvers_and_wait_timeout(clock):
    app = limited_app(clock, llm_rpm=60, llm_burst=1)
    async with client(app, **{"X-Org": "initech"}) as initech:
        first = await initech.post("/orgs/ask")
        # A wait of 1 s cannot fit a 0.5 s timeout: refused at once.
        second = await initech.post("/orgs/ask")

    assert first.status_code == 200
    assert second.status_code == 429
    assert "Bot 'shared-bot'" in second.json()["detail"]
