"""Bodies are checked strictly, and a 422 quotes little of them back."""

import pytest

from longtrainer.server.errors import MAX_ECHO

from .helpers import new_bot, new_chat


@pytest.mark.parametrize(
    "body", [{"query": "  \n\t "}, {"query": "x", "stream": "yes"}]
)
async def test_bad_questions_are_422_and_spend_nothing(acme, body):
    bot_id = await new_bot(acme)
    chat_id = await new_chat(acme, bot_id)

    response = await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=body)
    budget = (await acme.get("/rate-limits")).json()

    assert response.status_code == 422
    spent = {r["resource"]: r["tokens"] < r["burst"] for r in budget["resources"]}
    assert not spent["llm"]
    assert not spent["embedding"]


async def test_a_422_quotes_at_most_max_echo_characters(acme):
    bot_id = await new_bot(acme)
    big = "x" * 100_000

    missing = await acme.post("/bots", json={"name": 5, "system_prompt": big})
    malformed = await acme.post(
        f"/bots/{bot_id}/documents",
        content=b'{"text": "' + big.encode(),
        headers={"content-type": "application/json"},
    )

    for response in (missing, malformed):
        assert response.status_code == 422
        assert len(response.text) < 3 * MAX_ECHO + 500


async def test_a_cut_string_is_quoted_as_itself(acme):
    response = await acme.post("/bots", json={"name": "y" * 1000})

    [fault] = response.json()["detail"]
    assert fault["input"] == "y" * MAX_ECHO + "...(cut)"
