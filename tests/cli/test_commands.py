"""Every command and its error paths, through typer's CliRunner."""

import re

import pytest
import typer
import yaml

from longtrainer import __version__
from longtrainer.cli import app
from longtrainer.server.settings import load_settings

from .conftest import write_config

COMMANDS = [
    ["init"],
    ["serve"],
    ["bot", "create"],
    ["bot", "list"],
    ["bot", "delete"],
    ["add-doc"],
    ["chat"],
    ["limits", "show"],
    ["limits", "check"],
]


def test_version(invoke):
    result = invoke("--version")

    assert result.exit_code == 0
    assert result.stdout.strip() == f"longtrainer {__version__}"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(invoke, command):
    result = invoke(*command, "--help")

    assert result.exit_code == 0
    assert "Usage: longtrainer" in result.stdout
    assert "Examples:" in result.stdout


def test_every_command_is_registered():
    names = set(typer.main.get_command(app).commands)

    assert names == {"init", "serve", "bot", "add-doc", "chat", "limits"}


def test_init_writes_a_valid_commented_config_with_limits_off(invoke, tmp_path):
    path = tmp_path / "new.yaml"

    result = invoke("init", "-c", str(path))
    settings = load_settings(path)
    text = path.read_text()

    assert result.exit_code == 0
    assert settings.rate_limiting.enabled is False
    assert settings.server.provider.kind == "local"
    # Every key of the two sections appears, set or commented out.
    for key in [
        "data_dir",
        "api_keys",
        "max_document_bytes",
        "provider",
        "kind",
        "base_url",
        "model",
        "embedding_model",
        "api_key_env",
        "timeout",
        "enabled",
        "llm_rpm",
        "embedding_rpm",
        "tool_rpm",
        "ingestion_rpm",
        "llm_burst",
        "embedding_burst",
        "tool_burst",
        "ingestion_burst",
        "active_window",
        "resources",
        "tenant_overrides",
        "bot_overrides",
    ]:
        assert re.search(rf"^\s*#?\s*{key}:", text, re.MULTILINE), key
    assert yaml.safe_load(text)["rate_limiting"]["enabled"] is False


def test_init_keeps_an_existing_file_unless_forced(invoke, workdir):
    before = (workdir / "longtrainer.yaml").read_text()

    kept = invoke("init")
    forced = invoke("init", "--force")

    assert kept.exit_code == 1
    assert "exists; pass --force" in kept.stderr
    assert before != (workdir / "longtrainer.yaml").read_text()
    assert forced.exit_code == 0


def test_bot_create_prints_the_id_alone_and_list_and_delete_follow(invoke, workdir):
    created = invoke("bot", "create", "--name", "support")
    bot_id = created.stdout.strip()
    listed = invoke("bot", "list")
    deleted = invoke("bot", "delete", bot_id)
    after = invoke("bot", "list")

    assert created.exit_code == 0
    assert re.fullmatch(r"bot-\w+\n", created.stdout)
    assert bot_id in listed.stdout and "support" in listed.stdout
    assert deleted.exit_code == 0
    assert bot_id not in after.stdout
    assert "bots: 0" in after.stdout


def test_bots_live_in_the_store_the_server_uses(invoke, workdir):
    bot_id = invoke("bot", "create").stdout.strip()

    assert (workdir / "data" / "longtrainer.db").is_file()
    assert bot_id in invoke("bot", "list", "-c", "longtrainer.yaml").stdout


def test_tenants_are_kept_apart(invoke, workdir):
    bot_id = invoke("bot", "create", "--tenant", "acme").stdout.strip()

    theirs = invoke("bot", "list", "--tenant", "globex")
    refused = invoke("bot", "delete", bot_id, "--tenant", "globex")

    assert bot_id not in theirs.stdout
    assert refused.exit_code == 1
    assert bot_id in invoke("bot", "list", "--tenant", "acme").stdout


def test_deleting_an_unknown_bot_is_one_line_and_exit_1(invoke, workdir):
    result = invoke("bot", "delete", "bot-nope")

    assert result.exit_code == 1
    assert result.stderr.strip() == "ApiError: Bot 'bot-nope' not found. (HTTP 404)"
    assert "Traceback" not in result.output


def test_an_invalid_tenant_id_is_one_line(invoke, workdir):
    result = invoke("bot", "list", "--tenant", "not valid")

    assert result.exit_code == 1
    assert "invalid tenant id 'not valid'" in result.stderr


def test_add_doc_ingests_every_file(invoke, workdir, new_bot):
    bot_id = new_bot()
    (workdir / "more.txt").write_text("The museum opens at ten.")

    result = invoke("add-doc", bot_id, "more.txt")
    chat = invoke("chat", bot_id, input="When does the museum open?\n")

    assert result.exit_code == 0
    assert "more.txt: 1 chunk" in result.stdout
    assert "opens at ten" in chat.stdout


