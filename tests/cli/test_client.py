"""The API client: the same calls in-process and over HTTP, errors as a tree."""

import re
import socket

import httpx
import pytest

from longtrainer.client import (
    ApiClient,
    ApiError,
    ClientError,
    RateLimited,
    ServerUnreachable,
)
from longtrainer.rate_limiter import RateLimitConfig
from longtrainer.server.settings import ServerSettings, Settings


def settings(tmp_path, **limits) -> Settings:
    config = RateLimitConfig.from_mapping({"enabled": True, **limits})
    return Settings(ServerSettings(data_dir=tmp_path / "data"), config)


def test_a_refusal_is_read_from_the_limiter_text():
    bot = RateLimited(
        "Bot 'b-1' rate limit exceeded for llm_calls. Retry after 1.6s.", 2
    )
    tenant = RateLimited(
        "Tenant 'acme' rate limit exceeded for ingestion_ops. Retry after 9.0s.", 9
    )
    other = RateLimited("slow down", 3)

    assert (bot.layer, bot.label, bot.retry_after) == ("bot", "llm_calls", 2)
    assert (tenant.layer, tenant.label) == ("tenant", "ingestion_ops")
    assert (other.layer, other.label, other.status) == ("", "", 429)


async def test_in_process_calls_go_through_the_routes_as_the_tenant(tmp_path):
    async with ApiClient.in_process(settings(tmp_path), "acme") as client:
        bot = await client.create_bot("support")
        await client.add_document(bot["bot_id"], "faq.md", "Parking is free.")
        chat_id = await client.create_chat(bot["bot_id"])
        answer = await client.ask(bot["bot_id"], chat_id, "parking")
        listed = await client.list_bots()

    assert "Parking is free" in answer.text
    assert answer.sources == ["faq.md"]
    assert [b["bot_id"] for b in listed] == [bot["bot_id"]]


async def test_tenants_do_not_see_each_others_bots(tmp_path):
    async with ApiClient.in_process(settings(tmp_path), "acme") as acme:
        bot_id = (await acme.create_bot())["bot_id"]
    async with ApiClient.in_process(settings(tmp_path), "globex") as globex:
        bots = await globex.list_bots()
        with pytest.raises(ApiError) as missing:
            await globex.delete_bot(bot_id)

    assert bots == []
    assert missing.value.status == 404
    assert f"Bot '{bot_id}' not found." in str(missing.value)


async def test_a_429_carries_retry_after_and_the_layer(tmp_path):
    async with ApiClient.in_process(settings(tmp_path, llm_rpm=6, llm_burst=1)) as c:
        bot_id = (await c.create_bot())["bot_id"]
        chat_id = await c.create_chat(bot_id)
        await c.ask(bot_id, chat_id, "first")
        with pytest.raises(RateLimited) as refused:
            await c.ask(bot_id, chat_id, "second")

    assert refused.value.retry_after == 10
    assert (refused.value.layer, refused.value.label) == ("bot", "llm_calls")


def test_a_bad_tenant_id_is_refused_before_any_request(tmp_path):
    with pytest.raises(ClientError, match="invalid tenant id 'a b'"):
        ApiClient.in_process(settings(tmp_path), "a b")


async def test_a_server_that_is_down_is_unreachable():
    # A port just bound and released on loopback: nothing listens there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async with ApiClient.remote(f"http://127.0.0.1:{port}", "key") as client:
        with pytest.raises(ServerUnreachable, match=f"127.0.0.1:{port}"):
            await client.list_bots()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (502, "bad gateway from a proxy", "bad gateway from a proxy (HTTP 502)"),
        (200, "<html>a web page</html>", "not a JSON answer from http://mock/bots"),
        (422, '{"detail": [{"msg": "Field required"}]}', "Field required (HTTP 422)"),
        (400, '{"detail": ["odd"]}', "['odd'] (HTTP 400)"),
    ],
)
async def test_answers_not_from_the_api_are_api_errors(status, body, message):
    # Something else answers at the URL: a proxy's error page, a web site.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text=body)

    transport = httpx.MockTransport(answer)
    http = httpx.AsyncClient(transport=transport, base_url="http://mock")
    async with ApiClient(http) as client:
        with pytest.raises(ApiError, match=re.escape(message)):
            await client.list_bots()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("localhost:8000", "not an http:// or https:// URL"),
        ("http://[::1", "not a valid URL"),
    ],
)
def test_a_server_url_is_checked_before_any_request(url, message):
    with pytest.raises(ClientError, match=re.escape(message)):
        ApiClient.remote(url, "key")


def test_public_names_are_sorted_and_importable():
    import longtrainer.client as public

    assert public.__all__ == sorted(public.__all__)
    assert all(hasattr(public, name) for name in public.__all__)
