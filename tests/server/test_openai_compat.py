"""The OpenAI-compatible provider against a fake upstream on loopback."""

import socket

import pytest

from longtrainer.server.providers import build_providers
from longtrainer.server.settings import ProviderSettings

from .fake_openai import fake_openai_app, serving
from .helpers import add_text, client_for, new_bot, new_chat, parse_events


@pytest.fixture(scope="module")
def upstream():
    seen: list[dict] = []
    with serving(fake_openai_app(seen)) as base_url:
        yield base_url, seen


@pytest.fixture
def seen(upstream):
    _, requests = upstream
    requests.clear()
    return requests


def remote_providers(base_url: str, **overrides):
    settings = ProviderSettings(
        kind="openai",
        base_url=base_url,
        model="fake-chat",
        api_key_env="FAKE_API_KEY",
        timeout=0.5,
        **overrides,
    )
    return build_providers(settings, environ={"FAKE_API_KEY": "sk-test"})


@pytest.fixture
async def remote(make_app, upstream):
    base_url, _ = upstream
    app = make_app(providers=remote_providers(base_url))
    async with client_for(app, "key-acme-1") as client:
        bot_id = await new_bot(client, system_prompt="You sell hats.")
        await add_text(client, bot_id, "Hats cost ten euros.", name="prices.md")
        chat_id = await new_chat(client, bot_id)
        yield client, f"/bots/{bot_id}/chats/{chat_id}"


async def test_answer_comes_from_upstream(remote, seen):
    client, url = remote

    response = await client.post(url, json={"query": "What do hats cost?"})

    assert response.status_code == 200
    assert response.json()["answer"] == "echo: What do hats cost?"
    [call] = seen
    assert call["headers"]["authorization"] == "Bearer sk-test"
    assert call["body"]["model"] == "fake-chat"
    system = call["body"]["messages"][0]
    assert system["role"] == "system"
    assert system["content"].startswith("You sell hats.")
    assert "[prices.md] Hats cost ten euros." in system["content"]


async def test_history_is_sent_with_the_next_query(remote, seen):
    client, url = remote
    await client.post(url, json={"query": "first"})

    await client.post(url, json={"query": "second"})

    messages = seen[-1]["body"]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[2]["content"] == "echo: first"


async def test_streamed_answer_is_relayed(remote):
    client, url = remote

    response = await client.post(url, json={"query": "hats please", "stream": True})

    events = parse_events(response.text)
    deltas = "".join(data["delta"] for name, data in events if name == "message")
    assert deltas == "echo: hats please "
    assert events[-1][0] == "done"


@pytest.mark.parametrize("stream", [False, True])
async def test_upstream_failure_is_502_with_the_reason(remote, stream):
    client, url = remote

    response = await client.post(url, json={"query": "please fail", "stream": stream})

    assert response.status_code == 502
    assert response.json()["detail"] == (
        'upstream answered 500: {"error":"model overloaded"}'
    )


async def test_a_stream_broken_midway_ends_with_an_error_event(remote):
    client, url = remote

    response = await client.post(url, json={"query": "garble", "stream": True})

    events = parse_events(response.text)
    assert response.status_code == 200
    assert events[0] == ("message", {"delta": "echo: "})
    assert events[-1] == (
        "error",
        {"detail": "upstream sent a malformed stream event"},
    )
    chat_id = url.split("/")[-1]
    assert (await client.get(f"/chats/{chat_id}")).json()["messages"] == []


async def test_upstream_timeout_is_504(remote):
    client, url = remote

    response = await client.post(url, json={"query": "be slow"})

    assert response.status_code == 504
    assert "timed out" in response.json()["detail"]


async def test_unreachable_upstream_is_502(make_app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = make_app(providers=remote_providers(f"http://127.0.0.1:{closed_port}/v1"))
    async with client_for(app, "key-acme-1") as client:
        bot_id = await new_bot(client)
        chat_id = await new_chat(client, bot_id)
        response = await client.post(
            f"/bots/{bot_id}/chats/{chat_id}", json={"query": "hello"}
        )

    assert response.status_code == 502
    assert response.json()["detail"].startswith("upstream unreachable")


async def test_remote_embeddings_keep_input_order(make_app, upstream, seen):
    base_url, _ = upstream
    providers = remote_providers(base_url, embedding_model="fake-embed")
    app = make_app(providers=providers)
    async with client_for(app, "key-acme-1") as client:
        bot_id = await new_bot(client)
        response = await client.post(
            f"/bots/{bot_id}/embeddings", json={"input": ["a", "abc"]}
        )

    vectors = [item["embedding"] for item in response.json()["data"]]
    assert vectors == [[1.0, 1.0, 0.0], [3.0, 1.0, 0.0]]
    assert seen[-1]["body"]["model"] == "fake-embed"
