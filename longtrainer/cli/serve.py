"""``longtrainer serve``: run the HTTP API under uvicorn."""

import copy
import logging
import logging.config
import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from ..rate_limiter import ConfigError
from ..server.app import CONFIG_VARIABLE
from ..server.settings import load_settings

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = Path("longtrainer.yaml")


def serve(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="longtrainer.yaml to read (default: ./longtrainer.yaml if present).",
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (each has its own buckets).")
    ] = 1,
) -> None:
    """Start the multi-tenant bot API (FastAPI on uvicorn)."""
    if config is None and DEFAULT_CONFIG.is_file():
        config = DEFAULT_CONFIG

    # Validate here, once, so a bad file stops start-up with its faults
    # instead of failing inside every worker.
    try:
        load_settings(config)
    except ConfigError as error:
        Console(stderr=True).print(f"[red]ConfigError[/red]: {error}", highlight=False)
        raise typer.Exit(code=2) from None

    os.environ[CONFIG_VARIABLE] = str(config.resolve()) if config else ""
    log_config = _log_config()
    if workers > 1:
        # Limitation: buckets live in each worker's memory until a shared
        # backend exists, so the real ceiling is the limit times the workers.
        logging.config.dictConfig(log_config)
        logger.warning(
            "%d workers each keep their own in-memory buckets: every limit "
            "applies per worker, so a tenant may get up to %d times its ceiling",
            workers,
            workers,
        )

    uvicorn.run(
        "longtrainer.server.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config,
    )


def _log_config() -> dict:
    # uvicorn's own logging setup, with our start-up messages beside its own.
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["longtrainer"] = {"handlers": ["default"], "level": "INFO"}
    return config
