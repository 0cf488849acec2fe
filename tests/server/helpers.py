"""Helpers shared by the server tests."""

import json

import httpx
from fastapi import FastAPI

ACME_KEY = "key-acme-1"
GLOBEX_KEY = "key-globex-1"
KEYS = {ACME_KEY: "acme", GLOBEX_KEY: "globex"}


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def client_for(app: FastAPI, key: str | None) -> httpx.AsyncClient:
    """An in-process client sending ``key`` as X-API-Key (none when None)."""
    headers = {"X-API-Key": key} if key else {}
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    )


async def new_bot(client: httpx.AsyncClient, **body) -> str:
    response = await client.post("/bots", json=body)
    assert response.status_code == 201, response.text
    return response.json()["bot_id"]


async def new_chat(client: httpx.AsyncClient, bot_id: str) -> str:
    response = await client.post(f"/bots/{bot_id}/chats")
    assert response.status_code == 201, response.text
    return response.json()["chat_id"]


async def add_text(client: httpx.AsyncClient, bot_id: str, text: str, name="doc.md"):
    body = {"text": text, "name": name}
    response = await client.post(f"/bots/{bot_id}/documents", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def parse_events(text: str) -> list[tuple[str, dict]]:
    """Server-sent events as (name, data) pairs; unnamed events are 'message'."""
    events = []
    for block in text.strip().split("\n\n"):
        name, data = "message", ""
        for line in block.splitlines():
            field, _, value = line.partition(": ")
            if field == "event":
                name = value
            elif field == "data":
                data = value
        events.append((name, json.loads(data)))
    return events
