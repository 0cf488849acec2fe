"""Chats: ask a bot about its documents, whole or as server-sent events.

A question spends one ``llm`` token and one ``embedding`` token (for the
query), both at once or neither: a refusal of either spends nothing.
"""

import json
from collections.abc import AsyncIterator, Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import StreamingResponse

from ...models.base import ChatRequest, Message, Passage, ProviderError, Providers
from ...models.retrieval import best_passages
from ..headers import rate_limit_headers
from ..schemas import ChatAnswer, ChatHistory, ChatOut, ChatQuery, MessageOut, Source
from ..store import Chat, Store
from ._answers import KEYED, LIMITED, OWNED, UPSTREAM
from ._shared import OwnedBot, ProvidersDep, StoreDep, Tenant, bot_chat, limited_all

router = APIRouter(tags=["chats"], responses=KEYED)

# Turns of earlier conversation sent with a question.
HISTORY_TURNS = 20

BotChat = Annotated[Chat, Depends(bot_chat)]


async def chat_query(body: ChatQuery) -> ChatQuery:
    """The validated body, as a dependency the bot resolver can require."""
    return body


Query = Annotated[ChatQuery, Depends(chat_query)]


async def asked_bot(chat: BotChat, query: Query) -> str:
    """The bot asked, once its chat is found and the question is valid."""
    return chat.bot_id


def chat_out(chat: Chat) -> ChatOut:
    return ChatOut(chat_id=chat.id, bot_id=chat.bot_id, created_at=chat.created_at)


@router.post(
    "/bots/{bot_id}/chats", status_code=status.HTTP_201_CREATED, responses=OWNED
)
async def create_chat(bot: OwnedBot, store: StoreDep) -> ChatOut:
    """Start a chat with a bot."""
    return chat_out(await store.create_chat(bot.id))


@router.get("/bots/{bot_id}/chats", responses=OWNED)
async def list_chats(bot: OwnedBot, store: StoreDep) -> list[ChatOut]:
    """The bot's chats, oldest first."""
    return [chat_out(chat) for chat in await store.list_chats(bot.id)]


@router.get("/chats/{chat_id}", responses=OWNED)
async def get_chat(chat_id: str, tenant_id: Tenant, store: StoreDep) -> ChatHistory:
    """A chat with its messages, oldest first."""
    chat = await store.get_chat(tenant_id, chat_id)
    if chat is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Chat '{chat_id}' not found.")

    stored = await store.messages(chat.id)
    messages = [MessageOut(role=m.role, content=m.content) for m in stored]
    return ChatHistory(**chat_out(chat).model_dump(), messages=messages)


@router.post(
    "/bots/{bot_id}/chats/{chat_id}",
    dependencies=[limited_all({"llm": 1, "embedding": 1}, bot=asked_bot)],
    response_model=ChatAnswer,
    responses={200: {"content": {"text/event-stream": {}}}, **LIMITED, **UPSTREAM},
)
async def ask(
    bot: OwnedBot,
    chat: BotChat,
    body: Query,
    request: Request,
    store: StoreDep,
    providers: ProvidersDep,
) -> ChatAnswer | StreamingResponse:
    """Answer a query; with ``"stream": true``, as server-sent events.

    The stream sends ``data: {"delta": "..."}`` events, then one
    ``event: done`` with the sources, or ``event: error`` when the model
    fails midway.
    """
    history = await store.messages(chat.id)
    [query_vector] = await providers.embeddings.embed([body.query])
    passages = best_passages(query_vector, await store.chunks(bot.id))
    question = ChatRequest(
        query=body.query,
        system_prompt=bot.system_prompt,
        history=history[-HISTORY_TURNS:],
        passages=passages,
    )

    if body.stream:
        headers = rate_limit_headers(request)
        return await _stream(question, chat, store, providers, headers)

    answer = await providers.chat.complete(question)
    await _remember(store, chat, body.query, answer)
    return ChatAnswer(chat_id=chat.id, answer=answer, sources=_sources(passages))


async def _stream(
    question: ChatRequest,
    chat: Chat,
    store: Store,
    providers: Providers,
    headers: dict[str, str],
) -> StreamingResponse:
    pieces = aiter(providers.chat.stream(question))

    # Wait for the first piece before answering 200: an upstream that fails
    # at once still gets its 502 or 504, not a stream that ends in error.
    first = await anext(pieces, "")
    events = _events(first, pieces, question, chat, store)
    # No caching, and no buffering by a proxy such as nginx: pieces must flow.
    headers = {**headers, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


async def _events(
    first: str,
    pieces: AsyncIterator[str],
    question: ChatRequest,
    chat: Chat,
    store: Store,
) -> AsyncIterator[str]:
    answer = [first]
    if first:
        yield _event({"delta": first})
    try:
        async for piece in pieces:
            answer.append(piece)
            yield _event({"delta": piece})
    except ProviderError as error:
        yield _event({"detail": str(error)}, name="error")
        return

    await _remember(store, chat, question.query, "".join(answer))
    sources = [source.model_dump() for source in _sources(question.passages)]
    yield _event({"chat_id": chat.id, "sources": sources}, name="done")


def _event(data: dict, *, name: str = "") -> str:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data)}\n\n"


async def _remember(store: Store, chat: Chat, query: str, answer: str) -> None:
    turns = [Message("user", query), Message("assistant", answer)]
    await store.add_messages(chat.id, turns)


def _sources(passages: Sequence[Passage]) -> list[Source]:
    return [
        Source(document_id=p.document_id, name=p.document_name, score=round(p.score, 4))
        for p in passages
    ]
