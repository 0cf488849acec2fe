"""Offline providers: chunking, hashed embeddings, ranking, extractive answers."""

import math

from longtrainer.models import ChatRequest, ExtractiveResponder, HashedEmbeddings
from longtrainer.models.chunking import chunk_text
from longtrainer.models.local import stem
from longtrainer.models.retrieval import StoredChunk, best_passages


def test_chunks_pack_paragraphs_and_split_long_ones():
    short = "First paragraph.\n\nSecond paragraph."
    long = " ".join(f"Sentence number {i}." for i in range(100))

    assert chunk_text(short) == ["First paragraph.\n\nSecond paragraph."]
    assert chunk_text("") == []
    assert chunk_text("  \n\n ") == []
    pieces = chunk_text(long, max_chars=200)
    assert all(len(piece) <= 200 for piece in pieces)
    assert " ".join(pieces) == long


def test_an_unbroken_word_is_cut_at_the_limit():
    assert chunk_text("x" * 25, max_chars=10) == ["x" * 10, "x" * 10, "x" * 5]


async def test_hashed_embeddings_are_unit_vectors_and_stable():
    embeddings = HashedEmbeddings(dimensions=64)

    first, again, empty = await embeddings.embed(
        ["Refund policy", "refund POLICY", "the"]
    )

    assert first == again
    assert math.isclose(math.fsum(v * v for v in first), 1.0)
    assert empty == [0.0] * 64


async def test_ranking_puts_the_matching_chunk_first():
    embeddings = HashedEmbeddings()
    texts = ["Refunds within 30 days.", "Shipping takes five days.", "Office hours."]
    vectors = await embeddings.embed(texts)
    chunks = [
        StoredChunk(f"doc-{i}", "faq", t, v)
        for i, (t, v) in enumerate(zip(texts, vectors, strict=True))
    ]

    [query] = await embeddings.embed(["how many days does shipping take"])
    passages = best_passages(query, chunks, limit=2)

    assert passages[0].text == "Shipping takes five days."
    assert all(p.text != "Office hours." for p in passages)


async def test_extractive_answer_quotes_passages_whole_or_streamed():
    embeddings = HashedEmbeddings()
    [vector] = await embeddings.embed(["The office opens at nine."])
    chunk = StoredChunk("doc-1", "hours.md", "The office opens at nine.", vector)
    [query] = await embeddings.embed(["when does the office open"])
    request = ChatRequest(query="when?", passages=best_passages(query, [chunk]))
    responder = ExtractiveResponder()

    whole = await responder.complete(request)
    streamed = "".join([piece async for piece in responder.stream(request)])

    assert whole == "From hours.md:\nThe office opens at nine."
    assert streamed == whole


def test_word_forms_share_a_stem():
    assert {stem("shipping"), stem("ships"), stem("shipped")} == {"ship"}
    assert stem("is") == "is"
    assert stem("class") == "class"
