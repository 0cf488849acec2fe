"""Loaders for the real traces in the shared data folder (see its README).

Every loader answers a time-sorted list of `Arrival`s. Where a trace lacks an
identity (the LLM traces have no tenants or bots) it is drawn with a seeded
generator, so every run replays the same arrivals.
"""

from __future__ import annotations

import csv
import math
import random
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

FUNCTIONS = "azure_functions_2019_sample500_min480-959.csv"
LLM = {"conv": "azure_llm_2023_conv.csv", "code": "azure_llm_2023_code.csv"}
SERVEGEN = "servegen_language_m-large_day1_clients.csv"

ATTRIBUTION = {
    FUNCTIONS: "Azure Functions Trace 2019 (sample of 500 functions, invitro), "
    "Shahrad et al., USENIX ATC 2020; CC BY 4.0",
    LLM["conv"]: "Azure LLM inference trace 2023 (conversation), "
    "Patel et al., Splitwise, ISCA 2024; CC BY 4.0",
    LLM["code"]: "Azure LLM inference trace 2023 (code), "
    "Patel et al., Splitwise, ISCA 2024; CC BY 4.0",
    SERVEGEN: "ServeGen, Alibaba Model Studio m-large clients, day 1, "
    "Xiang et al., arXiv 2505.09999, 2025; Apache-2.0",
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
    names = [
        (f"tenant-{t}", f"bot-{t}-{b}") for t in range(tenants) for b in range(bots)
    ]
    pool = [w for w in function_weights(data) if w > 0]
    weights = _bot_weights(pool, names, rng)

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


def _bot_weights(pool: list[int], names: list, rng: random.Random) -> list[int]:
    # Each bot takes the weight of a function drawn from the Functions trace.
    return [rng.choice(pool) for _ in names]


def _gaps(pattern: str, shape: float, scale: float, rate: float, rng):
    """Inter-arrival times of the fitted distribution, rescaled to `rate`.

    The fit gives the shape (the burstiness); the window's rate gives the
    mean, so the arrivals keep both. No fit: Poisson arrivals.
    """
    if pattern == "Gamma" and shape > 0 and scale > 0:
        mean = shape * scale
        stretch = 1 / (rate * mean)
        while True:
            yield rng.gammavariate(shape, scale) * stretch
    elif pattern == "Weibull" and shape > 0 and scale > 0:
        mean = scale * math.gamma(1 + 1 / shape)
        stretch = 1 / (rate * mean)
        while True:
            yield rng.weibullvariate(scale, shape) * stretch
    else:
        while True:
            yield rng.expovariate(rate)


def servegen(
    data: Path, minutes: float, *, scale: float, bots: int, seed: int = 5
) -> list[Arrival]:
    """ServeGen clients as tenants, arrivals drawn window by window from each
    client's fitted inter-arrival distribution at `scale` times its rate;
    inside a client, `bots` bots weighted to the Functions skew."""
    rng = random.Random(seed)
    rows = _open(data, SERVEGEN)
    next(rows)
    arrivals, weights = [], {}
    pool = [w for w in function_weights(data) if w > 0]

    for client, start, rate, _cv, pattern, shape, size in rows:
        start, rate = float(start), float(rate) * scale
        if start >= minutes * 60 or rate <= 0:
            continue
        tenant = f"client-{client}"
        if tenant not in weights:
            names = [f"{tenant}-bot-{b}" for b in range(bots)]
            weights[tenant] = (names, _bot_weights(pool, names, rng))
        names, odds = weights[tenant]

        at, end = start, min(start + 600, minutes * 60)
        for gap in _gaps(pattern, float(shape or 0), float(size or 0), rate, rng):
            at += gap
            if at >= end:
                break
            arrivals.append(Arrival(at, tenant, rng.choices(names, odds)[0], 0))

    arrivals.sort()
    return arrivals
