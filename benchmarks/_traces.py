"""Loaders for the real traces in the shared data folder (see its README).

Every loader answers a time-sorted list of `Arrival`s. Where a trace lacks an
identity (the LLM traces have no tenants or bots) it is drawn with a seeded
generator, so every run replays the same arrivals.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

FUNCTIONS = "azure_functions_2019_sample500_min480-959.csv"
LLM = {"conv": "azure_llm_2023_conv.csv", "code": "azure_llm_2023_code.csv"}

ATTRIBUTION = {
    FUNCTIONS: "Azure Functions Trace 2019 (sample of 500 functions, invitro), "
    "Shahrad et al., USENIX ATC 2020; CC BY 4.0",
    LLM["conv"]: "Azure LLM inference trace 2023 (conversation), "
    "Patel et al., Splitwise, ISCA 2024; CC BY 4.0",
    LLM["code"]: "Azure LLM inference trace 2023 (code), "
    "Patel et al., Splitwise, ISCA 2024; CC BY 4.0",
}


class Arrival(NamedTuple):
    at: float  # seconds from the start of the replay
    tenant: str
    bot: str
    tokens: int  # context + generated tokens; 0 where the trace has none


def _open(data: Path, name: str) -> csv.reader:
    path = data / name
    if not path.exists():
        raise SystemExit(f"trace {name} not found in {data} (see --data)")
    return csv.reader(path.open(newline=""))


def functions(data: Path, minutes: int, *, seed: int = 5) -> list[Arrival]:
    """Owners as tenants, functions as bots, over the first `minutes` minutes.

    The trace counts invocations per minute; within a minute they are spread
    evenly from a random phase, as the trace holds nothing finer.
    """
    rng = random.Random(seed)
    rows = _open(data, FUNCTIONS)
    next(rows)
    arrivals = []

    for owner, _app, function, _trigger, *counts in rows:
        for minute, count in enumerate(map(int, counts[:minutes])):
            phase = rng.random()
            at = [60 * (minute + (i + phase) / count) for i in range(count)]
            arrivals.extend(Arrival(t, owner[:12], function[:12], 0) for t in at)

    arrivals.sort()
    return arrivals


def function_weights(data: Path) -> list[int]:
    """Each function's invocations over the whole slice: the skew of real bots."""
    rows = _open(data, FUNCTIONS)
    next(rows)
    # Columns: owner, app, function, trigger, then one count per minute.
    return [sum(map(int, row[4:])) for row in rows]


def llm(
    data: Path,
    trace: str,
    minutes: float,
    *,
    tenants: int,
    bots: int,
    seed: int = 5,
) -> list[Arrival]:
    """Arrivals and token counts of an Azure LLM trace, bots drawn to real skew.

    Each of `tenants` x `bots` bots takes the weight of a function drawn from
    the Functions trace, and each request goes to a bot with that probability.
    """
    rng = random.Random(seed)
    pool = [w for w in function_weights(data) if w > 0]
    names = [
        (f"tenant-{t}", f"bot-{t}-{b}") for t in range(tenants) for b in range(bots)
    ]
    weights = [rng.choice(pool) for _ in names]

    rows = _open(data, LLM[trace])
    next(rows)
    arrivals, start = [], None
    for stamp, context, generated in rows:
        at = datetime.fromisoformat(stamp[:26]).timestamp()
        start = at if start is None else start
        if at - start >= minutes * 60:
            break
        tenant, bot = rng.choices(names, weights)[0]
        arrivals.append(Arrival(at - start, tenant, bot, int(context) + int(generated)))

    return arrivals
