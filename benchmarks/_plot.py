"""Admitted rate per bot over time, drawn as a PNG."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on a benchmark machine
import matplotlib.pyplot as plt
from _fairness import rate_series
from _replay import Record


def admitted_rate(
    record: Record, tenant: str, resource: str, path: Path, *, step: float, title: str
) -> Path:
    """Plot each bot's admitted cost per second of `tenant`, in `step` s bins."""
    series = rate_series(record, tenant, resource, step)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for bot, bins in sorted(series.items()):
        slots = range(max(bins) + 1)
        ax.plot([s * step for s in slots], [bins.get(s, 0.0) for s in slots], label=bot)

    # A pool's first bot starts alone with the whole burst: clip that spike.
    values = sorted(v for bins in series.values() for v in bins.values())
    if values:
        ax.set_ylim(0, 1.5 * values[int(0.98 * (len(values) - 1))])
    ax.set_xlabel("virtual time (s)")
    ax.set_ylabel(f"admitted {resource} per second")
    ax.set_title(title)
    ax.legend(fontsize="x-small", ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
