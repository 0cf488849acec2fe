"""The README's walk from ``init`` to a rate-limited chat matches the template."""

from pathlib import Path

import yaml

from longtrainer.cli._template import CONFIG_TEMPLATE
from longtrainer.server.settings import load_settings

README = Path(__file__).parents[2] / "README.md"

# The edits the README asks for, as (line in the template, line after).
EDITS = [
    ("enabled: false", "enabled: true"),
    ("llm_rpm: 60", "llm_rpm: 30"),
    ("# llm_burst: 60", "llm_burst: 1"),
]


def test_the_readme_edits_turn_the_template_into_the_demo_limits(tmp_path):
    readme = " ".join(README.read_text().split())
    config = CONFIG_TEMPLATE
    for before, after in EDITS:
        assert f"`{before}`" in readme or f"`{after}`" in readme
        assert config.count(f"  {before}") == 1, before
        config = config.replace(f"  {before}", f"  {after}")
    path = tmp_path / "longtrainer.yaml"
    path.write_text(config)

    limits = load_settings(path).rate_limiting

    assert limits.enabled is True
    assert (limits.llm_rpm, limits.llm_burst) == (30, 1)
    assert yaml.safe_load(CONFIG_TEMPLATE)["rate_limiting"]["enabled"] is False
    assert "set `enabled: true`, change `llm_rpm: 60` to `llm_rpm: 30`" in readme
    assert "replace the line `# llm_burst: 60` with `llm_burst: 1`" in readme
