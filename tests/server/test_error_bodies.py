"""Error bodies are ASCII JSON: encodable whatever they quote back."""

import pytest

from .helpers import new_bot, new_chat


def post_raw(client, path, raw):
    headers = {"content-type": "application/json"}
    return client.post(path, content=raw, headers=headers)


async def test_a_lone_surrogate_in_a_bot_name_is_422(acme):
    response = await post_raw(acme, "/bots", b'{"name": "\\ud800"}')

    assert response.status_code == 422
    assert response.content.isascii()
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


async def test_a_lone_surrogate_in_a_query_is_422(acme):
    bot_id = await new_bot(acme)
    chat_id = await new_chat(acme, bot_id)

    path = f"/bots/{bot_id}/chats/{chat_id}"
    response = await post_raw(acme, path, b'{"query": "hi \\ud800"}')

    assert response.status_code == 422


@pytest.mark.parametrize("expression", ["1+\\ud800", "1\\u0000"])
async def test_the_calculator_refuses_unreadable_text(acme, expression):
    bot_id = await new_bot(acme)
    body = '{"arguments": {"expression": "EXPR"}}'.replace("EXPR", expression)

    path = f"/bots/{bot_id}/tools/calculator"
    response = await post_raw(acme, path, body.encode())

    assert response.status_code == 422
    assert "not an arithmetic expression" in response.json()["detail"]
