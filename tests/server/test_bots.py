"""Bots: create, list, read, delete; bad bodies are 422."""

from .helpers import new_bot


async def test_bot_lifecycle(acme):
    created = await acme.post(
        "/bots", json={"name": "support", "system_prompt": "Be brief."}
    )
    assert created.status_code == 201
    bot = created.json()
    assert bot["name"] == "support"
    assert bot["system_prompt"] == "Be brief."

    listed = (await acme.get("/bots")).json()
    assert [b["bot_id"] for b in listed] == [bot["bot_id"]]

    detail = (await acme.get(f"/bots/{bot['bot_id']}")).json()
    assert detail["documents"] == []

    deleted = await acme.delete(f"/bots/{bot['bot_id']}")
    assert deleted.status_code == 204
    assert (await acme.get(f"/bots/{bot['bot_id']}")).status_code == 404
    assert (await acme.get("/bots")).json() == []


async def test_create_bot_without_body(acme):
    response = await acme.post("/bots")

    assert response.status_code == 201
    assert response.json()["name"] == ""


async def test_unknown_bot_is_404(acme):
    response = await acme.get("/bots/bot-0000")

    assert response.status_code == 404
    assert response.json() == {"detail": "Bot 'bot-0000' not found."}


async def test_malformed_json_is_422(acme):
    bot_id = await new_bot(acme)
    headers = {"content-type": "application/json"}

    broken = await acme.post("/bots", content=b'{"name": ', headers=headers)
    wrong_type = await acme.post("/bots", json={"name": 42})
    unknown_field = await acme.post("/bots", json={"nmae": "typo"})
    no_query = await acme.post(f"/bots/{bot_id}/embeddings", json={"inputs": []})

    for response in (broken, wrong_type, unknown_field, no_query):
        assert response.status_code == 422, response.text
        assert response.json()["detail"]


async def test_openapi_documents_every_route(acme):
    schema = (await acme.get("/openapi.json")).json()

    assert set(schema["paths"]) >= {
        "/health",
        "/bots",
        "/bots/{bot_id}",
        "/bots/{bot_id}/documents",
        "/bots/{bot_id}/chats",
        "/chats/{chat_id}",
        "/bots/{bot_id}/chats/{chat_id}",
        "/bots/{bot_id}/embeddings",
        "/bots/{bot_id}/tools/{name}",
        "/rate-limits",
        "/metrics",
    }
    upload = schema["paths"]["/bots/{bot_id}/documents"]["post"]["requestBody"]
    assert set(upload["content"]) == {"application/json", "multipart/form-data"}


async def test_openapi_documents_the_429_and_its_headers(acme):
    schema = (await acme.get("/openapi.json")).json()

    ask = schema["paths"]["/bots/{bot_id}/chats/{chat_id}"]["post"]["responses"]
    assert {"401", "404", "429", "502", "504"} <= set(ask)
    assert set(ask["429"]["headers"]) == {
        "Retry-After",
        "RateLimit-Policy",
        "RateLimit",
    }
