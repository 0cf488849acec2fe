"""Tenants, bots and one noisy neighbour: the two layers at work.

Two tenants share an LLM, an embedding endpoint and a tool runner. Each bot
runs agents that wait for their tokens (wait mode) before every call. One
bot of ``acme`` is noisy: twenty agents flat out. The report shows, per bot,
the LLM calls it got per minute against its equal share of the tenant's
ceiling, and how long its calls waited.

Runs on virtual time by default (ten minutes in about a second); pass
``--real-time`` to watch it at the wall clock's pace.

    python examples/agent_pipeline.py [--minutes 10] [--real-time]
"""

import argparse
import asyncio
import random
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from longtrainer.rate_limiter import RateLimitConfig, RateLimiter
from longtrainer.testing import VirtualTimeLoop

CONFIG = RateLimitConfig(
    enabled=True,
    llm_rpm=60,
    embedding_rpm=240,
    tool_rpm=60,
    active_window=30,
)

# The first minute is left out of the figures: a tenant starts with a full
# burst (one minute's worth), which whoever comes first may spend at once.
WARM_UP = 60.0

# tenant -> bot -> (agents, seconds an agent thinks between tasks)
FLEET = {
    "acme": {"support": (2, 8.0), "sales": (1, 6.0), "scraper": (20, 0.0)},
    "globex": {"helpdesk": (2, 10.0), "analyst": (1, 4.0)},
}


@dataclass
class BotReport:
    admitted: int = 0
    waits: list[float] = field(default_factory=list)


async def fake_call(low: float, high: float) -> None:
    """Stand-in for a provider call with a realistic latency."""
    await asyncio.sleep(random.uniform(low, high))


async def agent(limiter, tenant, bot, pause, counts_from, until, report, clock):
    """One agent: embed the question, maybe call a tool, then ask the LLM."""
    while clock() < until:
        await asyncio.sleep(random.expovariate(1 / pause) if pause else 0)

        await limiter.acquire(tenant, bot, "embedding", wait=True)
        await fake_call(0.02, 0.08)
        if random.random() < 0.3:
            await limiter.acquire(tenant, bot, "tool", wait=True)
            await fake_call(0.1, 0.5)

        asked_at = clock()
        await limiter.acquire(tenant, bot, "llm", wait=True)
        if counts_from <= clock() <= until:
            report.admitted += 1
            report.waits.append(clock() - asked_at)
        await fake_call(0.5, 3.0)


async def run_fleet(minutes: float, clock) -> dict:
    limiter = RateLimiter(CONFIG, clock=clock)
    counts_from = clock() + WARM_UP
    until = counts_from + minutes * 60
    reports: dict = defaultdict(BotReport)
    agents = [
        agent(
            limiter, tenant, bot, pause, counts_from, until, reports[tenant, bot], clock
        )
        for tenant, bots in FLEET.items()
        for bot, (count, pause) in bots.items()
        for _ in range(count)
    ]

    # Agents still queued at the end are cut off: only the window counts.
    tasks = [asyncio.ensure_future(one) for one in agents]
    await asyncio.sleep(WARM_UP + minutes * 60)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return reports


def show(reports: dict, minutes: float) -> None:
    title = (
        f"llm calls over {minutes:g} minutes, after a minute's warm-up "
        f"(ceiling {CONFIG.llm_rpm:g}/min per tenant)"
    )
    table = Table(title=title)
    table.add_column("tenant")
    table.add_column("bot")
    for column in ("got/min", "equal share/min", "wait p50", "wait max"):
        table.add_column(column, justify="right")

    for tenant, bots in FLEET.items():
        share = CONFIG.llm_rpm / len(bots)
        for bot in bots:
            report = reports[tenant, bot]
            waits = report.waits or [0.0]
            table.add_row(
                tenant,
                bot,
                f"{report.admitted / minutes:.1f}",
                f"{share:.1f}",
                f"{statistics.median(waits):.2f}s",
                f"{max(waits):.2f}s",
            )
    Console().print(table)
    Console().print(
        "The scraper's twenty agents queue for their bot's share and get it; "
        "the quiet bots of acme get every call they ask for with next to no "
        "wait, and globex never notices acme."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--real-time", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    random.seed(options.seed)

    if options.real_time:
        reports = asyncio.run(run_fleet(options.minutes, loop_time))
    else:
        loop = VirtualTimeLoop()
        try:
            reports = loop.run_until_complete(run_fleet(options.minutes, loop.time))
        finally:
            loop.close()
    show(reports, options.minutes)


def loop_time() -> float:
    """The running loop's clock, which is what wait mode sleeps on."""
    return asyncio.get_running_loop().time()


if __name__ == "__main__":
    main()
