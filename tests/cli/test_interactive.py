"""The chat on a pseudo-terminal, typed into as a user would.

These tests wait in real time for the countdown they check: with
``llm_rpm: 30`` and ``llm_burst: 1`` a token comes every two seconds.
"""

import os
import sys
from pathlib import Path

import pexpect
import pytest
from server.test_serve_process import serve

from .conftest import write_config

SLOW = "enabled: true\nllm_rpm: 30\nllm_burst: 1"


def spawn_chat(workdir: Path, *args: str) -> pexpect.spawn:
    environment = {**os.environ, "TERM": "xterm-256color"}
    command = ["-m", "longtrainer", "chat", *args]
    return pexpect.spawn(
        sys.executable,
        command,
        cwd=str(workdir),
        env=environment,
        dimensions=(24, 120),
        encoding="utf-8",
        timeout=20,
    )


def ask_twice_and_see_the_wait(chat: pexpect.spawn) -> None:
    chat.expect("Chatting with support")
    chat.expect("you>")
    chat.sendline("How long does shipping take?")
    chat.expect("bot>")
    chat.expect("five days")
    chat.expect("you>")

    chat.sendline("Can I get a refund?")
    chat.expect("rate limited by bot share for llm_calls, retrying in [12] s")
    # Nothing more is typed: the message goes again when the budget is back.
    chat.expect("bot>")
    chat.expect("within 30 days")
    chat.expect("you>")


def leave(chat: pexpect.spawn) -> str:
    chat.sendeof()
    chat.expect(pexpect.EOF)
    chat.close()
    return chat.before


@pytest.fixture
def slow_bot(workdir: Path, new_bot) -> str:
    write_config(workdir, SLOW)
    return new_bot()


def test_the_second_message_counts_down_then_is_answered(workdir, slow_bot):
    chat = spawn_chat(workdir, slow_bot)

    ask_twice_and_see_the_wait(chat)
    rest = leave(chat)

    assert chat.exitstatus == 0
    assert "Traceback" not in rest


def test_ctrl_c_in_a_countdown_drops_that_message_only(workdir, new_bot):
    # One call every ten seconds: the test cancels long before that.
    write_config(workdir, "enabled: true\nllm_rpm: 6\nllm_burst: 1")
    chat = spawn_chat(workdir, new_bot())
    chat.expect("you>")
    chat.sendline("shipping?")
    chat.expect("five days")
    chat.expect("you>")

    chat.sendline("refunds?")
    chat.expect("retrying in 10 s")
    chat.sendintr()
    chat.expect("Cancelled")
    chat.expect("you>")
    chat.sendintr()  # Ctrl-C at the prompt leaves
    chat.expect(pexpect.EOF)
    chat.close()

    assert chat.exitstatus == 0
    assert "Traceback" not in chat.before


def test_the_same_against_a_live_server(tmp_path, invoke, workdir):
    config = tmp_path / "server.yaml"
    config.write_text(
        'server:\n  data_dir: ./served\n  api_keys:\n    "key-acme-1": acme\n'
        "rate_limiting:\n  enabled: true\n  llm_rpm: 30\n  llm_burst: 1\n"
    )

    with serve(config) as (client, _):
        url = str(client.base_url).rstrip("/")
        remote = ("--server", url, "--api-key", "key-acme-1")
        bot_id = invoke("bot", "create", "--name", "support", *remote).stdout.strip()
        added = invoke("add-doc", bot_id, "faq.md", *remote)
        chat = spawn_chat(workdir, bot_id, *remote)
        ask_twice_and_see_the_wait(chat)
        rest = leave(chat)
        bots = client.get("/bots", headers={"X-API-Key": "key-acme-1"}).json()
        wrong_key = invoke("bot", "list", "--server", url, "--api-key", "nope")

    assert added.exit_code == 0, added.output
    assert chat.exitstatus == 0
    assert "Traceback" not in rest
    assert [bot["bot_id"] for bot in bots] == [bot_id]
    assert wrong_key.exit_code == 1
    assert wrong_key.stderr.startswith("ApiError: Missing or unknown API key")
    # The server's store, not the local one, holds the bot.
    assert not (workdir / "data").exists()


def test_a_server_lost_mid_chat_ends_it_with_one_line(tmp_path, invoke, workdir):
    config = tmp_path / "server.yaml"
    config.write_text("server:\n  data_dir: ./served\n")

    with serve(config) as (client, _):
        url = str(client.base_url).rstrip("/")
        bot_id = invoke("bot", "create", "--server", url).stdout.strip()
        chat = spawn_chat(workdir, bot_id, "--server", url)
        chat.expect("you>")
    chat.sendline("anyone there?")  # the server has stopped by now
    chat.expect(r"ServerUnreachable\S*: no answer from")
    chat.expect(pexpect.EOF)
    chat.close()

    assert chat.exitstatus == 1
    assert "Traceback" not in chat.before
