"""Dependencies the routes share: the caller's bot, chat, store and budget."""

from collections.abc import Callable, Mapping
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from ...models.base import Providers
from ..auth import current_tenant
from ..dependencies import rate_limit, rate_limit_all
from ..store import Bot, Chat, Store

Tenant = Annotated[str, Depends(current_tenant)]


async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_providers(request: Request) -> Providers:
    return request.app.state.providers


StoreDep = Annotated[Store, Depends(get_store)]
ProvidersDep = Annotated[Providers, Depends(get_providers)]


async def owned_bot(bot_id: str, tenant_id: Tenant, store: StoreDep) -> Bot:
    """The caller's bot; 404 alike when it is missing or another tenant's."""
    bot = await store.get_bot(tenant_id, bot_id)
    if bot is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Bot '{bot_id}' not found.")
    return bot


OwnedBot = Annotated[Bot, Depends(owned_bot)]


async def owned_bot_id(bot: OwnedBot) -> str:
    return bot.id


async def bot_chat(chat_id: str, bot: OwnedBot, store: StoreDep) -> Chat:
    """A chat of the caller's bot, or 404."""
    chat = await store.get_chat(bot.tenant_id, chat_id)
    if chat is None or chat.bot_id != bot.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Chat '{chat_id}' not found.")
    return chat


def limited(
    resource: str,
    *,
    bot: Callable = owned_bot_id,
    cost: float | Callable = 1,
):
    """``rate_limit`` for a bot the caller owns: an unknown bot costs nothing.

    A route passes as ``bot`` a resolver that also requires what must be
    valid before anything is spent (its chat, its body): when that fails,
    FastAPI never calls the limiter, so a 404 or 422 costs no token.
    """
    return Depends(rate_limit(resource, bot=bot, cost=cost))


def limited_all(costs: Mapping[str, float] | Callable, *, bot: Callable):
    """``rate_limit_all`` for a bot the caller owns: all tokens or none."""
    return Depends(rate_limit_all(costs, bot=bot))
