"""Settings: faults name their YAML path; API keys never show in a message."""

from pathlib import Path

import pytest

from longtrainer.rate_limiter import ConfigError
from longtrainer.server.settings import keys_from_environment, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "longtrainer.yaml"
    path.write_text(text)
    return path


def test_a_full_file_loads(tmp_path):
    path = write(
        tmp_path,
        """
server:
  data_dir: ./state
  api_keys:
    "key-acme-1": acme
rate_limiting:
  enabled: true
  llm_rpm: 30
""",
    )

    settings = load_settings(path, environ={})

    assert settings.server.data_dir == tmp_path / "state"
    assert settings.server.api_keys == {"key-acme-1": "acme"}
    assert settings.rate_limiting.enabled
    assert settings.rate_limiting.llm_rpm == 30


def test_no_file_means_defaults():
    settings = load_settings(None, environ={})

    assert settings.server.api_keys == {}
    assert settings.server.provider.kind == "local"
    assert not settings.rate_limiting.enabled


def test_environment_keys_add_to_the_file(tmp_path):
    path = write(tmp_path, 'server:\n  api_keys:\n    "k-file": acme\n')
    environ = {"LONGTRAINER_API_KEYS": "k-env=globex, k-file=initech"}

    keys = load_settings(path, environ=environ).server.api_keys

    assert keys == {"k-file": "initech", "k-env": "globex"}


@pytest.mark.parametrize(
    ("text", "path", "found"),
    [
        ("server:\n  data_dri: x\n", "server.data_dri", "Extra inputs"),
        ("server:\n  provider:\n    kind: claude\n", "server.provider.kind", "claude"),
        ("server:\n  provider:\n    timeout: -1\n", "server.provider.timeout", "-1"),
        ("server: [1]\n", "server", "found list"),
        ("sever:\n  api_keys: {}\n", "sever", "unknown section"),
        ("rate_limiting:\n  llm_rpm: -5\n", "rate_limiting.llm_rpm", "-5"),
        ("server:\n  api_keys: {a: [b\n", "line", "malformed YAML"),
    ],
)
def test_faults_name_their_yaml_path(tmp_path, text, path, found):
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), environ={})

    message = str(caught.value)
    assert f"{path}" in message
    assert found in message


def test_a_bad_tenant_id_is_reported_without_its_key(tmp_path):
    path = write(tmp_path, 'server:\n  api_keys:\n    "s3cret-key": "acme corp"\n')

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    assert "server.api_keys.<key>" in str(caught.value)
    assert "s3cret-key" not in str(caught.value)


def test_a_malformed_environment_pair_hides_the_pair():
    environ = {"LONGTRAINER_API_KEYS": "k1=acme,s3cret-key"}

    with pytest.raises(ConfigError) as caught:
        keys_from_environment(environ)

    assert "LONGTRAINER_API_KEYS: pair 2 is not key=tenant_id" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_faults_of_both_sections_are_reported_together(tmp_path):
    path = write(tmp_path, "server:\n  data_dri: x\nrate_limiting:\n  llm_rpm: -5\n")

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    paths = [path for path, _ in caught.value.faults]
    assert paths == ["server.data_dri", "rate_limiting.llm_rpm"]


def test_the_environment_overrides_the_provider(tmp_path):
    path = write(tmp_path, "server:\n  provider:\n    model: from-file\n")
    environ = {
        "LONGTRAINER_PROVIDER_KIND": "openai",
        "LONGTRAINER_PROVIDER_BASE_URL": "http://127.0.0.1:9/v1",
    }

    provider = load_settings(path, environ=environ).server.provider

    assert provider.kind == "openai"
    assert provider.base_url == "http://127.0.0.1:9/v1"
    assert provider.model == "from-file"


def test_a_key_given_twice_is_refused_without_quoting_it(tmp_path):
    text = 'server:\n  api_keys:\n    "s3cret": acme\n    "s3cret": globex\n'

    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), environ={})

    assert "line 4: malformed YAML: duplicate key" in str(caught.value)
    assert "s3cret" not in str(caught.value)
