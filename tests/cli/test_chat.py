"""``longtrainer chat`` driven through CliRunner: answers, waits, failures."""

import re
import socket

from .conftest import write_config


def test_a_chat_answers_from_the_bot_documents(invoke, workdir, new_bot):
    bot_id = new_bot()

    result = invoke("chat", bot_id, input="How long does shipping take?\n")

    assert result.exit_code == 0, result.output
    assert "Chatting with support." in result.stdout
    assert "bot> From faq.md:" in result.stdout
    assert "Shipping to Europe takes five days." in result.stdout
    assert "sources: faq.md" in result.stdout


def test_end_of_input_leaves_cleanly(invoke, workdir, new_bot):
    result = invoke("chat", new_bot(), input="")

    assert result.exit_code == 0
    assert "Traceback" not in result.output


def test_a_rate_limited_message_is_sent_again_by_itself(invoke, workdir, new_bot):
    # One LLM call a second: the second question waits about a second.
    write_config(workdir, "enabled: true\nllm_rpm: 60\nllm_burst: 1")
    bot_id = new_bot()

    result = invoke("chat", bot_id, input="shipping?\nrefunds?\n")

    assert result.exit_code == 0, result.output
    waited = "rate limited by bot share for llm_calls, retrying in 1 s"
    first, second = result.stdout.split(waited)
    assert "bot> From faq.md:" in first
    assert "bot> From faq.md:" in second
    # Two questions typed, two answered: the retry needed no typing.
    assert result.stdout.count("bot>") == 2


def test_an_unknown_bot_ends_with_one_line(invoke, workdir):
    result = invoke("chat", "bot-nope", input="hello\n")

    assert result.exit_code == 1
    assert result.stderr.strip() == "ApiError: Bot 'bot-nope' not found. (HTTP 404)"


def test_another_tenants_bot_is_not_found(invoke, workdir, new_bot):
    bot_id = new_bot("--tenant", "acme")

    result = invoke("chat", bot_id, "--tenant", "globex", input="hello\n")

    assert result.exit_code == 1
    assert re.search(rf"Bot '{bot_id}' not found", result.stderr)


def test_a_server_that_is_down_ends_with_one_line(invoke, workdir):
    result = invoke("chat", "bot-1", "--server", "http://127.0.0.1:9", input="hi\n")

    assert result.exit_code == 1
    assert result.stderr.startswith("ServerUnreachable: no answer from")
    assert "Traceback" not in result.output


def test_a_bad_config_ends_with_its_yaml_path(invoke, workdir):
    write_config(workdir, "enabled: maybe")

    result = invoke("chat", "bot-1", input="hi\n")

    assert result.exit_code == 2
    assert "rate_limiting.enabled" in result.stderr
    assert "Traceback" not in result.output


def test_a_message_the_model_fails_is_one_line_and_the_chat_goes_on(
    invoke, workdir, new_bot
):
    bot_id = new_bot()
    # The model upstream: a loopback port where nothing listens.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (workdir / "longtrainer.yaml").write_text(
        "server:\n  data_dir: ./data\n  provider:\n    kind: openai\n"
        f"    base_url: http://127.0.0.1:{port}/v1\n"
    )

    result = invoke("chat", bot_id, input="first?\nsecond?\n")

    assert result.exit_code == 0, result.output
    failures = re.findall(
        r"^ApiError: upstream unreachable.*\(HTTP 502\)$", result.stdout, re.MULTILINE
    )
    assert len(failures) == 2
    assert "Traceback" not in result.output
