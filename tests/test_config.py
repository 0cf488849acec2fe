"""Loading and validating RateLimitConfig, from code and from YAML."""

import textwrap

import pytest

from longtrainer.rate_limiter import ConfigError, RateLimitConfig


def write(tmp_path, text: str):
    path = tmp_path / "longtrainer.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_defaults_are_disabled_with_the_documented_rates():
    config = RateLimitConfig()

    assert config.enabled is False
    assert (config.llm_rpm, config.embedding_rpm) == (60, 120)
    assert (config.tool_rpm, config.ingestion_rpm) == (30, 10)
    assert config.active_window == 60
    assert config.tenant_limit("llm", "anyone").burst == 60  # one minute's worth


def test_yaml_section_is_read(tmp_path):
    path = write(
        tmp_path,
        """
        server:
          data_dir: ./somewhere
        rate_limiting:
          enabled: true
          llm_rpm: 30
          llm_burst: 5
          tenant_overrides:
            acme: {llm_rpm: 600}
          bot_overrides:
            bot-vip: {llm_rpm: 120, llm_burst: 10}
        """,
    )

    config = RateLimitConfig.from_yaml(path)

    assert config.enabled
    assert config.tenant_limit("llm", "globex").rpm == 30
    assert config.tenant_limit("llm", "globex").burst == 5
    assert config.tenant_limit("llm", "acme").rpm == 600
    assert config.tenant_limit("llm", "acme").burst == 5  # explicit burst kept
    assert config.bot_limit("llm", "bot-vip").rpm == 120
    assert config.bot_limit("llm", "bot-plain") is None


def test_missing_section_or_empty_file_gives_defaults(tmp_path):
    assert RateLimitConfig.from_yaml(write(tmp_path, "")) == RateLimitConfig()
    assert (
        RateLimitConfig.from_yaml(write(tmp_path, "server: {}\n")) == RateLimitConfig()
    )


def test_extra_resources_are_declared_and_overridable(tmp_path):
    path = write(
        tmp_path,
        """
        rate_limiting:
          resources:
            vision: {rpm: 20, burst: 4}
          tenant_overrides:
            acme: {vision_rpm: 40}
        """,
    )

    config = RateLimitConfig.from_yaml(path)

    assert config.resource_names()[-1] == "vision"
    assert config.tenant_limit("vision", "x").burst == 4
    assert config.tenant_limit("vision", "acme").rpm == 40
    assert config.tenant_limit("vision", "x").label == "vision_calls"


@pytest.mark.parametrize(
    ("yaml_text", "path", "found"),
    [
        ("llm_rpm: -5", "rate_limiting.llm_rpm", "-5"),
        ("llm_rpm: 0", "rate_limiting.llm_rpm", "0"),
        ("llm_rpm: lots", "rate_limiting.llm_rpm", "'lots'"),
        ("llm_rpm: true", "rate_limiting.llm_rpm", "True"),
        ("llm_burst: 0.5", "rate_limiting.llm_burst", "0.5"),
        ("active_window: -1", "rate_limiting.active_window", "-1"),
        ("llm_rmp: 5", "rate_limiting.llm_rmp", None),
        (
            "tenant_overrides: {acme: {llm_rpm: -1}}",
            "tenant_overrides.acme.llm_rpm",
            "-1",
        ),
        (
            "tenant_overrides: {acme: {vision_rpm: 3}}",
            "tenant_overrides.acme.vision_rpm",
            None,
        ),
        ("bot_overrides: {b: {llm_burst: 3}}", "bot_overrides.b.llm_burst", None),
        ("bot_overrides: {b: {llm_rpm: x}}", "bot_overrides.b.llm_rpm", "'x'"),
        ("resources: {llm: {rpm: 3}}", "rate_limiting.resources.llm", None),
        ("resources: {Vision: {rpm: 3}}", "rate_limiting.resources.Vision", None),
        ("resources: {vision: {rpm: 3, size: 1}}", "resources.vision.size", None),
        ("resources: {llm_calls: {rpm: 1}}", "rate_limiting.resources.llm_calls", None),
        (
            "resources: {a: {rpm: 1, label: llm}}",
            "rate_limiting.resources.a.label",
            None,
        ),
        ("resources: {vision: 20}", "rate_limiting.resources.vision", "20"),
        ("llm_rpm: 1e3", "rate_limiting.llm_rpm", "the text '1e3'"),
        ("bot_overrides: {123: {llm_rpm: 5}}", "rate_limiting.bot_overrides.123", None),
        (
            "tenant_overrides: {acme: {active_window: 10}}",
            "rate_limiting.tenant_overrides.acme.active_window",
            None,
        ),
    ],
)
def test_bad_values_name_their_yaml_path_and_value(tmp_path, yaml_text, path, found):
    config_file = write(tmp_path, "rate_limiting:\n  " + yaml_text + "\n")

    with pytest.raises(ConfigError) as raised:
        RateLimitConfig.from_yaml(config_file)

    message = str(raised.value)
    assert path in message
    assert str(config_file) in message
    if found is not None:
        assert f"found {found}" in message


def test_every_fault_is_reported_at_once(tmp_path):
    path = write(tmp_path, "rate_limiting:\n  llm_rpm: -1\n  tool_rpm: x\n  nope: 1\n")

    with pytest.raises(ConfigError) as raised:
        RateLimitConfig.from_yaml(path)

    paths = [fault_path for fault_path, _ in raised.value.faults]
    assert paths == [
        "rate_limiting.llm_rpm",
        "rate_limiting.tool_rpm",
        "rate_limiting.nope",
    ]


def test_malformed_yaml_names_line_and_column(tmp_path):
    path = write(tmp_path, "rate_limiting:\n  llm_rpm: [60\n")

    with pytest.raises(ConfigError, match=r"line \d+, column \d+: malformed YAML"):
        RateLimitConfig.from_yaml(path)


@pytest.mark.parametrize(
    ("text", "where"),
    [("- a\n- b\n", "(top level)"), ("rate_limiting: [1, 2]\n", "rate_limiting")],
)
def test_a_section_that_is_not_a_mapping_is_refused(tmp_path, text, where):
    with pytest.raises(
        ConfigError, match=r"must be a mapping \(found list\)"
    ) as raised:
        RateLimitConfig.from_yaml(write(tmp_path, text))
    assert raised.value.faults[0][0] == where


def test_unreadable_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        RateLimitConfig.from_yaml(tmp_path / "missing.yaml")


def test_config_in_code_raises_the_same_config_error():
    with pytest.raises(ConfigError) as raised:
        RateLimitConfig(llm_rmp=5, llm_rpm=-5)

    assert raised.value.faults == [
        ("rate_limiting.llm_rmp", "unknown key"),
        ("rate_limiting.llm_rpm", "must be a number greater than 0 (found -5)"),
    ]


def test_a_declared_label_names_the_resource_in_errors():
    config = RateLimitConfig(
        resources={"llm_tokens": {"rpm": 9000, "label": "llm_tokens"}}
    )

    assert config.tenant_limit("llm_tokens", "acme").label == "llm_tokens"
