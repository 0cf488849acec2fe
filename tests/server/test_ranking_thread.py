"""Ranking passages runs off the event loop: other requests are served."""

import asyncio
import threading

from longtrainer.server.routes import chats

from .helpers import add_text, new_bot, new_chat


async def test_ranking_does_not_hold_the_event_loop(acme, monkeypatch):
    started, released = threading.Event(), threading.Event()
    outcome = {}
    rank = chats.best_passages

    def held_rank(*args, **kwargs):
        # Blocks whatever runs it until the test, on the loop, lets it go.
        started.set()
        outcome["released"] = released.wait(2)
        return rank(*args, **kwargs)

    monkeypatch.setattr(chats, "best_passages", held_rank)
    bot_id = await new_bot(acme)
    await add_text(acme, bot_id, "Shipping takes three days.")
    chat_id = await new_chat(acme, bot_id)

    path = f"/bots/{bot_id}/chats/{chat_id}"
    asking = asyncio.create_task(acme.post(path, json={"query": "shipping"}))
    while not started.is_set():
        await asyncio.sleep(0.01)
    health = await acme.get("/health")
    released.set()
    answer = await asking

    assert health.status_code == 200
    assert outcome["released"]
    assert answer.status_code == 200
    assert "three days" in answer.json()["answer"]
