"""Turning the pool's refusals, which are values, into the exceptions
callers see. Only the public surface raises."""

from ._errors import CostExceedsBurst, RateLimitExceeded
from ._pool import BotSlot, Refusal, TenantPool


def exceeded(pool: TenantPool, slot: BotSlot, refusal: Refusal) -> RateLimitExceeded:
    """The exception for a refused call of ``slot``'s bot."""
    return RateLimitExceeded(
        tenant_id=pool.tenant_id,
        bot_id=slot.bot_id,
        resource=pool.limit.name,
        label=pool.limit.label,
        layer=refusal.layer,
        limit=refusal.limit,
        retry_after=refusal.retry_after,
    )


def too_large(pool: TenantPool, slot: BotSlot, cost: float) -> CostExceedsBurst:
    """The exception for a cost no bucket of this pool can ever hold."""
    label = pool.limit.label
    if cost > pool.tenant.burst:
        return CostExceedsBurst(
            f"cost {cost:g} exceeds tenant '{pool.tenant_id}' burst of "
            f"{pool.tenant.burst:g} {label}; it can never be admitted"
        )

    if slot.fixed:
        share = "its own limit from bot_overrides"
    else:
        share = (
            f"its equal share of the tenant's {pool.tenant.burst:g} among "
            f"{pool.shared} active bots"
        )
    return CostExceedsBurst(
        f"cost {cost:g} exceeds bot '{slot.bot_id}' burst of "
        f"{slot.bucket.burst:g} {label} ({share})"
    )
