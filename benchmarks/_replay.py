"""The replay driver: arrivals through our limiter on a virtual clock.

Raise mode walks the arrivals in one coroutine, setting the injected clock to
each arrival's time. Wait mode starts one task per arrival on the
virtual-time event loop and hands the limiter that loop's clock, so real
asyncio sleeps and timeouts run in virtual time.
Each arrival takes one `llm` call and, where the replay asks for it, its
token count from the `llm_tokens` resource (a tokens-per-minute limit).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import _ours
from _traces import Arrival

from longtrainer.testing import run_virtual

Key = tuple[str, str]  # (tenant, bot)


@dataclass
class Replay:
    arrivals: list[Arrival]
    settings: dict  # a `rate_limiting:` mapping; enabled is implied
    watch: frozenset[str] = frozenset()  # tenants whose shares are sampled
    resources: tuple[str, ...] = ("llm",)
    timeout: float | None = None  # wait mode: give up beyond this wait
    keepers: tuple[Key, ...] = ()  # wait mode: bots that keep asking (G3)
    until: float = 0.0  # wait mode: keepers stop asking here


@dataclass
class Record:
    admitted: dict[tuple[str, str, str], list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (tenant, bot, resource) -> [(time, cost)]
    offered: Counter = field(default_factory=Counter)  # Key -> arrivals
    waits: dict[Key, list[float]] = field(default_factory=lambda: defaultdict(list))
    samples: dict[tuple[str, str], list] = field(
        default_factory=lambda: defaultdict(list)
    )  # (tenant, resource) -> [(time, {bot: (rpm, queued)})]
    refused: int = 0
    invalid: int = 0  # cost above the bot's burst: refused at once (G7)
    decisions: int = 0
    seconds: float = 0.0  # wall time spent deciding
    limiter: object = None


def _cost(resource: str, arrival: Arrival) -> int:
    return arrival.tokens if resource == "llm_tokens" else 1


def _sample(lim, replay: Replay, record: Record, now: float) -> None:
    for tenant in replay.watch:
        for pool in lim.snapshot(tenant):
            if pool.resource in replay.resources:
                bots = {b.bot_id: (b.rpm, b.queued) for b in pool.bots}
                record.samples[tenant, pool.resource].append((now, bots))


async def _raise_mode(replay: Replay) -> Record:
    record, now = Record(), [0.0]
    lim = record.limiter = _ours.limiter(clock=lambda: now[0], **replay.settings)
    acquire, refused = lim.acquire, _ours.RateLimitExceeded
    next_sample, sampling = 0.0, 0.0
    start = time.perf_counter()

    for arrival in replay.arrivals:
        # Sampling is timed apart so that it does not count as deciding.
        while replay.watch and next_sample <= arrival.at:
            mark = time.perf_counter()
            now[0] = next_sample
            _sample(lim, replay, record, next_sample)
            next_sample += 1.0
            sampling += time.perf_counter() - mark

        now[0] = arrival.at
        tenant, bot = arrival.tenant, arrival.bot
        record.offered[tenant, bot] += 1
        for resource in replay.resources:
            cost = _cost(resource, arrival)
            record.decisions += 1
            try:
                await acquire(tenant, bot, resource, cost=cost)
            except refused:
                record.refused += 1
                break
            except ValueError:
                record.invalid += 1
                break
            record.admitted[tenant, bot, resource].append((arrival.at, cost))

    record.seconds = time.perf_counter() - start - sampling
    return record


async def _wait_mode(replay: Replay) -> Record:
    loop = asyncio.get_running_loop()
    record = Record()
    lim = record.limiter = _ours.limiter(clock=loop.time, **replay.settings)
    refused = _ours.RateLimitExceeded

    async def one(arrival: Arrival) -> None:
        tenant, bot = arrival.tenant, arrival.bot
        record.offered[tenant, bot] += 1
        for resource in replay.resources:
            cost = _cost(resource, arrival)
            record.decisions += 1
            try:
                await lim.acquire(
                    tenant, bot, resource, cost=cost, wait=True, timeout=replay.timeout
                )
            except refused:
                record.refused += 1
                return
            except ValueError:
                record.invalid += 1
                return
            record.admitted[tenant, bot, resource].append((loop.time(), cost))
        record.waits[tenant, bot].append(loop.time() - arrival.at)

    async def keeper(tenant: str, bot: str, until: float) -> None:
        # Always one call outstanding: the bot asks again as soon as admitted.
        while loop.time() < until:
            asked = loop.time()
            record.offered[tenant, bot] += 1
            record.decisions += 1
            await lim.acquire(tenant, bot, "llm", wait=True)
            record.admitted[tenant, bot, "llm"].append((loop.time(), 1))
            record.waits[tenant, bot].append(loop.time() - asked)

    async def sampler(until: float) -> None:
        while loop.time() <= until:
            _sample(lim, replay, record, loop.time())
            await asyncio.sleep(1.0)

    start = time.perf_counter()
    end = max(replay.arrivals[-1].at if replay.arrivals else 0.0, replay.until)
    tasks = [asyncio.create_task(sampler(end))] if replay.watch else []
    tasks += [asyncio.create_task(keeper(*key, replay.until)) for key in replay.keepers]
    for arrival in replay.arrivals:
        if arrival.at > loop.time():
            await asyncio.sleep(arrival.at - loop.time())
        tasks.append(asyncio.create_task(one(arrival)))

    await asyncio.gather(*tasks)
    record.seconds = time.perf_counter() - start
    return record


def replay(run: Replay, *, wait: bool) -> Record:
    """Replay `run` in wait or raise mode on a fresh virtual-time loop."""
    return run_virtual(_wait_mode(run) if wait else _raise_mode(run))
