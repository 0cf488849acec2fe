"""The limiter at the HTTP surface: 429, Retry-After, RateLimit headers.

Timelines run on the fake clock: advancing it stands in for waiting.
"""

import pytest

from .helpers import client_for, new_bot, new_chat

ASK = {"query": "anything"}


@pytest.fixture
def app(make_app):
    # One LLM call per second, no burst: the second call in a row is refused.
    return make_app(llm_rpm=60, llm_burst=1)


async def test_refusal_is_429_with_retry_after_and_the_errors_text(acme):
    bot_id = await new_bot(acme)
    chat_id = await new_chat(acme, bot_id)

    admitted = await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)
    refused = await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)

    assert admitted.status_code == 200
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert refused.json() == {
        "detail": f"Bot '{bot_id}' rate limit exceeded for llm_calls. Retry after 1.0s."
    }
    assert refused.headers["RateLimit-Policy"] == (
        '"llm-tenant";q=1;w=1, "llm-bot";q=1;w=1'
    )
    assert refused.headers["RateLimit"] == '"llm-tenant";r=0;t=1, "llm-bot";r=0;t=1'


async def test_retry_after_retry_after_succeeds(acme, clock):
    bot_id = await new_bot(acme)
    chat_id = await new_chat(acme, bot_id)
    await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)

    clock.advance(0.5)
    refused = await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"  # 0.5 s, rounded up

    clock.advance(int(refused.headers["Retry-After"]))
    retried = await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)
    assert retried.status_code == 200


async def test_retry_after_is_whole_seconds_rounded_up(make_app, clock):
    app = make_app(llm_rpm=6, llm_burst=1)  # one token per 10 s
    async with client_for(app, "key-acme-1") as acme:
        bot_id = await new_bot(acme)
        chat_id = await new_chat(acme, bot_id)
        await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)
        clock.advance(0.25)
        refused = await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)

    assert refused.headers["Retry-After"] == "10"  # 9.75 s
    assert refused.json()["detail"].endswith("Retry after 9.8s.")


async def test_a_throttled_tenant_leaves_others_untouched(acme, globex):
    acme_bot = await new_bot(acme)
    acme_chat = await new_chat(acme, acme_bot)
    globex_bot = await new_bot(globex)
    globex_chat = await new_chat(globex, globex_bot)

    await acme.post(f"/bots/{acme_bot}/chats/{acme_chat}", json=ASK)
    throttled = await acme.post(f"/bots/{acme_bot}/chats/{acme_chat}", json=ASK)
    served = await globex.post(f"/bots/{globex_bot}/chats/{globex_chat}", json=ASK)

    assert throttled.status_code == 429
    assert served.status_code == 200


async def test_bots_of_a_tenant_share_its_ceiling(make_app, clock):
    app = make_app(tool_rpm=60, tool_burst=2)
    async with client_for(app, "key-acme-1") as acme:
        first, second = await new_bot(acme), await new_bot(acme)
        spent = await acme.post(f"/bots/{first}/tools/utc_now", json={})
        # The newcomer gets only what the tenant has spare: nothing yet.
        refused = await acme.post(f"/bots/{second}/tools/utc_now", json={})
        clock.advance(int(refused.headers["Retry-After"]))
        retried = await acme.post(f"/bots/{second}/tools/utc_now", json={})

    assert (spent.status_code, refused.status_code) == (200, 429)
    assert retried.status_code == 200
    assert '"tool-bot";q=1;' in refused.headers["RateLimit-Policy"]


async def test_success_carries_ratelimit_headers_per_layer(acme):
    bot_id = await new_bot(acme)
    response = await acme.post(f"/bots/{bot_id}/tools/utc_now", json={})

    assert response.status_code == 200
    assert response.headers["RateLimit-Policy"] == (
        '"tool-tenant";q=30;w=60, "tool-bot";q=30;w=60'
    )
    assert response.headers["RateLimit"] == (
        '"tool-tenant";r=29;t=2, "tool-bot";r=29;t=2'
    )


async def test_embeddings_cost_one_token_per_input(acme):
    bot_id = await new_bot(acme)
    response = await acme.post(
        f"/bots/{bot_id}/embeddings", json={"input": ["a", "b", "c"]}
    )

    assert response.status_code == 200
    assert [item["index"] for item in response.json()["data"]] == [0, 1, 2]
    assert '"embedding-tenant";r=117;' in response.headers["RateLimit"]


async def test_a_cost_above_the_burst_is_413(make_app):
    app = make_app(embedding_rpm=60, embedding_burst=2)
    async with client_for(app, "key-acme-1") as acme:
        bot_id = await new_bot(acme)
        response = await acme.post(
            f"/bots/{bot_id}/embeddings", json={"input": ["a", "b", "c"]}
        )

    assert response.status_code == 413
    assert "exceeds" in response.json()["detail"]


async def test_a_request_refused_before_the_limiter_costs_nothing(acme):
    bot_id = await new_bot(acme)
    chat_id = await new_chat(acme, bot_id)
    other_chat = await new_chat(acme, await new_bot(acme))

    refused = [
        await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json={"qeury": "x"}),
        await acme.post(f"/bots/{bot_id}/chats/{other_chat}", json=ASK),
        await acme.post(f"/bots/{bot_id}/tools/calculator", json={"arguments": 3}),
        await acme.post(f"/bots/{bot_id}/tools/shell", json={}),
        await acme.post(f"/bots/{bot_id}/documents", json={"text": " "}),
        await acme.post(
            f"/bots/{bot_id}/documents", files={"file": ("a.pdf", b"%PDF")}
        ),
    ]

    assert [r.status_code for r in refused] == [422, 404, 422, 404, 422, 415]
    limits = (await acme.get("/rate-limits")).json()["resources"]
    assert all(r["tokens"] == r["burst"] for r in limits)
    assert all(not r["active_bots"] for r in limits)


async def test_disabled_limits_admit_everything_without_headers(make_app):
    app = make_app(enabled=False, llm_rpm=60, llm_burst=1)
    async with client_for(app, "key-acme-1") as acme:
        bot_id = await new_bot(acme)
        chat_id = await new_chat(acme, bot_id)
        answers = [
            await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)
            for _ in range(5)
        ]

    assert {answer.status_code for answer in answers} == {200}
    assert "RateLimit" not in answers[-1].headers


async def test_rate_limits_shows_the_callers_budget(acme, globex):
    bot_id = await new_bot(acme)
    await acme.post(f"/bots/{bot_id}/tools/utc_now", json={})

    mine = (await acme.get("/rate-limits")).json()
    theirs = (await globex.get("/rate-limits")).json()

    tool = next(r for r in mine["resources"] if r["resource"] == "tool")
    assert mine["tenant_id"] == "acme"
    assert (tool["label"], tool["rpm"], tool["burst"]) == ("tool_calls", 30, 30)
    assert tool["tokens"] == 29
    assert [b["bot_id"] for b in tool["active_bots"]] == [bot_id]
    assert all(not r["active_bots"] for r in theirs["resources"])


async def test_metrics_count_admitted_and_refused_calls(acme):
    bot_id = await new_bot(acme)
    chat_id = await new_chat(acme, bot_id)
    for _ in range(3):
        await acme.post(f"/bots/{bot_id}/chats/{chat_id}", json=ASK)

    text = (await acme.get("/metrics")).text

    assert 'longtrainer_admitted_total{tenant="acme",resource="llm"} 1' in text
    assert (
        'longtrainer_refused_total{tenant="acme",resource="llm",layer="bot"} 2' in text
    )
    assert 'longtrainer_wait_seconds_count{resource="llm"} 1' in text
