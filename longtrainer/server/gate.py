"""The request gate: a pure ASGI middleware in front of every route.

FastAPI reads and parses a JSON body before any dependency runs, so the
API-key check of ``current_tenant`` alone would let an anonymous caller
make the server read (and parse) any body. The gate answers first:

- a route that needs a key gets the same 401 as ``current_tenant`` when
  the key is missing or unknown, before a byte of the body is read;
- a body whose ``Content-Length`` is above ``max_body_bytes`` gets 413
  at once; a body without one is read only up to the cap, then 413.

``/health``, ``/metrics`` and the OpenAPI pages stay open to everyone.
"""

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import CHALLENGE, UNAUTHORIZED_DETAIL, KeyRing

OPEN_PATHS = frozenset(
    {"/health", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
)


# Room above the document limit for the other JSON bodies: the largest,
# an embedding batch of 256 inputs of 20,000 characters, is about 5 MB.
BODY_HEADROOM = 6_000_000


def body_cap(max_document_bytes: int) -> int:
    """The largest request body the server reads, in bytes."""
    return max_document_bytes + BODY_HEADROOM


class RequestGate:
    """Refuses unknown callers and oversized bodies before the app reads them."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        if scope["path"] not in OPEN_PATHS and not _known_caller(scope):
            response = JSONResponse(
                {"detail": UNAUTHORIZED_DETAIL}, status_code=401, headers=CHALLENGE
            )
            await response(scope, receive, send)
            return

        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return

        await _CappedBody(self, scope, receive, send).run()

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"The request body is larger than {self.max_body_bytes} bytes."
        response = JSONResponse({"detail": message}, status_code=413)
        await response(scope, receive, send)


class _CappedBody:
    """Runs the app with a body that stops at the cap, answering 413 there.

    Past the cap ``receive`` raises; whatever the app makes of that (a 400
    for an unparsable body, say), the caller gets 413 as long as no
    response has started.
    """

    def __init__(self, gate: RequestGate, scope: Scope, receive: Receive, send: Send):
        self.gate, self.scope = gate, scope
        self._receive, self._send = receive, send
        self.read = 0
        self.over = False
        self.started = False

    async def run(self) -> None:
        try:
            await self.gate.app(self.scope, self.receive, self.send)
        except Exception:
            if not (self.over and not self.started):
                raise
        if self.over and not self.started:
            await self.gate._too_large(self.scope, self._receive, self._send)

    async def receive(self) -> Message:
        if self.over:
            raise HTTPException(413)
        message = await self._receive()
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            if self.read > self.gate.max_body_bytes:
                self.over = True
                raise HTTPException(413)
        return message

    async def send(self, message: Message) -> None:
        if self.over and not self.started:
            # The app's answer to the cut-off body is replaced by our 413.
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


def _known_caller(scope: Scope) -> bool:
    app = scope.get("app")
    ring = getattr(getattr(app, "state", None), "api_keys", None) or KeyRing({})
    return ring.tenant_of(_header(scope, b"x-api-key")) is not None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _header(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (lower case), as Starlette reads it."""
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return None
