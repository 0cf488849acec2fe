"""RateLimit-Policy and RateLimit fields (IETF httpapi ratelimit-headers draft).

Each limited resource contributes two policies, one per layer, named
``"<resource>-tenant"`` and ``"<resource>-bot"``:

    RateLimit-Policy: "llm-tenant";q=60;w=60, "llm-bot";q=30;w=60
    RateLimit: "llm-tenant";r=41;t=19, "llm-bot";r=11;t=38

A token bucket maps onto the draft's quota-per-window as ``q`` = burst
(tokens the bucket holds) and ``w`` = seconds to refill an empty bucket;
``r`` is the whole tokens left and ``t`` the seconds until the bucket is
full again. Both are rounded so that a client trusting them is never early.
"""

import math
from collections.abc import Iterable

from fastapi import Request

from ..rate_limiter import BucketState, RateLimiter


def policy_fields(buckets: Iterable[BucketState]) -> list[tuple[str, str, str]]:
    """``(name, policy item, state item)`` for each layer's bucket."""
    # The 1e-9 keeps float noise (0.9999999999 tokens) from costing a token
    # or a second; it is far below anything a clock could measure.
    fields = []
    for bucket in buckets:
        name = f"{bucket.resource}-{bucket.layer}"
        rate = bucket.rpm / 60
        window = max(1, math.ceil(bucket.burst / rate))
        full_in = max(0, math.ceil((bucket.burst - bucket.tokens) / rate - 1e-9))
        policy = f'"{name}";q={max(1, math.floor(bucket.burst))};w={window}'
        state = f'"{name}";r={max(0, math.floor(bucket.tokens + 1e-9))};t={full_in}'
        fields.append((name, policy, state))

    return fields


def header_values(fields: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """The two header values, each a comma-separated list of items."""
    fields = list(fields)
    if not fields:
        return {}

    return {
        "RateLimit-Policy": ", ".join(policy for _, policy, _ in fields),
        "RateLimit": ", ".join(state for _, _, state in fields),
    }


def note_decision(request: Request, tenant_id: str, bot_id: str, resource: str) -> None:
    """Record the state of ``resource`` for this request's RateLimit headers."""
    limiter: RateLimiter = request.app.state.rate_limiter
    if not limiter.config.enabled:
        return

    fields = getattr(request.state, "rate_limit_fields", {})
    buckets = limiter.buckets(tenant_id, bot_id, resource)
    for name, policy, state in policy_fields(buckets):
        fields[name] = (name, policy, state)
    request.state.rate_limit_fields = fields


def rate_limit_headers(request: Request) -> dict[str, str]:
    """The RateLimit headers for every resource this request took tokens of."""
    fields = getattr(request.state, "rate_limit_fields", {})
    return header_values(fields.values())
