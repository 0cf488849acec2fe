"""The request gate: no body is read for an unknown caller or above the cap."""

import json

from longtrainer.server.gate import body_cap

from .helpers import ACME_KEY, client_for, new_bot

CHUNK = 64 * 1024


async def call(app, path, headers, *, chunks, head=b""):
    """Send ``head``, then ``chunks`` blocks of ``CHUNK`` bytes, as one POST.

    Returns the status, the JSON answer and how many blocks the app read.
    """
    reads = 0

    async def receive():
        nonlocal reads
        reads += 1
        if reads > chunks:
            return {"type": "http.disconnect"}
        more = reads < chunks
        body = (head if reads == 1 else b"") + b"a" * CHUNK
        return {"type": "http.request", "body": body, "more_body": more}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)

    body = b"".join(message.get("body", b"") for message in sent[1:])
    return sent[0]["status"], json.loads(body), reads


async def test_no_key_is_401_before_the_body_is_read(app):
    headers = {"content-type": "application/json", "content-length": "10000000"}

    status, answer, reads = await call(
        app, "/bots/nope/tools/word_count", headers, chunks=150
    )

    assert (status, reads) == (401, 0)
    async with client_for(app, None) as anonymous:
        expected = (await anonymous.get("/bots")).json()
    assert answer == expected


async def test_unknown_key_is_401_before_the_body_is_read(app):
    headers = {"content-type": "application/json", "x-api-key": "key-acme-2"}

    status, _, reads = await call(app, "/bots/x/embeddings", headers, chunks=3)

    assert (status, reads) == (401, 0)


async def test_deeply_nested_json_without_key_is_401(app):
    deep = b"[" * 100_000 + b"]" * 100_000
    async with client_for(app, None) as anonymous:
        response = await anonymous.post(
            "/bots/x/embeddings",
            content=b'{"input": ' + deep + b"}",
            headers={"content-type": "application/json"},
        )

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'APIKey header="X-API-Key"'


async def test_declared_body_above_the_cap_is_413_unread(app):
    cap = body_cap(app.state.settings.server.max_document_bytes)
    headers = {
        "content-type": "application/json",
        "content-length": str(cap + 1),
        "x-api-key": ACME_KEY,
    }

    status, answer, reads = await call(app, "/bots/x/embeddings", headers, chunks=3)

    assert (status, reads) == (413, 0)
    assert str(cap) in answer["detail"]


async def test_undeclared_upload_stops_at_the_cap(make_app):
    app = make_app(server={"max_document_bytes": 1000})
    async with client_for(app, ACME_KEY) as acme:
        bot_id = await new_bot(acme)
    cap = body_cap(1000)
    headers = {
        "content-type": "multipart/form-data; boundary=xyz",
        "x-api-key": ACME_KEY,
    }

    head = (
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )

    status, _, reads = await call(
        app, f"/bots/{bot_id}/documents", headers, chunks=10 * cap // CHUNK, head=head
    )

    assert status == 413
    assert reads <= cap // CHUNK + 2


async def test_open_paths_need_no_key(app):
    async with client_for(app, None) as anonymous:
        for path in ("/health", "/metrics", "/openapi.json", "/docs", "/redoc"):
            response = await anonymous.get(path)
            assert response.status_code == 200, path


async def test_without_keys_everybody_is_default(make_app):
    app = make_app(api_keys={})
    async with client_for(app, None) as anonymous:
        response = await anonymous.post("/bots", json={})

    assert response.status_code == 201


async def test_upload_name_is_capped_like_the_json_one(acme):
    bot_id = await new_bot(acme)
    files = {"file": ("a.txt", b"some text")}

    response = await acme.post(
        f"/bots/{bot_id}/documents", files=files, data={"name": "N" * 201}
    )

    assert response.status_code == 422
    assert "200 characters" in response.json()["detail"]
