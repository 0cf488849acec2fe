"""The replays of the real-traffic benchmark, each a `Replay` ready to run.

The limits are chosen so that the heavy tenants and bots of each trace are
throttled while the light ones are not: a limit nobody reaches proves nothing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import _traces
from _replay import Replay
from _traces import Arrival

FUNCTIONS_RPM = 600  # per tenant; the trace's p99 bot asks 627 per minute
LLM_RPM = 60  # per tenant
LLM_TPM = 60_000  # tokens per minute per tenant, the second resource
LLM_TOKEN_BURST = 150_000  # so that ten bots' shares still hold the largest call
SERVEGEN_RPM = 60  # per client, against rates scaled to a tenth
SERVEGEN_SCALE = 0.1  # of the clients' rates: the busiest asks 8.7 per second
NOISY_RPM = 600  # one tenant of ten bots: a share of 1 call per second each


def limits_of(replay: Replay) -> dict[str, tuple[float, float]]:
    """(rate per second, burst) of every tenant's ceiling, per resource."""
    settings = replay.settings
    rpm = settings["llm_rpm"]
    found = {"llm": (rpm / 60, settings.get("llm_burst", rpm))}
    for name, extra in settings.get("resources", {}).items():
        found[name] = (extra["rpm"] / 60, extra.get("burst") or extra["rpm"])
    return found


def functions(data: Path, minutes: int) -> Replay:
    """Azure Functions: owners as tenants, functions as their bots."""
    arrivals = _traces.functions(data, minutes)
    bots = defaultdict(set)
    for arrival in arrivals:
        bots[arrival.tenant].add(arrival.bot)
    shared = frozenset(t for t, names in bots.items() if len(names) > 1)
    return Replay(arrivals, {"llm_rpm": FUNCTIONS_RPM}, shared, timeout=30.0)


def llm(data: Path, minutes: float, trace: str = "conv") -> Replay:
    """Azure LLM arrivals and tokens (`conv` or the burstier `code` service),
    4 tenants x 10 bots weighted to the Functions skew."""
    arrivals = _traces.llm(data, trace, minutes, tenants=4, bots=10)
    settings = {
        "llm_rpm": LLM_RPM,
        "resources": {"llm_tokens": {"rpm": LLM_TPM, "burst": LLM_TOKEN_BURST}},
    }
    tenants = frozenset(a.tenant for a in arrivals)
    return Replay(arrivals, settings, tenants, ("llm", "llm_tokens"), 60.0)


def servegen(data: Path, minutes: float) -> Replay:
    """ServeGen clients as tenants, 10 skewed bots each, bursty arrivals."""
    arrivals = _traces.servegen(data, minutes, scale=SERVEGEN_SCALE, bots=10)
    tenants = frozenset(a.tenant for a in arrivals)
    return Replay(arrivals, {"llm_rpm": SERVEGEN_RPM}, tenants, timeout=30.0)


def _paced(arrivals: list[Arrival], rate: float, seconds: float) -> list[float]:
    """The trace's arrival times, rescaled to `rate` per second, repeated end to
    end until `seconds` are filled (a fast bot outruns one pass of the trace)."""
    times = [a.at - arrivals[0].at for a in arrivals]
    stretch = len(times) / times[-1] / rate  # the trace's own rate over `rate`
    span = times[-1] * stretch + 1 / rate
    found: list[float] = []
    for lap in range(int(seconds // span) + 1):
        found += [lap * span + t * stretch for t in times]
    return [t for t in found if t < seconds]


def noisy(data: Path, seconds: float, *, factor: float) -> Replay:
    """One tenant of ten bots: four keep asking, five replay real arrivals at
    half their share, and one replays them at `factor` times a quiet bot."""
    trace = _traces.llm(data, "conv", 60, tenants=1, bots=1)
    tenant, quiet_rate = "tenant-n", 0.5
    quiet = _paced(trace, 5 * quiet_rate, seconds)
    arrivals = [Arrival(t, tenant, f"trace-{i % 5}", 0) for i, t in enumerate(quiet)]
    loud = _paced(trace, factor * quiet_rate, seconds)
    arrivals += [Arrival(t, tenant, "noisy", 0) for t in loud]
    arrivals.sort()

    keepers = tuple((tenant, f"keeper-{i}") for i in range(4))
    return Replay(
        arrivals,
        {"llm_rpm": NOISY_RPM},
        frozenset({tenant}),
        timeout=30.0,
        keepers=keepers,
        until=seconds,
    )
