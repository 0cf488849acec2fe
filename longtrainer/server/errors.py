"""Exception handlers: refusals become 429, upstream failures 502 and 504.

Every error is answered as ASCII-escaped JSON: a body may quote what the
client sent, and a lone surrogate (``"\\ud800"`` is valid JSON) cannot be
encoded as UTF-8, which made the 422 for it a 500.
"""

import json
import math
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.utils import is_body_allowed_for_status_code
from starlette.exceptions import HTTPException

from ..models.base import ProviderError, ProviderTimeout
from ..rate_limiter import RateLimitExceeded
from .headers import note_decision, rate_limit_headers

# The most characters of a request's input a 422 quotes back.
MAX_ECHO = 200


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: always encodable."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


async def http_error_handler(request: Request, error: HTTPException) -> Response:
    """FastAPI's own answer to an ``HTTPException``, as ASCII JSON."""
    headers = getattr(error, "headers", None)
    if not is_body_allowed_for_status_code(error.status_code):
        return Response(status_code=error.status_code, headers=headers)
    return AsciiJSONResponse(
        {"detail": error.detail}, status_code=error.status_code, headers=headers
    )


async def validation_error_handler(
    request: Request, error: RequestValidationError
) -> AsciiJSONResponse:
    """422 with the faults found, as ASCII JSON, each quoting little input."""
    detail = [_capped(fault) for fault in jsonable_encoder(error.errors())]
    return AsciiJSONResponse({"detail": detail}, status_code=422)


def _capped(fault: dict) -> dict:
    """The fault with its ``input`` cut to ``MAX_ECHO`` characters.

    Pydantic quotes the whole value at fault, and for a missing field or
    malformed JSON that is the whole body: echoing it back only costs.
    A value other than a string is quoted as its JSON text.
    """
    if "input" not in fault:
        return fault
    value = fault["input"]
    text = value if isinstance(value, str) else json.dumps(value)
    if len(text) <= MAX_ECHO:
        return fault
    return {**fault, "input": text[:MAX_ECHO] + "...(cut)"}


async def rate_limit_exceeded_handler(
    request: Request, refusal: RateLimitExceeded
) -> JSONResponse:
    """429 with ``Retry-After`` in whole seconds (rounded up, at least 1)."""
    resource = refusal.resource
    note_decision(request, refusal.tenant_id, refusal.bot_id, resource)
    headers = rate_limit_headers(request)
    headers["Retry-After"] = str(max(1, math.ceil(refusal.retry_after)))
    return AsciiJSONResponse(
        {"detail": str(refusal)},
        status_code=status.HTTP_429_TOO_MANY_REQUESTS,
        headers=headers,
    )


async def provider_error_handler(request: Request, error: Exception) -> JSONResponse:
    """502 when the model upstream failed, 504 when it did not answer in time."""
    code = status.HTTP_502_BAD_GATEWAY
    if isinstance(error, ProviderTimeout):
        code = status.HTTP_504_GATEWAY_TIMEOUT
    return AsciiJSONResponse({"detail": str(error)}, status_code=code)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, http_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(RateLimitExceeded, rate_limit_exceeded_handler)
    app.add_exception_handler(ProviderError, provider_error_handler)
