"""Each public package lists its names in a sorted, complete ``__all__``."""

import importlib

import pytest


@pytest.mark.parametrize(
    "module", ["longtrainer.fastapi", "longtrainer.models", "longtrainer.server"]
)
def test_all_is_sorted_and_importable(module):
    public = importlib.import_module(module)

    assert public.__all__ == sorted(public.__all__)
    assert all(hasattr(public, name) for name in public.__all__)


def test_cli_exposes_serve():
    from typer.testing import CliRunner

    from longtrainer.cli import app

    result = CliRunner().invoke(app, ["--help"])

    assert result.exit_code == 0
    assert "serve" in result.output
