"""Offline providers: hashed embeddings and an extractive responder.

They need no network and no key, and they do not pretend: the responder
answers only with passages of the bot's own documents, quoted as found.
"""

import hashlib
import math
import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence

from .base import ChatRequest

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Words too common to tell passages apart.
_STOP_WORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "but", "by", "do", "does"),
        *("for", "from", "has", "have", "how", "i", "in", "is", "it", "its"),
        *("me", "my", "of", "on", "or", "our", "so", "that", "the", "their"),
        *("them", "there", "these", "they", "this", "to", "was", "we", "what"),
        *("when", "where", "which", "who", "why", "will", "with", "you", "your"),
    }
)


class HashedEmbeddings:
    """Deterministic bag-of-words vectors built by feature hashing.

    Each word (lower-cased, stop words dropped) lands in one of ``dimensions``
    slots chosen by a stable hash, with a hashed sign; counts are damped
    with ``1 + log(count)`` and the vector is scaled to length 1, so a dot
    product is the cosine. The same text gives the same vector in every
    process, which lets stored vectors outlive a restart.
    """

    def __init__(self, *, dimensions: int = 512) -> None:
        self.dimensions = dimensions

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.vector(text) for text in texts]

    def vector(self, text: str) -> list[float]:
        """The unit vector of one text (all zeros when it has no words)."""
        vector = [0.0] * self.dimensions
        for word, count in Counter(words(text)).items():
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "big") % self.dimensions
            sign = 1.0 if digest[4] & 1 else -1.0
            vector[slot] += sign * (1.0 + math.log(count))

        norm = math.sqrt(sum(value * value for value in vector))
        if norm == 0:
            return vector
        return [value / norm for value in vector]


def words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning, lower-cased and stemmed."""
    found = (word.lower() for word in _WORD.findall(text))
    return [stem(word) for word in found if word not in _STOP_WORDS]


def stem(word: str) -> str:
    """Strip a common English ending, so "shipping" meets "ships".

    Deliberately crude (no dictionary): ``-ing``, ``-ed`` or ``-s`` (not
    ``-ss``) on words long enough to keep a stem of three letters, then a
    doubled final consonant ("shipp" -> "ship").
    """
    for ending in ("ing", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            if word.endswith("ss"):
                break
            word = word.removesuffix(ending)
            break

    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


class ExtractiveResponder:
    """Answers with the passages that best match the query, nothing more."""

    async def complete(self, request: ChatRequest) -> str:
        return compose_answer(request)

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        # Word by word, so a client sees the stream it would get from an LLM.
        for piece in re.findall(r"\S+\s*", compose_answer(request)):
            yield piece


def compose_answer(request: ChatRequest) -> str:
    """Quote the ranked passages, each under the name of its document."""
    if not request.passages:
        return "I found nothing in this bot's documents that matches the question."

    quotes = [f"From {p.document_name}:\n{p.text}" for p in request.passages]
    return "\n\n".join(quotes)
