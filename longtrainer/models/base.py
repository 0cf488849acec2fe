"""The provider interfaces the server talks to: chat, embeddings and tools.

A provider is any object with the right methods; nothing needs to inherit
from these Protocols. Providers raise ``ProviderError`` (or its subclass
``ProviderTimeout``) when their upstream fails, so the server can answer
502 or 504 with the reason instead of a bare 500.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class ProviderError(Exception):
    """The upstream model service failed or answered nonsense."""


class ProviderTimeout(ProviderError):
    """The upstream model service did not answer in time."""


class ToolError(ValueError):
    """A tool refused its arguments; the text says why."""


@dataclass(frozen=True)
class Message:
    """One turn of a chat: ``role`` is ``"user"`` or ``"assistant"``."""

    role: str
    content: str


@dataclass(frozen=True)
class Passage:
    """A chunk of a bot's document, ranked against a query."""

    document_id: str
    document_name: str
    text: str
    score: float


@dataclass(frozen=True)
class ChatRequest:
    """Everything a chat provider needs to answer one query."""

    query: str
    system_prompt: str = ""
    history: Sequence[Message] = ()
    passages: Sequence[Passage] = field(default_factory=tuple)


class ChatProvider(Protocol):
    """Answers a query, whole or as a stream of text pieces."""

    async def complete(self, request: ChatRequest) -> str: ...

    def stream(self, request: ChatRequest) -> AsyncIterator[str]: ...


class EmbeddingProvider(Protocol):
    """Turns texts into vectors; one vector per text, in order."""

    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class Tool(Protocol):
    """A safe, side-effect-free function a bot may call."""

    name: str
    description: str

    def run(self, arguments: dict[str, Any]) -> Any: ...


@dataclass(frozen=True)
class Providers:
    """The providers one server uses, handed to ``create_app``."""

    chat: ChatProvider
    embeddings: EmbeddingProvider
    tools: dict[str, Tool]
