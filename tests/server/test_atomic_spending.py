"""A route that spends several resources takes them all or none: a refusal
of one spends nothing of the others, so Retry-After stays honest."""

from .helpers import ACME_KEY, client_for, new_bot, new_chat

ASK = {"query": "how long does shipping take?"}


def tokens(limits: dict) -> dict[str, float]:
    return {entry["resource"]: entry["tokens"] for entry in limits["resources"]}


async def test_a_chat_refused_for_embedding_spends_no_llm(make_app, clock):
    app = make_app(llm_rpm=6, llm_burst=6, embedding_rpm=60, embedding_burst=1)
    async with client_for(app, ACME_KEY) as acme:
        bot_id = await new_bot(acme)
        chat_id = await new_chat(acme, bot_id)
        await acme.post(f"/bots/{bot_id}/embeddings", json={"input": ["x"]})

        refused = await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)
        assert refused.status_code == 429
        assert "embedding_calls" in refused.json()["detail"]
        assert tokens((await acme.get("/rate-limits")).json())["llm"] == 6

        # Waiting what Retry-After says is enough: nothing else was spent.
        clock.advance(int(refused.headers["Retry-After"]))
        retried = await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)
        assert retried.status_code == 200


async def test_a_document_refused_for_embedding_spends_no_ingestion(make_app):
    app = make_app(ingestion_rpm=6, embedding_rpm=3, embedding_burst=3)
    long_text = "\n\n".join(f"Paragraph {i}. " + "words " * 200 for i in range(8))
    async with client_for(app, ACME_KEY) as acme:
        bot_id = await new_bot(acme)
        before = tokens((await acme.get("/rate-limits")).json())["ingestion"]

        too_big = await acme.post(
            f"/bots/{bot_id}/documents", json={"name": "a.md", "text": long_text}
        )
        assert too_big.status_code == 413
        await acme.post(f"/bots/{bot_id}/embeddings", json={"input": ["a", "b", "c"]})
        refused = await acme.post(
            f"/bots/{bot_id}/documents", json={"name": "b.md", "text": "short"}
        )
        assert refused.status_code == 429

        after = tokens((await acme.get("/rate-limits")).json())["ingestion"]
        assert after == before
        listed = (await acme.get(f"/bots/{bot_id}")).json()
        assert listed.get("documents", []) == []
