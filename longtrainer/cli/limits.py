"""``longtrainer limits show|check``: the limits a config puts in force."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..rate_limiter import ConfigError, RateLimitConfig
from ..server.settings import load_settings
from ._options import ConfigOption, fail, load_config, reported_errors
from .serve import DEFAULT_CONFIG

app = typer.Typer(
    name="limits",
    help="Show or check the rate limits of a config.",
    no_args_is_help=True,
)


@app.command()
def show(
    config: ConfigOption = None,
    tenant: Annotated[
        str | None,
        typer.Option(
            "--tenant", "-t", help="Show this tenant's ceiling, overrides applied."
        ),
    ] = None,
) -> None:
    """Print the limits per resource: ceiling, burst and overrides.

    Examples:

        longtrainer limits show

        longtrainer limits show -c production.yaml --tenant acme
    """
    with reported_errors():
        limits = load_config(config).rate_limiting
    Console().print(limits_table(limits, tenant))


@app.command()
def check(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The file to check (default: -c, else ./longtrainer.yaml).",
            show_default=False,
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Validate a config; on faults, list each with its YAML path and exit 1.

    Examples:

        longtrainer limits check

        longtrainer limits check staging.yaml || exit 1
    """
    # Unlike other commands, a missing ./longtrainer.yaml is a fault here.
    config = file or config or DEFAULT_CONFIG
    try:
        settings = load_settings(config)
    except ConfigError as error:
        fail(error)

    state = "enabled" if settings.rate_limiting.enabled else "disabled"
    Console().print(f"{config}: valid (rate limiting {state})", highlight=False)


def limits_table(limits: RateLimitConfig, tenant_id: str | None) -> Table:
    """One row per resource; the ceiling is ``tenant_id``'s when given."""
    whose = f"tenant {tenant_id}" if tenant_id else "per tenant"
    state = "enabled" if limits.enabled else "disabled: every call is admitted"
    table = Table(
        "resource",
        f"ceiling ({whose})",
        "burst",
        "tenant overrides",
        "bot overrides",
        title=f"Rate limits ({state})",
        caption="Active bots share their tenant's ceiling equally, "
        "except bots with an override.",
    )
    for name in limits.resource_names():
        ceiling = limits.tenant_limit(name, tenant_id or "")
        table.add_row(
            name,
            f"{ceiling.rpm:g}/min",
            f"{ceiling.burst:g}",
            _tenant_overrides(limits, name),
            _bot_overrides(limits, name),
        )
    return table


def _tenant_overrides(limits: RateLimitConfig, name: str) -> str:
    lines = []
    for tenant_id, values in limits.tenant_overrides.items():
        if f"{name}_rpm" in values or f"{name}_burst" in values:
            limit = limits.tenant_limit(name, tenant_id)
            lines.append(f"{tenant_id}: {limit.rpm:g}/min, burst {limit.burst:g}")
    return "\n".join(lines)


def _bot_overrides(limits: RateLimitConfig, name: str) -> str:
    lines = []
    for bot_id in limits.bot_overrides:
        limit = limits.bot_limit(name, bot_id)
        if limit is not None:
            lines.append(f"{bot_id}: {limit.rpm:g}/min, burst {limit.burst:g}")
    return "\n".join(lines)
