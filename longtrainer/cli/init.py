"""``longtrainer init``: write a commented ``longtrainer.yaml``."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ._options import fail
from ._template import CONFIG_TEMPLATE
from .serve import DEFAULT_CONFIG


def init(
    config: Annotated[
        Path,
        typer.Option("--config", "-c", help="Where to write it."),
    ] = DEFAULT_CONFIG,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing file.")
    ] = False,
) -> None:
    """Write a commented longtrainer.yaml: rate limiting off, every key explained.

    Examples:

        longtrainer init

        longtrainer init -c staging.yaml --force
    """
    if config.exists() and not force:
        fail(FileExistsError(f"{config} exists; pass --force to overwrite it"))

    try:
        config.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    except OSError as error:
        fail(error)
    Console(stderr=True).print(f"wrote {config}", highlight=False)
