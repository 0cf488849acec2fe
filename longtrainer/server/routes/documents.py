"""Documents: text or a .txt/.md upload, chunked and embedded on arrival.

Adding a document spends one ``ingestion`` token, then one ``embedding``
token per chunk, both taken once the document is read and chunked.
"""

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from ...models.chunking import chunk_text
from ..schemas import DocumentOut, DocumentText, ErrorDetail
from ..store import Document
from ._answers import LIMITED, UPSTREAM
from ._shared import OwnedBot, ProvidersDep, StoreDep, limited_all

router = APIRouter(tags=["documents"])

UPLOAD_SUFFIXES = (".txt", ".md")

_UNSUPPORTED = {"model": ErrorDetail, "description": "Neither JSON nor .txt/.md."}

# Both bodies the route accepts, for the OpenAPI schema: the route reads
# the request itself because FastAPI declares only one body per route.
_BODIES = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": DocumentText.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "name": {"type": "string"},
                    },
                }
            },
        },
    }
}


async def new_document(request: Request) -> tuple[str, str]:
    """The name and text of the document in the body (415, 413 or 422 if bad)."""
    limit = request.app.state.settings.server.max_document_bytes
    name, text = await read_document(request, max_bytes=limit)
    if not text.strip():
        raise HTTPException(422, "The document has no text.")
    return name, text


NewDocument = Annotated[tuple[str, str], Depends(new_document)]


async def receiving_bot(bot: OwnedBot, document: NewDocument) -> str:
    """The bot receiving, once the document is read: a bad one costs nothing."""
    return bot.id


async def document_chunks(document: NewDocument) -> list[str]:
    _, text = document
    return chunk_text(text)


Chunks = Annotated[list[str], Depends(document_chunks)]


async def document_costs(chunks: Chunks) -> dict[str, int]:
    """One ingestion for the document, one embedding per chunk."""
    return {"ingestion": 1, "embedding": len(chunks)}


@router.post(
    "/bots/{bot_id}/documents",
    status_code=status.HTTP_201_CREATED,
    dependencies=[limited_all(document_costs, bot=receiving_bot)],
    openapi_extra=_BODIES,
    responses={**LIMITED, 415: _UNSUPPORTED, **UPSTREAM},
)
async def add_document(
    bot: OwnedBot,
    document: NewDocument,
    chunks: Chunks,
    store: StoreDep,
    providers: ProvidersDep,
) -> DocumentOut:
    """Add a document as JSON ``{"text", "name"}`` or a multipart ``file``."""
    name, text = document
    vectors = await providers.embeddings.embed(chunks)
    pairs = list(zip(chunks, vectors, strict=True))
    return document_out(await store.add_document(bot.id, name, text, pairs))


def document_out(document: Document) -> DocumentOut:
    return DocumentOut(
        document_id=document.id,
        bot_id=document.bot_id,
        name=document.name,
        characters=document.characters,
        chunks=document.chunks,
        created_at=document.created_at,
    )


async def read_document(request: Request, *, max_bytes: int) -> tuple[str, str]:
    """The name and text of the document in the request body."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return await _read_upload(request, max_bytes)
    if content_type.startswith("application/json"):
        body = await _read_body(request, max_bytes)
        try:
            document = DocumentText.model_validate_json(body)
        except ValidationError as error:
            raise RequestValidationError(error.errors(include_url=False)) from None
        return document.name, document.text

    raise HTTPException(
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        "Send application/json or multipart/form-data.",
    )


async def _read_upload(request: Request, max_bytes: int) -> tuple[str, str]:
    form = await request.form(max_files=1, max_fields=2)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise HTTPException(422, "The form needs a 'file' field.")

    filename = upload.filename or ""
    if PurePath(filename).suffix.lower() not in UPLOAD_SUFFIXES:
        allowed = ", ".join(UPLOAD_SUFFIXES)
        message = f"Upload a {allowed} file (got '{filename}')."
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, message)

    data = await upload.read(max_bytes + 1)
    _check_size(len(data), max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(422, "The file is not UTF-8 text.") from None

    name = form.get("name")
    return (name if isinstance(name, str) and name else filename), text


async def _read_body(request: Request, max_bytes: int) -> bytes:
    # Stop reading at the limit: a huge body must not fill the memory first.
    body = bytearray()
    async for piece in request.stream():
        body += piece
        _check_size(len(body), max_bytes)
    return bytes(body)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        message = f"The document is larger than {max_bytes} bytes."
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, message)
