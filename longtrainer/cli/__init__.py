"""The ``longtrainer`` command line: one module per command."""

import typer

from .serve import serve

app = typer.Typer(
    name="longtrainer",
    help="Rate-limited, multi-tenant bots for LLM platforms.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Rate-limited, multi-tenant bots for LLM platforms."""


app.command()(serve)