def test_add_doc_errors_end_with_one_line(invoke, workdir):
    bot_id = invoke("bot", "create").stdout.strip()
    (workdir / "binary.txt").write_bytes(b"\xff\xfe\x00")

    missing = invoke("add-doc", bot_id, "nowhere.md")
    unknown_bot = invoke("add-doc", "bot-nope", "faq.md")
    not_text = invoke("add-doc", bot_id, "binary.txt")

    assert missing.exit_code == 2
    assert "nowhere.md" in missing.stderr
    assert unknown_bot.exit_code == 1
    assert "Bot 'bot-nope' not found" in unknown_bot.stderr
    assert not_text.exit_code == 1
    assert "binary.txt is not UTF-8 text" in not_text.stderr
    for result in (missing, unknown_bot, not_text):
        assert "Traceback" not in result.output


def test_add_doc_waits_out_the_ingestion_limit(invoke, workdir):
    # One ingestion a second: the second file waits about a second.
    write_config(workdir, "enabled: true\ningestion_rpm: 60\ningestion_burst: 1")
    bot_id = invoke("bot", "create").stdout.strip()
    (workdir / "more.md").write_text("The museum opens at ten.")

    result = invoke("add-doc", bot_id, "faq.md", "more.md")

    assert result.exit_code == 0, result.output
    assert re.search(
        r"rate limited by bot share for ingestion_ops, retrying in 1 s", result.stdout
    )
    assert "faq.md: 1 chunk" in result.stdout
    assert "more.md: 1 chunk" in result.stdout


def test_a_bad_config_is_reported_with_its_path_and_exit_2(invoke, workdir):
    write_config(workdir, "llm_rpm: -5")

    result = invoke("bot", "list")

    assert result.exit_code == 2
    assert "rate_limiting.llm_rpm: must be a number greater than 0" in result.stderr
    assert "Traceback" not in result.output


def test_a_server_that_is_down_is_one_line(invoke, workdir):
    result = invoke("bot", "list", "--server", "http://127.0.0.1:9", "--api-key", "k")

    assert result.exit_code == 1
    assert result.stderr.startswith("ServerUnreachable: no answer from")
    assert len(result.stderr.strip().splitlines()) == 1


def test_tenant_and_server_together_are_refused(invoke, workdir):
    result = invoke("bot", "list", "--server", "http://127.0.0.1:9", "--tenant", "acme")

    assert result.exit_code == 1
    assert "the API key names the tenant" in result.stderr


def test_limits_show_prints_ceilings_bursts_and_overrides(invoke, workdir):
    write_config(
        workdir,
        "enabled: true\nllm_rpm: 30\nllm_burst: 1\n"
        "resources:\n  vision: {rpm: 20, burst: 5}\n"
        "tenant_overrides:\n  acme: {llm_rpm: 600}\n"
        "bot_overrides:\n  bot-vip: {llm_rpm: 120, llm_burst: 20}",
    )

    default = invoke("limits", "show")
    acme = invoke("limits", "show", "--tenant", "acme")

    assert default.exit_code == 0
    rows = {
        line.split("│")[1].strip(): line
        for line in default.stdout.splitlines()
        if line.startswith("│") and line.split("│")[1].strip()
    }
    assert "Rate limits (enabled)" in default.stdout
    assert re.search(r"30/min\s*│\s*1\s*│\s*acme: 600/min, burst 1", rows["llm"])
    assert "bot-vip: 120/min, burst 20" in rows["llm"]
    assert re.search(r"20/min\s*│\s*5\s", rows["vision"])
    assert re.search(r"10/min\s*│\s*10\s", rows["ingestion"])
    assert re.search(r"│ llm\s*│\s*600/min", acme.stdout)


def test_limits_show_says_when_limiting_is_off(invoke, workdir):
    result = invoke("limits", "show")

    assert "Rate limits (disabled: every call is admitted)" in result.stdout


def test_limits_check_accepts_a_good_file(invoke, workdir):
    named = invoke("limits", "check", "longtrainer.yaml")
    by_option = invoke("limits", "check", "-c", "longtrainer.yaml")
    by_default = invoke("limits", "check")

    for result in (named, by_option, by_default):
        assert result.exit_code == 0
        assert "longtrainer.yaml: valid (rate limiting disabled)" in result.stdout


def test_limits_check_lists_every_fault_with_its_yaml_path(invoke, workdir):
    (workdir / "bad.yaml").write_text(
        "server:\n  nope: 1\nrate_limiting:\n  llm_rpm: -5\n  bogus: 1\n"
        "  tenant_overrides:\n    acme: {vision_rpm: 3}\n"
    )

    result = invoke("limits", "check", "bad.yaml")

    faults = result.stderr.splitlines()[1:]
    assert result.exit_code == 1
    assert result.stderr.startswith("ConfigError: invalid configuration in bad.yaml:")
    assert [line.split(":")[0].strip() for line in faults] == [
        "server.nope",
        "rate_limiting.llm_rpm",
        "rate_limiting.bogus",
        "rate_limiting.tenant_overrides.acme.vision_rpm",
    ]
    assert "must be a number greater than 0 (found -5)" in faults[1]
    assert "Traceback" not in result.output


def test_limits_check_reports_malformed_yaml_and_a_missing_file(invoke, workdir):
    (workdir / "broken.yaml").write_text("rate_limiting: [unclosed\n")

    broken = invoke("limits", "check", "broken.yaml")
    missing = invoke("limits", "check", "absent.yaml")

    assert broken.exit_code == 1
    assert "malformed YAML" in broken.stderr
    assert missing.exit_code == 1
    assert "(file): cannot be read" in missing.stderr
