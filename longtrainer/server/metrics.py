"""Counters of the limiter's decisions, in Prometheus text format.

    longtrainer_admitted_total{tenant,resource}
    longtrainer_refused_total{tenant,resource,layer}
    longtrainer_wait_seconds{resource}   (histogram: time spent acquiring)

Counted in the process; with several workers each keeps its own counts.
"""

from collections import Counter
from collections.abc import Iterator

WAIT_BUCKETS = (0.001, 0.01, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class RateLimitMetrics:
    """Admitted and refused calls, and how long admitted calls waited."""

    def __init__(self) -> None:
        self.admitted: Counter[tuple[str, str]] = Counter()
        self.refused: Counter[tuple[str, str, str]] = Counter()
        self._wait_counts: Counter[tuple[str, float]] = Counter()
        self._wait_sum: Counter[str] = Counter()
        self._wait_total: Counter[str] = Counter()

    def record_admitted(self, tenant_id: str, resource: str, waited: float) -> None:
        self.admitted[tenant_id, resource] += 1
        self._wait_total[resource] += 1
        self._wait_sum[resource] += waited
        for bound in WAIT_BUCKETS:
            if waited <= bound:
                self._wait_counts[resource, bound] += 1

    def record_refused(self, tenant_id: str, resource: str, layer: str) -> None:
        self.refused[tenant_id, resource, layer] += 1

    def render(self) -> str:
        """The Prometheus text exposition of every series."""
        return "\n".join(self._lines()) + "\n"

    def _lines(self) -> Iterator[str]:
        yield "# HELP longtrainer_admitted_total Calls admitted by the rate limiter."
        yield "# TYPE longtrainer_admitted_total counter"
        for (tenant_id, resource), count in sorted(self.admitted.items()):
            labels = _labels(tenant=tenant_id, resource=resource)
            yield f"longtrainer_admitted_total{labels} {count}"

        yield "# HELP longtrainer_refused_total Calls refused, by refusing layer."
        yield "# TYPE longtrainer_refused_total counter"
        for (tenant_id, resource, layer), count in sorted(self.refused.items()):
            labels = _labels(tenant=tenant_id, resource=resource, layer=layer)
            yield f"longtrainer_refused_total{labels} {count}"

        yield "# HELP longtrainer_wait_seconds Time admitted calls spent acquiring."
        yield "# TYPE longtrainer_wait_seconds histogram"
        for resource in sorted(self._wait_total):
            for bound in WAIT_BUCKETS:
                labels = _labels(resource=resource, le=f"{bound:g}")
                count = self._wait_counts[resource, bound]
                yield f"longtrainer_wait_seconds_bucket{labels} {count}"
            labels = _labels(resource=resource, le="+Inf")
            total = self._wait_total[resource]
            yield f"longtrainer_wait_seconds_bucket{labels} {total}"
            labels = _labels(resource=resource)
            yield f"longtrainer_wait_seconds_sum{labels} {self._wait_sum[resource]:.6f}"
            yield f"longtrainer_wait_seconds_count{labels} {total}"


def _labels(**values: str) -> str:
    escaped = (f'{name}="{_escape(value)}"' for name, value in values.items())
    return "{" + ",".join(escaped) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
