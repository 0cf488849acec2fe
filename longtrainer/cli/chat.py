"""``longtrainer chat``: an interactive chat that waits out rate limits.

Each message runs on one event loop kept for the whole session (the
client and, in-process, the app and its buckets live there), while the
prompt is read outside it. So Ctrl-C while a message waits cancels that
message alone: ``asyncio.Runner`` turns the interrupt into a cancellation
of the running message and hands back a ``KeyboardInterrupt`` we catch.
"""

import asyncio
from functools import partial
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from ..client import Answer, ApiClient, ApiError
from ._options import (
    ApiKeyOption,
    ConfigOption,
    ServerOption,
    Target,
    TenantOption,
    error_line,
    reported_errors,
)
from ._waiting import progress_bar, until_admitted

PROMPT = "[bold cyan]you>[/bold cyan] "


def chat(
    bot_id: Annotated[str, typer.Argument(help="The bot to chat with.")],
    config: ConfigOption = None,
    tenant: TenantOption = None,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Chat with a bot; a rate-limited message is re-sent by itself.

    When the budget runs out, a countdown shows who refused (the bot's
    share or the tenant's ceiling) and the message goes again when it is
    back. Ctrl-C during a countdown drops that message; Ctrl-C or Ctrl-D
    at the prompt leaves.

    Examples:

        longtrainer chat "$BOT"

        longtrainer chat "$BOT" --tenant acme -c longtrainer.yaml

        longtrainer chat "$BOT" --server http://127.0.0.1:8000 --api-key KEY
    """
    console = Console(highlight=False)
    with reported_errors(), asyncio.Runner() as runner:
        client = Target(config, tenant, server, api_key).client()
        runner.run(client.__aenter__())
        try:
            chat_id, name = runner.run(_start(client, bot_id))
            console.print(f"Chatting with {name}. Ctrl-D or Ctrl-C leaves.")
            _converse(runner, client, console, bot_id, chat_id)
        finally:
            runner.run(client.aclose())


async def _start(client: ApiClient, bot_id: str) -> tuple[str, str]:
    bot = await client.get_bot(bot_id)
    chat_id = await client.create_chat(bot_id)
    return chat_id, bot["name"] or bot_id


def _converse(
    runner: asyncio.Runner,
    client: ApiClient,
    console: Console,
    bot_id: str,
    chat_id: str,
) -> None:
    while (query := _read(console)) is not None:
        if not query:
            continue

        try:
            answer = runner.run(_ask(client, console, bot_id, chat_id, query))
        except KeyboardInterrupt:
            console.print("[yellow]Cancelled[/yellow]: that message was not answered.")
            continue
        except ApiError as error:
            # This message failed for a reason of its own (too large, the
            # model upstream down); the chat itself can go on.
            console.print(error_line(error))
            continue

        _show(console, answer)


def _read(console: Console) -> str | None:
    """The next message, or None when the user leaves (Ctrl-C, Ctrl-D)."""
    try:
        return console.input(PROMPT).strip()
    except (EOFError, KeyboardInterrupt):
        console.print()
        return None


async def _ask(
    client: ApiClient, console: Console, bot_id: str, chat_id: str, query: str
) -> Answer:
    with progress_bar(console, transient=True) as progress:
        return await until_admitted(
            partial(client.ask, bot_id, chat_id, query), progress
        )


def _show(console: Console, answer: Answer) -> None:
    # Text, not markup: an answer may hold brackets rich would interpret.
    console.print(Text.assemble(("bot> ", "bold green"), answer.text))
    if answer.sources:
        console.print(Text(f"sources: {', '.join(answer.sources)}", style="dim"))
