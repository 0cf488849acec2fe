"""A small async client for the longtrainer HTTP API.

It talks to a running server (``ApiClient.remote``) or, in-process, to an
app built from a config (``ApiClient.in_process``): both go through the
same routes, so the command line holds no chat or limiting logic of its
own. Failures are raised as a small tree:

ClientError
├── ApiError             the server answered with an error status
│   └── RateLimited      429: ``retry_after`` seconds, ``layer``, ``label``
└── ServerUnreachable    no answer at all (down, refused, timed out)
"""

import re
import secrets
from dataclasses import dataclass, replace
from typing import Any, Self

import httpx
from pydantic import ValidationError

from .server.app import create_app
from .server.auth import DEFAULT_TENANT
from .server.settings import ServerSettings, Settings

__all__ = [
    "Answer",
    "ApiClient",
    "ApiError",
    "ClientError",
    "RateLimited",
    "ServerUnreachable",
]

# The limiter's refusal text, e.g.
# "Bot 'bot-1' rate limit exceeded for llm_calls. Retry after 1.6s."
_REFUSAL = re.compile(r"^(Bot|Tenant) '.*' rate limit exceeded for (\w+)\.")


class ClientError(Exception):
    """Root of the errors the client raises; the message is for the user."""


class ApiError(ClientError):
    """The server answered ``status`` with ``detail``."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"{detail} (HTTP {status})")


class RateLimited(ApiError):
    """429: the same request succeeds after ``retry_after`` seconds.

    ``layer`` is ``"tenant"`` (its ceiling) or ``"bot"`` (its share) and
    ``label`` the resource's name in refusals (``llm_calls``); both are
    read from the detail and empty when it does not say.
    """

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(429, detail)
        self.retry_after = retry_after
        match = _REFUSAL.match(detail)
        self.layer = match.group(1).lower() if match else ""
        self.label = match.group(2) if match else ""


class ServerUnreachable(ClientError):
    """The request got no answer: the server is down or too slow."""


@dataclass(frozen=True)
class Answer:
    """A bot's answer and the names of the documents it quotes."""

    text: str
    sources: list[str]


class ApiClient:
    """The API calls the command line makes, as coroutines.

    Use it as an async context manager; it owns its ``httpx.AsyncClient``.
    """

    def __init__(self, http: httpx.AsyncClient, *, app: Any = None) -> None:
        self._http = http
        self._app = app
        self._lifespan = None

    @classmethod
    def remote(cls, url: str, api_key: str | None, *, timeout: float = 60) -> Self:
        """A client of the server at ``url``, as the tenant of ``api_key``.

        Without a key, only a server that has no keys answers (as ``default``).
        """
        if not url.startswith(("http://", "https://")):
            raise ClientError(f"not an http:// or https:// URL: {url!r}")

        headers = {"X-API-Key": api_key} if api_key else {}
        try:
            http = httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout)
        except httpx.InvalidURL as error:
            raise ClientError(f"not a valid URL: {url!r} ({error})") from None
        return cls(http)

    @classmethod
    def in_process(cls, settings: Settings, tenant_id: str = DEFAULT_TENANT) -> Self:
        """A client of an app built from ``settings``, as ``tenant_id``.

        The app gets one key of its own, made up here and mapped to
        ``tenant_id``, so requests pass the same tenant check as over HTTP.
        """
        key = secrets.token_urlsafe(24)
        server = _keyed(settings.server, key, tenant_id)
        app = create_app(replace(settings, server=server))
        transport = httpx.ASGITransport(app=app)
        http = httpx.AsyncClient(
            transport=transport,
            base_url="http://in-process",
            headers={"X-API-Key": key},
        )
        return cls(http, app=app)

    async def __aenter__(self) -> Self:
        # ASGITransport does not run the app's lifespan; run it here so the
        # providers are closed as a server would close them.
        if self._app is not None:
            self._lifespan = self._app.router.lifespan_context(self._app)
            await self._lifespan.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._lifespan is not None:
            lifespan, self._lifespan = self._lifespan, None
            await lifespan.__aexit__(None, None, None)

    async def create_bot(self, name: str = "", system_prompt: str = "") -> dict:
        body = {"name": name, "system_prompt": system_prompt}
        return await self._call("POST", "/bots", json=body)

    async def list_bots(self) -> list[dict]:
        return await self._call("GET", "/bots")

    async def get_bot(self, bot_id: str) -> dict:
        return await self._call("GET", f"/bots/{bot_id}")

    async def delete_bot(self, bot_id: str) -> None:
        await self._call("DELETE", f"/bots/{bot_id}")

    async def add_document(self, bot_id: str, name: str, text: str) -> dict:
        body = {"name": name, "text": text}
        return await self._call("POST", f"/bots/{bot_id}/documents", json=body)

    async def create_chat(self, bot_id: str) -> str:
        chat = await self._call("POST", f"/bots/{bot_id}/chats")
        return chat["chat_id"]

    async def ask(self, bot_id: str, chat_id: str, query: str) -> Answer:
        path = f"/bots/{bot_id}/chats/{chat_id}"
        reply = await self._call("POST", path, json={"query": query})
        names = [source["name"] for source in reply["sources"]]
        return Answer(reply["answer"], list(dict.fromkeys(names)))

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            where = self._http.base_url
            reason = str(error) or type(error).__name__
            raise ServerUnreachable(f"no answer from {where}: {reason}") from None

        if response.status_code == 429:
            raise RateLimited(_detail(response), _retry_after(response))
        if response.is_error:
            raise ApiError(response.status_code, _detail(response))
        if response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError:
            # Something answers there, but not the longtrainer API.
            where = response.url
            raise ApiError(
                response.status_code, f"not a JSON answer from {where}"
            ) from None


def _keyed(server: ServerSettings, key: str, tenant_id: str) -> ServerSettings:
    fields = {**server.model_dump(), "api_keys": {key: tenant_id}}
    try:
        return ServerSettings.model_validate(fields)
    except ValidationError:
        message = f"invalid tenant id {tenant_id!r}: use letters, digits, . _ and -"
        raise ClientError(message) from None


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json()["detail"]
    except (ValueError, KeyError, TypeError):
        return response.text.strip() or response.reason_phrase
    # A 422 lists its faults; the first one says enough for one line.
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        return str(detail[0].get("msg", detail[0]))
    return str(detail)


def _retry_after(response: httpx.Response) -> float:
    # Retry-After in whole seconds; a missing or odd value means "soon".
    try:
        return max(1.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0
