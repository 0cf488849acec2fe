"""The benchmark scripts still work: a two-minute slice of a real trace,
replayed through the limiter, keeps the ceiling and is counted exactly."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import _common
import _fairness
import _traces
import _workloads
from _replay import replay

DATA = _common.DEFAULT_DATA

pytestmark = pytest.mark.skipif(
    not (DATA / _traces.FUNCTIONS).exists(),
    reason="the traces are not beside the repository (../shared/data)",
)


def _tenant_tokens(admissions, rate: float, burst: float, now: float) -> float:
    """A tenant's ceiling at `now`, rebuilt from our own count of admissions."""
    tokens, last = burst, None
    for at, cost in sorted(admissions):
        if last is not None:
            tokens = min(burst, tokens + rate * (at - last))
        tokens, last = tokens - cost, at
    return min(burst, tokens + rate * (now - last))


def test_raise_mode_replay_keeps_the_ceiling_and_counts_match():
    run = _workloads.functions(DATA, 2)
    record = replay(run, wait=False)
    rate, burst = _workloads.limits_of(run)["llm"]

    violations, _ = _fairness.ceiling_violations(record, {"llm": (rate, burst)})["llm"]
    admitted = sum(len(a) for a in record.admitted.values())
    assert violations == 0
    assert record.refused > 0, "the slice must reach the ceiling to prove anything"
    assert admitted + record.refused == len(run.arrivals)

    # The limiter's own ceilings hold exactly what our count leaves them.
    now = run.arrivals[-1].at
    by_tenant = {}
    for (tenant, _bot, _resource), admissions in record.admitted.items():
        by_tenant.setdefault(tenant, []).extend(admissions)
    for tenant, admissions in by_tenant.items():
        (pool,) = [p for p in record.limiter.snapshot(tenant) if p.resource == "llm"]
        expected = _tenant_tokens(admissions, rate, burst, now)
        assert pool.tokens == pytest.approx(expected, abs=1e-6 * burst), tenant


def test_wait_mode_replay_keeps_the_ceiling():
    run = _workloads.functions(DATA, 1)
    record = replay(run, wait=True)

    checks = _fairness.ceiling_violations(record, _workloads.limits_of(run))
    assert checks["llm"][0] == 0
    assert record.decisions >= len(run.arrivals)
