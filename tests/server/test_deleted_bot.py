"""A bot deleted while it answers or ingests: 404 or ``event: error``, no 500."""

import asyncio

from longtrainer.models import HashedEmbeddings, Providers, builtin_tools

from .helpers import ACME_KEY, client_for, new_bot, new_chat, parse_events


class HeldResponder:
    """Answers only once ``go`` is set, after telling ``started``."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.go = asyncio.Event()

    async def complete(self, request):
        self.started.set()
        await self.go.wait()
        return "an answer"

    async def stream(self, request):
        yield "an "
        self.started.set()
        await self.go.wait()
        yield "answer"


class HeldEmbeddings(HashedEmbeddings):
    """Embeds a document's chunks only once ``go`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()
        self.go = asyncio.Event()

    async def embed(self, texts):
        self.started.set()
        await self.go.wait()
        return await super().embed(texts)


async def delete_meanwhile(app, held, bot_id, request):
    """Run ``request``, delete the bot once ``held`` started, then let it go."""
    async with client_for(app, ACME_KEY) as acme:
        task = asyncio.create_task(request(acme))
        await asyncio.wait_for(held.started.wait(), 5)
        assert (await acme.delete(f"/bots/{bot_id}")).status_code == 204
        held.go.set()
        return await asyncio.wait_for(task, 5)


async def test_answer_for_a_deleted_bot_is_404(make_app):
    held = HeldResponder()
    app = make_app(providers=Providers(held, HashedEmbeddings(), builtin_tools()))
    async with client_for(app, ACME_KEY) as acme:
        bot_id = await new_bot(acme)
        chat_id = await new_chat(acme, bot_id)

    async def ask(client):
        return await client.post(f"/bots/{bot_id}/chats/{chat_id}", json={"query": "q"})

    response = await delete_meanwhile(app, held, bot_id, ask)

    assert response.status_code == 404
    assert response.json()["detail"].startswith(f"Bot '{bot_id}' was deleted")


async def test_stream_for_a_deleted_bot_ends_in_an_error_event(make_app):
    held = HeldResponder()
    app = make_app(providers=Providers(held, HashedEmbeddings(), builtin_tools()))
    async with client_for(app, ACME_KEY) as acme:
        bot_id = await new_bot(acme)
        chat_id = await new_chat(acme, bot_id)

    async def ask(client):
        body = {"query": "q", "stream": True}
        return await client.post(f"/bots/{bot_id}/chats/{chat_id}", json=body)

    response = await delete_meanwhile(app, held, bot_id, ask)

    name, data = parse_events(response.text)[-1]
    assert name == "error"
    assert data["detail"].startswith(f"Bot '{bot_id}' was deleted")


async def test_document_for_a_deleted_bot_is_404(make_app):
    held = HeldEmbeddings()
    app = make_app(providers=Providers(HeldResponder(), held, builtin_tools()))
    async with client_for(app, ACME_KEY) as acme:
        bot_id = await new_bot(acme)

    async def add(client):
        body = {"text": "Some text to keep.", "name": "a.md"}
        return await client.post(f"/bots/{bot_id}/documents", json=body)

    response = await delete_meanwhile(app, held, bot_id, add)

    assert response.status_code == 404
    assert "was deleted" in response.json()["detail"]
