"""The SQLite store: state outlives the process, tenants stay apart."""

import anyio

from longtrainer.models.base import Message
from longtrainer.server.store import Store


async def test_state_survives_a_new_store_on_the_same_directory(tmp_path):
    store = Store(tmp_path)
    bot = await store.create_bot("acme", "faq", "Be brief.")
    await store.add_document(bot.id, "a.md", "alpha beta", [("alpha beta", [0.5, 0.5])])
    chat = await store.create_chat(bot.id)
    await store.add_messages(
        chat.id, [Message("user", "hi"), Message("assistant", "hello")]
    )

    reopened = Store(tmp_path)

    assert await reopened.get_bot("acme", bot.id) == bot
    [document] = await reopened.list_documents(bot.id)
    assert (document.name, document.chunks) == ("a.md", 1)
    [chunk] = await reopened.chunks(bot.id)
    assert (chunk.text, chunk.vector) == ("alpha beta", [0.5, 0.5])
    assert await reopened.messages(chat.id) == [
        Message("user", "hi"),
        Message("assistant", "hello"),
    ]


async def test_a_tenant_reaches_only_its_own_rows(tmp_path):
    store = Store(tmp_path)
    bot = await store.create_bot("acme", "", "")
    chat = await store.create_chat(bot.id)

    assert await store.get_bot("globex", bot.id) is None
    assert await store.get_chat("globex", chat.id) is None
    assert await store.delete_bot("globex", bot.id) is False
    assert await store.list_bots("globex") == []


async def test_deleting_a_bot_deletes_its_documents_and_chats(tmp_path):
    store = Store(tmp_path)
    bot = await store.create_bot("acme", "", "")
    await store.add_document(bot.id, "a.md", "text", [("text", [1.0])])
    chat = await store.create_chat(bot.id)
    await store.add_messages(chat.id, [Message("user", "hi")])

    assert await store.delete_bot("acme", bot.id) is True

    assert await store.chunks(bot.id) == []
    assert await store.list_documents(bot.id) == []
    assert await store.get_chat("acme", chat.id) is None
    assert await store.messages(chat.id) == []


async def test_concurrent_appends_take_distinct_positions(tmp_path):
    store = Store(tmp_path)
    bot = await store.create_bot("acme", "", "")
    chat = await store.create_chat(bot.id)

    async with anyio.create_task_group() as group:
        for i in range(10):
            group.start_soon(store.add_messages, chat.id, [Message("user", str(i))])

    contents = sorted(int(m.content) for m in await store.messages(chat.id))
    assert contents == list(range(10))
