"""Split a document into chunks small enough to embed and quote."""

import re

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def chunk_text(text: str, *, max_chars: int = 800) -> list[str]:
    """Cut ``text`` into chunks of at most ``max_chars`` characters.

    Paragraphs are kept whole when they fit and packed together; a longer
    paragraph is cut between sentences, and a sentence longer than the
    limit is cut at the limit. Empty text gives no chunks.
    """
    pieces = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            pieces += _split_long(paragraph, max_chars)

    return _pack(pieces, max_chars)


def _split_long(paragraph: str, max_chars: int) -> list[str]:
    if len(paragraph) <= max_chars:
        return [paragraph]

    pieces = []
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > max_chars:
            pieces.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if sentence:
            pieces.append(sentence)

    return _pack(pieces, max_chars, separator=" ")


def _pack(pieces: list[str], max_chars: int, separator: str = "\n\n") -> list[str]:
    chunks: list[str] = []
    for piece in pieces:
        joined = f"{chunks[-1]}{separator}{piece}" if chunks else piece
        if chunks and len(joined) <= max_chars:
            chunks[-1] = joined
        else:
            chunks.append(piece)

    return chunks
