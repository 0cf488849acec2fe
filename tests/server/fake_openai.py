"""A small OpenAI-compatible server of our own, served on loopback.

The query decides the behaviour: "fail" answers 500, "slow" answers after
the client's timeout, "garble" breaks its stream after the first word;
anything else is echoed back, whole or streamed.
"""

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

SLOW_SECONDS = 2.0


def fake_openai_app(seen: list[dict]) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def complete(request: Request):
        body = await request.json()
        seen.append({"headers": dict(request.headers), "body": body})
        query = body["messages"][-1]["content"]
        if "fail" in query:
            return JSONResponse({"error": "model overloaded"}, status_code=500)
        if "slow" in query:
            # An upstream that hangs: longer than the client's timeout.
            await asyncio.sleep(SLOW_SECONDS)

        answer = f"echo: {query}"
        if not body.get("stream"):
            message = {"role": "assistant", "content": answer}
            return {"choices": [{"index": 0, "message": message}]}
        return StreamingResponse(_sse(answer), media_type="text/event-stream")

    @app.post("/v1/embeddings")
    async def embed(request: Request):
        body = await request.json()
        seen.append({"headers": dict(request.headers), "body": body})
        data = [
            {"index": i, "embedding": [float(len(text)), 1.0, 0.0]}
            for i, text in enumerate(body["input"])
        ]
        return {"data": list(reversed(data)), "model": body["model"]}

    return app


def _sse(answer: str) -> Iterator[str]:
    # OpenAI opens with a delta that has a role and no content.
    opening = {"choices": [{"index": 0, "delta": {"role": "assistant"}}]}
    yield f"data: {json.dumps(opening)}\n\n"
    for word in answer.split(" "):
        chunk = {"choices": [{"index": 0, "delta": {"content": word + " "}}]}
        yield f"data: {json.dumps(chunk)}\n\n"
        if "garble" in answer:
            yield "data: {not json\n\n"
    yield "data: [DONE]\n\n"


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the fake upstream did not start")
            threading.Event().wait(0.01)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
