"""Documents in, answers out: the offline extractive responder end to end."""

import pytest

from .helpers import add_text, client_for, new_bot, new_chat, parse_events

POLICY = """Refunds are possible within 30 days of purchase, with the receipt.

Shipping to Europe takes five business days; express takes two."""


async def test_chat_answers_from_the_bots_documents(acme):
    bot_id = await new_bot(acme)
    await add_text(acme, bot_id, POLICY, name="policy.md")
    chat_id = await new_chat(acme, bot_id)

    response = await acme.post(
        f"/bots/{bot_id}/chats/{chat_id}", json={"query": "How long is shipping?"}
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["chat_id"] == chat_id
    assert "five business days" in answer["answer"]
    assert [source["name"] for source in answer["sources"]] == ["policy.md"]


async def test_chat_says_so_when_nothing_matches(acme):
    bot_id = await new_bot(acme)
    chat_id = await new_chat(acme, bot_id)

    response = await acme.post(
        f"/bots/{bot_id}/chats/{chat_id}", json={"query": "What is the weather?"}
    )

    assert response.json()["sources"] == []
    assert "found nothing" in response.json()["answer"]


async def test_chat_history_keeps_both_turns(acme):
    bot_id = await new_bot(acme)
    await add_text(acme, bot_id, POLICY)
    chat_id = await new_chat(acme, bot_id)
    await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json={"query": "refunds?"})

    history = (await acme.get(f"/chats/{chat_id}")).json()
    chats = (await acme.get(f"/bots/{bot_id}/chats")).json()

    assert [m["role"] for m in history["messages"]] == ["user", "assistant"]
    assert history["messages"][0]["content"] == "refunds?"
    assert "30 days" in history["messages"][1]["content"]
    assert [chat["chat_id"] for chat in chats] == [chat_id]


async def test_streaming_sends_deltas_then_done(acme):
    bot_id = await new_bot(acme)
    await add_text(acme, bot_id, POLICY, name="policy.md")
    chat_id = await new_chat(acme, bot_id)

    response = await acme.post(
        f"/bots/{bot_id}/chats/{chat_id}",
        json={"query": "refund receipt", "stream": True},
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert '"llm-bot"' in response.headers["RateLimit"]
    events = parse_events(response.text)
    deltas = "".join(data["delta"] for name, data in events if name == "message")
    assert "30 days of purchase" in deltas
    assert events[-1][0] == "done"
    assert events[-1][1]["sources"][0]["name"] == "policy.md"

    history = (await acme.get(f"/chats/{chat_id}")).json()["messages"]
    assert history[1]["content"] == deltas


async def test_a_chat_of_another_bot_is_404_and_costs_nothing(acme):
    first, second = await new_bot(acme), await new_bot(acme)
    chat_id = await new_chat(acme, first)

    response = await acme.post(f"/bots/{second}/chats/{chat_id}", json={"query": "x"})

    assert response.status_code == 404
    assert "RateLimit" not in response.headers


async def test_upload_of_a_markdown_file(acme):
    bot_id = await new_bot(acme)
    files = {"file": ("notes.md", b"# Notes\n\nThe office opens at nine.")}

    response = await acme.post(f"/bots/{bot_id}/documents", files=files)

    assert response.status_code == 201
    assert response.json()["name"] == "notes.md"
    detail = (await acme.get(f"/bots/{bot_id}")).json()
    assert [d["name"] for d in detail["documents"]] == ["notes.md"]


@pytest.mark.parametrize(
    ("files", "status"),
    [
        ({"file": ("report.pdf", b"%PDF-1.7")}, 415),
        ({"file": ("latin.txt", "café".encode("latin-1"))}, 422),
        ({"other": ("notes.txt", b"text")}, 422),
    ],
)
async def test_bad_uploads_are_refused(acme, files, status):
    bot_id = await new_bot(acme)

    response = await acme.post(f"/bots/{bot_id}/documents", files=files)

    assert response.status_code == status, response.text


async def test_bad_documents_are_refused(make_app):
    app = make_app(server={"max_document_bytes": 100})
    async with client_for(app, "key-acme-1") as acme:
        bot_id = await new_bot(acme)
        url = f"/bots/{bot_id}/documents"
        blank = await acme.post(url, json={"text": "   \n\n  "})
        empty = await acme.post(url, json={"text": ""})
        huge = await acme.post(url, json={"text": "x" * 200})
        huge_file = await acme.post(url, files={"file": ("big.txt", b"x" * 200)})
        plain = await acme.post(
            url, content=b"text", headers={"content-type": "text/plain"}
        )

    assert (blank.status_code, empty.status_code) == (422, 422)
    assert (huge.status_code, huge_file.status_code) == (413, 413)
    assert plain.status_code == 415


async def test_a_document_costs_ingestion_and_one_embedding_per_chunk(acme):
    bot_id = await new_bot(acme)
    paragraphs = "\n\n".join(f"Paragraph {i}. " + "word " * 150 for i in range(4))

    document = await add_text(acme, bot_id, paragraphs)

    limits = (await acme.get("/rate-limits")).json()["resources"]
    tokens = {r["resource"]: r["tokens"] for r in limits}
    assert document["chunks"] == 4
    assert tokens["ingestion"] == 9
    assert tokens["embedding"] == 116
