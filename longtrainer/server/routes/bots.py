"""Bots: each belongs to the tenant whose key created it."""

from typing import Annotated

from fastapi import APIRouter, Body, Response, status

from ..schemas import BotCreate, BotDetail, BotOut
from ..store import Bot
from ._answers import KEYED, OWNED
from ._shared import OwnedBot, StoreDep, Tenant
from .documents import document_out

router = APIRouter(tags=["bots"], responses=KEYED)


def bot_out(bot: Bot) -> BotOut:
    return BotOut(
        bot_id=bot.id,
        name=bot.name,
        system_prompt=bot.system_prompt,
        created_at=bot.created_at,
    )


@router.post("/bots", status_code=status.HTTP_201_CREATED)
async def create_bot(
    tenant_id: Tenant,
    store: StoreDep,
    body: Annotated[BotCreate | None, Body()] = None,
) -> BotOut:
    """Create a bot; name and system prompt are optional."""
    body = body or BotCreate()
    bot = await store.create_bot(tenant_id, body.name, body.system_prompt)
    return bot_out(bot)


@router.get("/bots")
async def list_bots(tenant_id: Tenant, store: StoreDep) -> list[BotOut]:
    """The caller's bots, oldest first."""
    return [bot_out(bot) for bot in await store.list_bots(tenant_id)]


@router.get("/bots/{bot_id}", responses=OWNED)
async def get_bot(bot: OwnedBot, store: StoreDep) -> BotDetail:
    """A bot with its documents."""
    documents = [document_out(d) for d in await store.list_documents(bot.id)]
    return BotDetail(**bot_out(bot).model_dump(), documents=documents)


@router.delete(
    "/bots/{bot_id}", status_code=status.HTTP_204_NO_CONTENT, responses=OWNED
)
async def delete_bot(bot: OwnedBot, store: StoreDep) -> Response:
    """Delete a bot with its documents and chats."""
    await store.delete_bot(bot.tenant_id, bot.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
