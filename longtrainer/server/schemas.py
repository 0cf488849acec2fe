"""Request and response bodies of the REST API."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    detail: str


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BotCreate(_Body):
    name: str = Field("", max_length=200)
    system_prompt: str = Field("", max_length=20_000)


class BotOut(BaseModel):
    bot_id: str
    name: str
    system_prompt: str
    created_at: float


class DocumentText(_Body):
    text: str = Field(min_length=1)
    name: str = Field("document", min_length=1, max_length=200)


class DocumentOut(BaseModel):
    document_id: str
    bot_id: str
    name: str
    characters: int
    chunks: int
    created_at: float


class BotDetail(BotOut):
    documents: list[DocumentOut]


class ChatOut(BaseModel):
    chat_id: str
    bot_id: str
    created_at: float


class MessageOut(BaseModel):
    role: str
    content: str


class ChatHistory(ChatOut):
    messages: list[MessageOut]


class ChatQuery(_Body):
    query: str = Field(min_length=1, max_length=20_000)
    stream: bool = False


class Source(BaseModel):
    document_id: str
    name: str
    score: float


class ChatAnswer(BaseModel):
    chat_id: str
    answer: str
    sources: list[Source]


class EmbeddingRequest(_Body):
    input: list[Annotated[str, Field(max_length=20_000)]] = Field(
        min_length=1, max_length=256
    )


class Embedding(BaseModel):
    index: int
    embedding: list[float]


class EmbeddingResponse(BaseModel):
    data: list[Embedding]


class ToolCall(_Body):
    arguments: dict[str, Any] = Field(default_factory=dict)


class ToolResult(BaseModel):
    tool: str
    result: Any


class ToolInfo(BaseModel):
    name: str
    description: str


class BotUsage(BaseModel):
    bot_id: str
    rpm: float
    burst: float
    tokens: float
    queued: int
    overridden: bool


class ResourceUsage(BaseModel):
    resource: str
    label: str
    rpm: float
    burst: float
    tokens: float
    active_bots: list[BotUsage]


class RateLimitStatus(BaseModel):
    tenant_id: str
    enabled: bool
    resources: list[ResourceUsage]
