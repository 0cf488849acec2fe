"""What a replay record proves: the ceiling held, shares were met, fairly.

The ceiling check is exact: for a token bucket, the admitted cost in any
interval [t1, t2] may not pass burst + rate x (t2 - t1). Scanning admissions
in time order while keeping the least of (cost before i - rate x t_i) gives
the worst interval ending at each admission, in one pass.
"""

from __future__ import annotations

import itertools
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
    """Each sampled bot's admitted rate against its share, overall and backlogged.

    Slots start at the samples from `since` on. A slot counts as backlogged
    for a bot when it had waiters queued both at the slot's start and at its
    end, so its bucket was never idle between.
    """
    samples = [s for s in record.samples.get((tenant, resource), []) if s[0] >= since]
    admitted = defaultdict(float)
    for (t, bot, res), admissions in record.admitted.items():
        if t == tenant and res == resource:
            for at, cost in admissions:
                admitted[bot, int(at // SLOT)] += cost

    found: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    for (now, bots), (_, after) in itertools.pairwise(samples):
        slot = int(now // SLOT)
        for bot, (rpm, queued) in bots.items():
            share, got = rpm / 60 * SLOT, admitted[bot, slot]
            row = found[bot]
            row["slots"] += 1
            row["share"] += share
            row["admitted"] += got
            if queued and after.get(bot, (0, 0))[1]:
                row["backlogged_slots"] += 1
                row["backlogged_share"] += share
                row["backlogged_admitted"] += got
    return {bot: dict(row) for bot, row in found.items()}


def jain_backlogged(shares: dict[str, dict], min_slots: int) -> tuple[float, int]:
    """Jain's index of admitted / share among bots backlogged long enough."""
    ratios = [
        row["backlogged_admitted"] / row["backlogged_share"]
        for row in shares.values()
        if row.get("backlogged_slots", 0) >= min_slots and row["backlogged_share"]
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
