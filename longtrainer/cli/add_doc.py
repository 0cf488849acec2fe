"""``longtrainer add-doc``: give a bot documents, waiting out rate limits."""

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..client import ApiClient, ClientError
from ._options import (
    ApiKeyOption,
    ConfigOption,
    ServerOption,
    Target,
    TenantOption,
    fail,
    run,
)
from ._waiting import progress_bar, until_admitted


def add_doc(
    bot_id: Annotated[str, typer.Argument(help="The bot that receives them.")],
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="UTF-8 text files (.md, .txt, ...).",
            exists=True,
            dir_okay=False,
            readable=True,
            show_default=False,
        ),
    ],
    config: ConfigOption = None,
    tenant: TenantOption = None,
    server: ServerOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Add documents to a bot, one by one, with a progress bar.

    Each document spends an ingestion token and an embedding token per
    chunk; when the budget runs out, a countdown shows and the same
    document is sent again when it is back.

    Examples:

        longtrainer add-doc "$BOT" faq.md

        longtrainer add-doc "$BOT" docs/*.md --tenant acme
    """
    documents = [(path.name, _read(path)) for path in paths]
    console = Console(highlight=False)

    async def add_all(client: ApiClient) -> None:
        with progress_bar(console) as progress:
            task = progress.add_task("adding documents", total=len(documents))
            for name, text in documents:
                progress.update(task, description=f"adding {name}")
                send = partial(client.add_document, bot_id, name, text)
                added = await until_admitted(send, progress)
                progress.console.print(f"{name}: {_chunks(added['chunks'])}")
                progress.advance(task)
            progress.update(
                task, description=f"added {len(documents)} of {len(documents)}"
            )

    run(Target(config, tenant, server, api_key), add_all)


def _chunks(count: int) -> str:
    return f"{count} chunk" if count == 1 else f"{count} chunks"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(ClientError(f"{path} is not UTF-8 text"))
