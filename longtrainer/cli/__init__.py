"""The ``longtrainer`` command line: one module per command."""

from typing import Annotated

import typer

from .. import __version__
from . import bot, limits
from .add_doc import add_doc
from .chat import chat
from .init import init
from .serve import serve

SERVE_EXAMPLES = """Examples:

    longtrainer serve

    longtrainer serve -c production.yaml --port 8080
"""

app = typer.Typer(
    name="longtrainer",
    help="Rate-limited, multi-tenant bots for LLM platforms.",
    no_args_is_help=True,
    add_completion=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"longtrainer {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Rate-limited, multi-tenant bots for LLM platforms."""


app.command()(init)
# serve's examples live here so its module stays the server's own.
app.command(epilog=SERVE_EXAMPLES)(serve)
app.add_typer(bot.app)
app.command("add-doc")(add_doc)
app.command()(chat)
app.add_typer(limits.app)
