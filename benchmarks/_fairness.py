"""What a replay record proves: the ceiling held, shares were met, fairly.

The ceiling check is exact: for a token bucket, the admitted cost in any
interval [t1, t2] may not pass burst + rate x (t2 - t1). Scanning admissions
in time order while keeping the least of (cost before i - rate x t_i) gives
the worst interval ending at each admission, in one pass.
"""

from __future__ import annotations

from collections import defaultdict

from _common import jain
from _replay import Record

SLOT = 1.0  # seconds between share samples


def worst_excess(admissions: list[tuple[float, float]], rate: float) -> float:
    """The most admitted cost in any interval, less rate x its length."""
    worst, least, total = 0.0, float("inf"), 0.0
    for at, cost in sorted(admissions):
        least = min(least, total - rate * at)
        total += cost
        worst = max(worst, total - rate * at - least)
    return worst


def ceiling_violations(record: Record, limits: dict[str, tuple[float, float]]):
    """(violations, worst excess over burst) per resource, for every tenant.

    `limits` maps a resource to its (rate per second, burst) for every tenant.
    """
    by_tenant = defaultdict(list)
    for (tenant, _bot, resource), admissions in record.admitted.items():
        by_tenant[tenant, resource].extend(admissions)

    found = {}
    for (_tenant, resource), admissions in by_tenant.items():
        rate, burst = limits[resource]
        excess = worst_excess(admissions, rate) - burst
        count, worst = found.get(resource, (0, float("-inf")))
        # A relative slack for float sums over hours of admissions.
        violated = excess > 1e-9 * max(1.0, burst + rate * admissions[-1][0])
        found[resource] = (count + violated, max(worst, excess))
    return found


def bot_shares(
    record: Record, tenant: str, resource: str, *, since: float = 0.0
) -> dict[str, dict]:
    """Each sampled bot's admitted cost against its share, from `since` on.

    `share` is the integral of the bot's share as the limiter's snapshot
    gave it each second; `queued` counts the samples that found waiters in
    the bot's queue, so queued == slots means the bot was backlogged
    throughout (its bucket never idle).
    """
    samples = [s for s in record.samples.get((tenant, resource), []) if s[0] >= since]
    admitted = defaultdict(float)
    for (t, bot, res), admissions in record.admitted.items():
        if t == tenant and res == resource:
            for at, cost in admissions:
                admitted[bot, int(at // SLOT)] += cost

    found: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    for now, bots in samples[:-1]:
        slot = int(now // SLOT)
        for bot, (rpm, queued) in bots.items():
            row = found[bot]
            row["slots"] += 1
            row["share"] += rpm / 60 * SLOT
            row["admitted"] += admitted[bot, slot]
            row["queued"] += queued > 0
    return {bot: dict(row) for bot, row in found.items()}


def backlogged(row: dict, min_slots: int) -> bool:
    """Waiters queued at 95% of the samples or more, over enough of them.

    Judging only bots that kept asking makes admitted / share exact up to the
    one token G3 allows at the ends; a bot that paused left its share unused.
    """
    return row["slots"] >= min_slots and row["queued"] >= 0.95 * row["slots"]


def jain_backlogged(shares: dict[str, dict], min_slots: int) -> tuple[float, int]:
    """Jain's index of admitted / share among the backlogged bots."""
    ratios = [
        row["admitted"] / row["share"]
        for row in shares.values()
        if backlogged(row, min_slots) and row["share"]
    ]
    return jain(ratios), len(ratios)


def rate_series(record: Record, tenant: str, resource: str, step: float):
    """Admitted rate per bot of one tenant, per `step` seconds, for plotting."""
    series = defaultdict(lambda: defaultdict(float))
    for (t, bot, res), admissions in record.admitted.items():
        if t == tenant and res == resource:
            for at, cost in admissions:
                series[bot][int(at // step)] += cost / step
    return series
