"""Bots, documents, chats and messages, kept in one SQLite file.

Every method is a coroutine that runs its query in a worker thread
(``anyio.to_thread``), so a slow disk never blocks the event loop. Each
call opens its own short-lived connection: there is no connection to
share between threads, and several server processes may use one file.
Ownership is checked in SQL: a tenant never reads another tenant's rows.
"""

import sqlite3
import time
import uuid
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import anyio

from ..models.base import Message
from ..models.retrieval import StoredChunk

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bots (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    system_prompt TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS bots_by_tenant ON bots (tenant_id);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    bot_id TEXT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    characters INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    bot_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (document_id, position)
);
CREATE INDEX IF NOT EXISTS chunks_by_bot ON chunks (bot_id);
CREATE TABLE IF NOT EXISTS chats (
    id TEXT PRIMARY KEY,
    bot_id TEXT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (chat_id, position)
);
"""


@dataclass(frozen=True)
class Bot:
    id: str
    tenant_id: str
    name: str
    system_prompt: str
    created_at: float


@dataclass(frozen=True)
class Document:
    id: str
    bot_id: str
    name: str
    characters: int
    chunks: int
    created_at: float


@dataclass(frozen=True)
class Chat:
    id: str
    bot_id: str
    created_at: float


class Store:
    """The server's persistent state, in ``<data_dir>/longtrainer.db``."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "longtrainer.db"
        with self._connect() as connection:
            # WAL lets readers in other processes carry on during a write.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)

    async def create_bot(self, tenant_id: str, name: str, system_prompt: str) -> Bot:
        bot = Bot(_new_id("bot"), tenant_id, name, system_prompt, time.time())
        sql = "INSERT INTO bots VALUES (?, ?, ?, ?, ?)"
        await self._run(lambda db: db.execute(sql, _values(bot)))
        return bot

    async def list_bots(self, tenant_id: str) -> list[Bot]:
        sql = "SELECT * FROM bots WHERE tenant_id = ? ORDER BY created_at, id"
        rows = await self._run(lambda db: db.execute(sql, (tenant_id,)).fetchall())
        return [Bot(*row) for row in rows]

    async def get_bot(self, tenant_id: str, bot_id: str) -> Bot | None:
        """The bot, or None when it does not exist or is another tenant's."""
        sql = "SELECT * FROM bots WHERE tenant_id = ? AND id = ?"
        query = (tenant_id, bot_id)
        row = await self._run(lambda db: db.execute(sql, query).fetchone())
        return Bot(*row) if row else None

    async def delete_bot(self, tenant_id: str, bot_id: str) -> bool:
        """Delete a bot with its documents and chats; False if not found."""
        sql = "DELETE FROM bots WHERE tenant_id = ? AND id = ?"
        query = (tenant_id, bot_id)
        deleted = await self._run(lambda db: db.execute(sql, query).rowcount)
        return deleted > 0

    async def add_document(
        self,
        bot_id: str,
        name: str,
        text: str,
        chunks: Sequence[tuple[str, Sequence[float]]],
    ) -> Document:
        """Store a document and its chunks (text and vector) in one transaction."""
        document = Document(
            _new_id("doc"), bot_id, name, len(text), len(chunks), time.time()
        )
        rows = [
            (document.id, bot_id, position, chunk, _pack(vector))
            for position, (chunk, vector) in enumerate(chunks)
        ]

        def insert(db: sqlite3.Connection) -> None:
            head = (document.id, bot_id, name, len(text), document.created_at)
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?)", head)
            db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)", rows)

        await self._run(insert)
        return document

    async def list_documents(self, bot_id: str) -> list[Document]:
        sql = """
            SELECT d.id, d.bot_id, d.name, d.characters, COUNT(c.position),
                   d.created_at
            FROM documents d LEFT JOIN chunks c ON c.document_id = d.id
            WHERE d.bot_id = ? GROUP BY d.id ORDER BY d.created_at, d.id
        """
        rows = await self._run(lambda db: db.execute(sql, (bot_id,)).fetchall())
        return [Document(*row) for row in rows]

    async def chunks(self, bot_id: str) -> list[StoredChunk]:
        """Every chunk of the bot's documents, with its vector."""
        sql = """
            SELECT c.document_id, d.name, c.text, c.vector
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.bot_id = ? ORDER BY d.created_at, c.position
        """
        rows = await self._run(lambda db: db.execute(sql, (bot_id,)).fetchall())
        return [
            StoredChunk(document_id, name, text, _unpack(blob))
            for document_id, name, text, blob in rows
        ]

    async def create_chat(self, bot_id: str) -> Chat:
        chat = Chat(_new_id("chat"), bot_id, time.time())
        sql = "INSERT INTO chats VALUES (?, ?, ?)"
        await self._run(lambda db: db.execute(sql, _values(chat)))
        return chat

    async def list_chats(self, bot_id: str) -> list[Chat]:
        sql = "SELECT * FROM chats WHERE bot_id = ? ORDER BY created_at, id"
        rows = await self._run(lambda db: db.execute(sql, (bot_id,)).fetchall())
        return [Chat(*row) for row in rows]

    async def get_chat(self, tenant_id: str, chat_id: str) -> Chat | None:
        """The chat, or None when it does not exist or is another tenant's."""
        sql = """
            SELECT c.id, c.bot_id, c.created_at
            FROM chats c JOIN bots b ON b.id = c.bot_id
            WHERE b.tenant_id = ? AND c.id = ?
        """
        query = (tenant_id, chat_id)
        row = await self._run(lambda db: db.execute(sql, query).fetchone())
        return Chat(*row) if row else None

    async def messages(self, chat_id: str) -> list[Message]:
        sql = "SELECT role, content FROM messages WHERE chat_id = ? ORDER BY position"
        rows = await self._run(lambda db: db.execute(sql, (chat_id,)).fetchall())
        return [Message(role, content) for role, content in rows]

    async def add_messages(self, chat_id: str, messages: Sequence[Message]) -> None:
        """Append messages to a chat, after those already there."""

        def insert(db: sqlite3.Connection) -> None:
            # Take the write lock before counting: two answers finishing
            # at once must not both claim the same position.
            db.execute("BEGIN IMMEDIATE")
            sql = "SELECT COUNT(*) FROM messages WHERE chat_id = ?"
            start = db.execute(sql, (chat_id,)).fetchone()[0]
            now = time.time()
            rows = [
                (chat_id, start + offset, m.role, m.content, now)
                for offset, m in enumerate(messages)
            ]
            db.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?)", rows)

        await self._run(insert)

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def in_thread() -> T:
            with self._connect() as connection:
                return work(connection)

        return await anyio.to_thread.run_sync(in_thread)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return _transaction(self.path)


@contextmanager
def _transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that commits on success, rolls back on error, then closes."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        yield connection
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


def _new_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:16]}"


def _values(row: Bot | Chat) -> tuple:
    return tuple(row.__dict__.values())


def _pack(vector: Sequence[float]) -> bytes:
    return array("f", vector).tobytes()


def _unpack(blob: bytes) -> list[float]:
    vector = array("f")
    vector.frombytes(blob)
    return vector.tolist()
