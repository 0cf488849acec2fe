"""The shared back ends a call can spend, and the names they go by."""

from dataclasses import dataclass
from enum import StrEnum


class Resource(StrEnum):
    """The four built-in resources. Configs may declare more by name."""

    LLM = "llm"
    EMBEDDING = "embedding"
    TOOL = "tool"
    INGESTION = "ingestion"

    @property
    def label(self) -> str:
        """The name error texts and metrics use, e.g. ``llm_calls``."""
        return BUILTIN_LABELS[self.value]


BUILTIN_LABELS = {
    "llm": "llm_calls",
    "embedding": "embedding_calls",
    "tool": "tool_calls",
    "ingestion": "ingestion_ops",
}

BUILTIN_RPM = {"llm": 60.0, "embedding": 120.0, "tool": 30.0, "ingestion": 10.0}


@dataclass(frozen=True, slots=True)
class ResourceLimit:
    """A resource's ceiling: ``rpm`` calls per minute and a ``burst`` of tokens."""

    name: str
    label: str
    rpm: float
    burst: float

    @property
    def rate(self) -> float:
        """Tokens per second."""
        return self.rpm / 60.0
