"""An OpenAI-compatible HTTP provider: OpenAI, vLLM, Ollama, LM Studio...

It speaks ``POST {base_url}/chat/completions`` (whole or streamed) and
``POST {base_url}/embeddings``. Upstream failures become ``ProviderError``
and timeouts ``ProviderTimeout``, each with a reason a client can act on.
"""

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx

from .base import ChatRequest, ProviderError, ProviderTimeout


class OpenAICompatible:
    """Chat and embeddings over an OpenAI-compatible API.

    ``client`` is an ``httpx.AsyncClient`` whose ``base_url`` points at the
    API root (e.g. ``http://127.0.0.1:11434/v1``) and which carries the key
    and the timeout; ``model`` names the chat model and ``embedding_model``
    the embedding model.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        model: str,
        embedding_model: str | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.embedding_model = embedding_model

    async def aclose(self) -> None:
        """Close the HTTP client and its connections."""
        await self.client.aclose()

    async def complete(self, request: ChatRequest) -> str:
        body = {"model": self.model, "messages": chat_messages(request)}
        async with _translated_errors():
            response = await self.client.post("chat/completions", json=body)
            _raise_for_status(response)

        try:
            return response.json()["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise ProviderError("upstream answered without a message") from None

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        body = {"model": self.model, "messages": chat_messages(request)}
        body["stream"] = True
        upstream = self.client.stream("POST", "chat/completions", json=body)
        async with _translated_errors(), upstream as reply:
            if reply.is_error:
                await reply.aread()
                _raise_for_status(reply)

            async for line in reply.aiter_lines():
                piece = _stream_piece(line)
                if piece:
                    yield piece

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        body = {"model": self.embedding_model or self.model, "input": list(texts)}
        async with _translated_errors():
            response = await self.client.post("embeddings", json=body)
            _raise_for_status(response)

        try:
            items = sorted(response.json()["data"], key=lambda item: item["index"])
            vectors = [list(map(float, item["embedding"])) for item in items]
        except (ValueError, KeyError, TypeError):
            raise ProviderError("upstream answered without embeddings") from None

        if len(vectors) != len(texts):
            raise ProviderError(f"upstream gave {len(vectors)} of {len(texts)} vectors")
        return vectors


def chat_messages(request: ChatRequest) -> list[dict[str, str]]:
    """The OpenAI ``messages`` list: system prompt with passages, history, query."""
    system = request.system_prompt or "You are a helpful assistant."
    if request.passages:
        quoted = "\n\n".join(f"[{p.document_name}] {p.text}" for p in request.passages)
        system += f"\n\nAnswer from these passages of the bot's documents:\n\n{quoted}"

    messages = [{"role": "system", "content": system}]
    messages += [{"role": m.role, "content": m.content} for m in request.history]
    messages.append({"role": "user", "content": request.query})
    return messages


def _stream_piece(line: str) -> str:
    # Server-sent events: "data: {json}" lines, ending with "data: [DONE]".
    if not line.startswith("data:"):
        return ""
    payload = line.removeprefix("data:").strip()
    if payload == "[DONE]":
        return ""

    try:
        choice: dict[str, Any] = json.loads(payload)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ProviderError("upstream sent a malformed stream event") from None
    return (choice.get("delta") or {}).get("content") or ""


def _raise_for_status(response: httpx.Response) -> None:
    if response.is_error:
        reason = response.text.strip()[:200] or response.reason_phrase
        raise ProviderError(f"upstream answered {response.status_code}: {reason}")


@asynccontextmanager
async def _translated_errors():
    try:
        yield
    except httpx.TimeoutException as error:
        raise ProviderTimeout(f"upstream timed out ({type(error).__name__})") from error
    except httpx.HTTPError as error:
        raise ProviderError(f"upstream unreachable: {error}") from error
