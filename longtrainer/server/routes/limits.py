"""What the limiter sees: the caller's budgets, and counters for Prometheus."""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from ...rate_limiter import RateLimiter
from ..schemas import BotUsage, RateLimitStatus, ResourceUsage
from ._answers import KEYED
from ._shared import Tenant

router = APIRouter(tags=["rate limits"])

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/rate-limits", responses=KEYED)
async def rate_limits(tenant_id: Tenant, request: Request) -> RateLimitStatus:
    """The caller's budget per resource: limit, burst, tokens left, active bots."""
    limiter: RateLimiter = request.app.state.rate_limiter
    resources = [
        ResourceUsage(
            resource=pool.resource,
            label=pool.label,
            rpm=pool.rpm,
            burst=pool.burst,
            tokens=round(pool.tokens, 3),
            active_bots=[
                BotUsage(
                    bot_id=share.bot_id,
                    rpm=share.rpm,
                    burst=share.burst,
                    tokens=round(share.tokens, 3),
                    queued=share.queued,
                    overridden=share.overridden,
                )
                for share in pool.bots
            ],
        )
        for pool in limiter.snapshot(tenant_id)
    ]
    enabled = limiter.config.enabled
    return RateLimitStatus(tenant_id=tenant_id, enabled=enabled, resources=resources)


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(request: Request) -> PlainTextResponse:
    """Admitted and refused calls, and wait times, in Prometheus text format."""
    text = request.app.state.rate_limit_metrics.render()
    return PlainTextResponse(text, media_type=PROMETHEUS_TEXT)
