"""``longtrainer bot create|list|delete``: a tenant's bots."""

import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ._options import (
    ApiKeyOption,
    ConfigOption,
    ServerOption,
    Target,
    TenantOption,
    run,
)

app = typer.Typer(
    name="bot",
    help="Create, list and delete a tenant's bots.",
    no_args_is_help=True,
)


@app.command()
def create(
    name: Annotated[str, typer.Option(help="A name to know the bot by.")] = "",
    system_prompt: Annotated[
        str, typer.Option(help="Instructions sent with every question.")
    ] = "",
    config: ConfigOption = None,
    tenant: TenantOption = None,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Create a bot and print its id, alone, on stdout.

    Examples:

        BOT=$(longtrainer bot create --name support)

        longtrainer bot create --tenant acme --system-prompt "Be brief."
    """
    target = Target(config, tenant, server, api_key)
    bot = run(target, lambda client: client.create_bot(name, system_prompt))
    typer.echo(bot["bot_id"])


@app.command("list")
def list_bots(
    config: ConfigOption = None,
    tenant: TenantOption = None,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """List the tenant's bots, oldest first.

    Examples:

        longtrainer bot list

        longtrainer bot list --server http://127.0.0.1:8000 --api-key KEY
    """
    bots = run(Target(config, tenant, server, api_key), lambda c: c.list_bots())
    table = Table("bot id", "name", "created (UTC)", title=f"bots: {len(bots)}")
    for bot in bots:
        table.add_row(bot["bot_id"], bot["name"], _when(bot["created_at"]))
    Console().print(table)


@app.command()
def delete(
    bot_id: Annotated[str, typer.Argument(help="The bot to delete.")],
    config: ConfigOption = None,
    tenant: TenantOption = None,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Delete a bot with its documents and chats.

    Examples:

        longtrainer bot delete bot-3f2a9c

        longtrainer bot delete "$BOT" --tenant acme
    """
    run(Target(config, tenant, server, api_key), lambda c: c.delete_bot(bot_id))
    Console(stderr=True).print(f"deleted {bot_id}", highlight=False)


def _when(timestamp: float) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M")
