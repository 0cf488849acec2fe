"""Error answers, for the OpenAPI schema: which route may answer what."""

from typing import Any

from ..schemas import ErrorDetail


def _answer(description: str, **extra: Any) -> dict[str, Any]:
    return {"model": ErrorDetail, "description": description, **extra}


_HEADER = {"schema": {"type": "string"}}

KEYED: dict[int | str, dict[str, Any]] = {
    401: _answer("Missing or unknown API key."),
}
OWNED = {
    **KEYED,
    404: _answer("No such bot (or chat, or tool) for this tenant."),
}
LIMITED = {
    **OWNED,
    413: _answer("More tokens than the bot's burst can ever hold."),
    429: _answer(
        "Rate limited: retry after Retry-After seconds.",
        headers={
            "Retry-After": {"description": "Whole seconds, at least 1.", **_HEADER},
            "RateLimit-Policy": {"description": "One policy per layer.", **_HEADER},
            "RateLimit": {"description": "Tokens left per layer.", **_HEADER},
        },
    ),
}
UPSTREAM = {
    502: _answer("The model upstream failed; the detail says how."),
    504: _answer("The model upstream did not answer in time."),
}
