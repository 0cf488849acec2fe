"""The REST API, one router per kind of thing."""

from . import bots, chats, documents, embeddings, health, limits, tools

ROUTERS = (
    health.router,
    bots.router,
    documents.router,
    chats.router,
    embeddings.router,
    tools.router,
    limits.router,
)
