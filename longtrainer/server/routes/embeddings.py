"""Embeddings on a bot's budget: one ``embedding`` token per input."""

from fastapi import APIRouter

from ..schemas import Embedding, EmbeddingRequest, EmbeddingResponse
from ._answers import LIMITED, UPSTREAM
from ._shared import OwnedBot, ProvidersDep, Spend

router = APIRouter(tags=["embeddings"])


@router.post("/bots/{bot_id}/embeddings", responses={**LIMITED, **UPSTREAM})
async def embed(
    bot: OwnedBot,
    body: EmbeddingRequest,
    spend: Spend,
    providers: ProvidersDep,
) -> EmbeddingResponse:
    """Embed ``input``; the call costs as many tokens as there are inputs."""
    # Taken here, not in a dependency: the cost is known once the body is.
    await spend("embedding", cost=len(body.input))
    vectors = await providers.embeddings.embed(body.input)
    data = [Embedding(index=i, embedding=v) for i, v in enumerate(vectors)]
    return EmbeddingResponse(data=data)
