"""Embeddings on a bot's budget: one ``embedding`` token per input."""

from typing import Annotated

from fastapi import APIRouter, Depends

from ..schemas import Embedding, EmbeddingRequest, EmbeddingResponse
from ._answers import LIMITED, UPSTREAM
from ._shared import ProvidersDep, limited

router = APIRouter(tags=["embeddings"])


async def inputs(body: EmbeddingRequest) -> EmbeddingRequest:
    """The validated body, as a dependency the cost can require."""
    return body


Inputs = Annotated[EmbeddingRequest, Depends(inputs)]


async def input_count(body: Inputs) -> int:
    return len(body.input)


@router.post(
    "/bots/{bot_id}/embeddings",
    dependencies=[limited("embedding", cost=input_count)],
    responses={**LIMITED, **UPSTREAM},
)
async def embed(body: Inputs, providers: ProvidersDep) -> EmbeddingResponse:
    """Embed ``input``; the call costs as many tokens as there are inputs."""
    vectors = await providers.embeddings.embed(body.input)
    data = [Embedding(index=i, embedding=v) for i, v in enumerate(vectors)]
    return EmbeddingResponse(data=data)
