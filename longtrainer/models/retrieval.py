"""Rank stored chunks against a query vector (cosine similarity)."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .base import Passage


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as the store keeps it: its text, its vector, its document."""

    document_id: str
    document_name: str
    text: str
    vector: Sequence[float]


def cosine(left: Sequence[float], right: Sequence[float]) -> float:
    """The cosine of two vectors; 0 when either is all zeros."""
    dot = sum(a * b for a, b in zip(left, right, strict=True))
    norms = math.sqrt(sum(a * a for a in left)) * math.sqrt(sum(b * b for b in right))
    return dot / norms if norms else 0.0


def best_passages(
    query_vector: Sequence[float],
    chunks: Iterable[StoredChunk],
    *,
    limit: int = 3,
    min_score: float = 0.05,
) -> list[Passage]:
    """The ``limit`` chunks most similar to the query, best first.

    Chunks scoring below ``min_score`` are left out: quoting an unrelated
    passage would be a worse answer than saying nothing matched. Chunks
    whose vector size differs from the query's (embedded by another model)
    are skipped rather than compared.
    """
    scored = []
    for chunk in chunks:
        if len(chunk.vector) != len(query_vector):
            continue
        score = cosine(query_vector, chunk.vector)
        if score >= min_score:
            name = chunk.document_name
            scored.append(Passage(chunk.document_id, name, chunk.text, score))

    scored.sort(key=lambda passage: passage.score, reverse=True)
    return scored[:limit]
