"""Fixtures: a working directory with a ``longtrainer.yaml``, and a runner."""

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from longtrainer.cli import app
from longtrainer.server.settings import PROVIDER_VARIABLES

FAQ = "Refunds are possible within 30 days.\n\nShipping to Europe takes five days.\n"


def write_config(directory: Path, limits: str = "enabled: false") -> Path:
    """A ``longtrainer.yaml`` in ``directory`` with ``limits`` as its section."""
    path = directory / "longtrainer.yaml"
    section = "\n".join(f"  {line}" for line in limits.splitlines())
    path.write_text(f"server:\n  data_dir: ./data\nrate_limiting:\n{section}\n")
    return path


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh directory, made current, holding a config and ``faq.md``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LONGTRAINER_API_KEYS", raising=False)
    monkeypatch.delenv("LONGTRAINER_SERVER", raising=False)
    monkeypatch.delenv("LONGTRAINER_API_KEY", raising=False)
    for variable in PROVIDER_VARIABLES.values():
        # The provider must come from the test's config: loopback or offline.
        monkeypatch.delenv(variable, raising=False)
    write_config(tmp_path)
    (tmp_path / "faq.md").write_text(FAQ)
    return tmp_path


@pytest.fixture
def invoke() -> Callable[..., Result]:
    """Run ``longtrainer ARGS`` in this process, on a wide terminal."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env={"COLUMNS": "200"})

    return run


@pytest.fixture
def new_bot(invoke) -> Callable[..., str]:
    """Create a bot with ``faq.md`` through the CLI; return its id."""

    def create(*args: str) -> str:
        created = invoke("bot", "create", "--name", "support", *args)
        assert created.exit_code == 0, created.output
        bot_id = created.stdout.strip()
        added = invoke("add-doc", bot_id, "faq.md", *args)
        assert added.exit_code == 0, added.output
        return bot_id

    return create
