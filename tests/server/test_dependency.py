"""``rate_limit`` in someone else's FastAPI app, as docs/server.md shows it."""

from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, Header, Request, Response

from longtrainer.fastapi import KeyRing, Spender, install_rate_limiting, rate_limit
from longtrainer.rate_limiter import RateLimitConfig, RateLimiter, Resource

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


async def test_resources_named_by_label_or_enum_get_headers_and_metrics(clock):
    app = FastAPI()
    config = RateLimitConfig.from_mapping({"enabled": True})
    install_rate_limiting(app, RateLimiter(config, clock=clock))

    @app.get("/bots/{bot_id}/a", dependencies=[Depends(rate_limit("tool_calls"))])
    async def by_label(bot_id: str) -> None: ...

    @app.get("/bots/{bot_id}/b", dependencies=[Depends(rate_limit(Resource.TOOL))])
    async def by_enum(bot_id: str) -> None: ...

    async with client(app) as anyone:
        responses = [await anyone.get(path) for path in ("/bots/b1/a", "/bots/b1/b")]

    assert [r.headers["RateLimit"] for r in responses] == [
        '"tool-tenant";r=29;t=2, "tool-bot";r=29;t=2',
        '"tool-tenant";r=28;t=4, "tool-bot";r=28;t=4',
    ]
    assert app.state.rate_limit_metrics.admitted == {("default", "tool"): 2}


async def test_cost_from_the_body_and_a_spender_inside_the_route(clock):
    app = FastAPI()
    config = RateLimitConfig.from_mapping({"enabled": True})
    install_rate_limiting(app, RateLimiter(config, clock=clock))

    async def texts(body: list[str]) -> list[str]:
        return body

    async def text_count(body: Annotated[list[str], Depends(texts)]) -> int:
        return len(body)

    @app.post(
        "/bots/{bot_id}/embed",
        dependencies=[Depends(rate_limit("embedding", cost=text_count))],
    )
    async def embed(bot_id: str, request: Request, response: Response) -> None:
        # A further cost known only now, paid from inside the route.
        await Spender(request, response, "default", bot_id)("llm", cost=2)

    async with client(app) as anyone:
        paid = await anyone.post("/bots/b1/embed", json=["a", "b", "c"])
        malformed = await anyone.post("/bots/b1/embed", json={"not": "a list"})

    assert paid.status_code == 200
    assert '"embedding-bot";r=117;' in paid.headers["RateLimit"]
    assert '"llm-bot";r=58;' in paid.headers["RateLimit"]
    assert malformed.status_code == 422
    assert app.state.rate_limit_metrics.admitted == {
        ("default", "embedding"): 1,
        ("default", "llm"): 1,
    }
