"""Exception handlers: refusals become 429, upstream failures 502 and 504."""

import math

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from ..models.base import ProviderError, ProviderTimeout
from ..rate_limiter import RateLimitExceeded
from .headers import note_decision, rate_limit_headers


async def rate_limit_exceeded_handler(
    request: Request, refusal: RateLimitExceeded
) -> JSONResponse:
    """429 with ``Retry-After`` in whole seconds (rounded up, at least 1)."""
    resource = refusal.resource
    note_decision(request, refusal.tenant_id, refusal.bot_id, resource)
    headers = rate_limit_headers(request)
    headers["Retry-After"] = str(max(1, math.ceil(refusal.retry_after)))
    return JSONResponse(
        {"detail": str(refusal)},
        status_code=status.HTTP_429_TOO_MANY_REQUESTS,
        headers=headers,
    )


async def provider_error_handler(request: Request, error: Exception) -> JSONResponse:
    """502 when the model upstream failed, 504 when it did not answer in time."""
    code = status.HTTP_502_BAD_GATEWAY
    if isinstance(error, ProviderTimeout):
        code = status.HTTP_504_GATEWAY_TIMEOUT
    return JSONResponse({"detail": str(error)}, status_code=code)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RateLimitExceeded, rate_limit_exceeded_handler)
    app.add_exception_handler(ProviderError, provider_error_handler)
