"""Tenants by API key: 401 without a valid key, 404 for another tenant's bot."""

from longtrainer.server.auth import KeyRing

from .helpers import ACME_KEY, add_text, client_for, new_bot, new_chat


async def test_health_needs_no_key(app):
    async with client_for(app, None) as anonymous:
        response = await anonymous.get("/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_missing_key_is_401(app):
    async with client_for(app, None) as anonymous:
        response = await anonymous.get("/bots")

    assert response.status_code == 401
    assert "X-API-Key" in response.json()["detail"]


async def test_unknown_key_is_401(app):
    async with client_for(app, "key-acme-2") as stranger:
        response = await stranger.post("/bots", json={})

    assert response.status_code == 401


async def test_another_tenants_bot_looks_like_no_bot(acme, globex):
    bot_id = await new_bot(acme, name="acme private")
    await add_text(acme, bot_id, "Acme secrets live here.")
    chat_id = await new_chat(acme, bot_id)

    paths = [
        ("GET", f"/bots/{bot_id}"),
        ("DELETE", f"/bots/{bot_id}"),
        ("POST", f"/bots/{bot_id}/chats"),
        ("GET", f"/bots/{bot_id}/chats"),
        ("GET", f"/chats/{chat_id}"),
    ]
    for method, path in paths:
        response = await globex.request(method, path)
        assert response.status_code == 404, path

    missing = (await globex.get("/bots/bot-nope")).json()["detail"]
    stolen = (await globex.get(f"/bots/{bot_id}")).json()["detail"]
    assert missing.replace("bot-nope", bot_id) == stolen
    assert (await globex.get("/bots")).json() == []
    assert (await acme.get(f"/bots/{bot_id}")).status_code == 200


async def test_another_tenants_bot_spends_nothing(acme, globex):
    bot_id = await new_bot(acme)
    response = await globex.post(
        f"/bots/{bot_id}/embeddings", json={"input": ["a", "b"]}
    )
    assert response.status_code == 404

    limits = (await globex.get("/rate-limits")).json()
    assert all(not r["active_bots"] for r in limits["resources"])


async def test_without_keys_everyone_is_the_default_tenant(make_app):
    app = make_app(api_keys={})
    async with client_for(app, None) as anonymous:
        bot_id = await new_bot(anonymous)
        limits = (await anonymous.get("/rate-limits")).json()
    async with client_for(app, "anything") as other:
        seen = [bot["bot_id"] for bot in (await other.get("/bots")).json()]

    assert limits["tenant_id"] == "default"
    assert seen == [bot_id]


def test_key_ring_never_shows_its_keys():
    ring = KeyRing({ACME_KEY: "acme", "key-acme-2": "acme"})

    assert ring.tenant_of(ACME_KEY) == "acme"
    assert ring.tenant_of("key-acme") is None
    assert ring.tenant_of(None) is None
    assert ACME_KEY not in repr(ring)
    assert repr(ring) == "KeyRing(2 keys, 1 tenants)"
