"""Build the providers ``server.provider`` asks for."""

import os
from collections.abc import Mapping

import httpx

from ..models import (
    ExtractiveResponder,
    HashedEmbeddings,
    OpenAICompatible,
    Providers,
    builtin_tools,
)
from .settings import ProviderSettings


def build_providers(
    settings: ProviderSettings,
    *,
    environ: Mapping[str, str] = os.environ,
) -> Providers:
    """Offline providers for ``local``; an HTTP client for ``openai``.

    With ``openai`` and no ``embedding_model``, embeddings stay local.
    """
    if settings.kind == "local":
        return Providers(ExtractiveResponder(), HashedEmbeddings(), builtin_tools())

    headers = {}
    key = environ.get(settings.api_key_env)
    if key:
        headers["Authorization"] = f"Bearer {key}"
    client = httpx.AsyncClient(
        base_url=settings.base_url.rstrip("/") + "/",
        headers=headers,
        timeout=settings.timeout,
    )

    remote = OpenAICompatible(
        client, model=settings.model, embedding_model=settings.embedding_model
    )
    embeddings = remote if settings.embedding_model else HashedEmbeddings()
    return Providers(remote, embeddings, builtin_tools())
