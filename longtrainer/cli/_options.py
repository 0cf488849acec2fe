"""What the client commands share: their options, the client, error reports."""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from ..client import ApiClient, ClientError
from ..rate_limiter import ConfigError
from ..server.auth import DEFAULT_TENANT
from ..server.settings import Settings, load_settings
from .serve import DEFAULT_CONFIG

T = TypeVar("T")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="longtrainer.yaml to read (default: ./longtrainer.yaml if present).",
        show_default=False,
    ),
]
TenantOption = Annotated[
    str | None,
    typer.Option(
        "--tenant",
        "-t",
        help=f"Tenant to act as, in-process (default: {DEFAULT_TENANT}).",
        show_default=False,
    ),
]
ServerOption = Annotated[
    str | None,
    typer.Option(
        help="URL of a running server; without it, work in-process on the config.",
        envvar="LONGTRAINER_SERVER",
        show_default=False,
    ),
]
ApiKeyOption = Annotated[
    str | None,
    typer.Option(
        help="API key for --server; it names the tenant.",
        envvar="LONGTRAINER_API_KEY",
        show_default=False,
    ),
]


@dataclass(frozen=True)
class Target:
    """Where a command sends its requests: in-process or to a server."""

    config: Path | None = None
    tenant: str | None = None
    server: str | None = None
    api_key: str | None = None

    def client(self) -> ApiClient:
        if self.server is None:
            return ApiClient.in_process(load_config(self.config), self.tenant_id)
        if self.tenant is not None:
            raise ClientError(
                "--tenant is for in-process use; with --server, "
                "the API key names the tenant"
            )
        return ApiClient.remote(self.server, self.api_key)

    @property
    def tenant_id(self) -> str:
        return self.tenant or DEFAULT_TENANT


def load_config(path: Path | None) -> Settings:
    """The settings in ``path``, else in ``./longtrainer.yaml``, else defaults."""
    if path is None and DEFAULT_CONFIG.is_file():
        path = DEFAULT_CONFIG
    return load_settings(path)


def run(target: Target, work: Callable[[ApiClient], Awaitable[T]]) -> T:
    """Open a client on ``target``, run ``work`` with it, report any failure."""

    async def main() -> T:
        async with target.client() as client:
            return await work(client)

    with reported_errors():
        return asyncio.run(main())


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the failures a user can meet into one message and an exit status."""
    try:
        yield
    except ConfigError as error:
        fail(error, code=2)
    except ClientError as error:
        fail(error)


def fail(error: Exception, *, code: int = 1) -> NoReturn:
    """Print ``error`` on stderr (as class name and message) and exit ``code``."""
    Console(stderr=True, soft_wrap=True).print(error_line(error))
    raise typer.Exit(code)


def error_line(error: Exception) -> Text:
    """``ApiError: Bot 'x' not found. (HTTP 404)``, the class name in red."""
    # Text, not markup: the message may hold brackets rich would interpret.
    return Text.assemble((type(error).__name__, "red"), f": {error}")
