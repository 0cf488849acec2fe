"""Model providers: the interfaces and the implementations we ship."""

from .base import (
    ChatProvider,
    ChatRequest,
    EmbeddingProvider,
    Message,
    Passage,
    ProviderError,
    Providers,
    ProviderTimeout,
    Tool,
    ToolError,
)
from .local import ExtractiveResponder, HashedEmbeddings
from .openai_compat import OpenAICompatible
from .tools import builtin_tools

__all__ = [
    "ChatProvider",
    "ChatRequest",
    "EmbeddingProvider",
    "ExtractiveResponder",
    "HashedEmbeddings",
    "Message",
    "OpenAICompatible",
    "Passage",
    "ProviderError",
    "ProviderTimeout",
    "Providers",
    "Tool",
    "ToolError",
    "builtin_tools",
]
