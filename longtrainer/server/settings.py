"""Server settings: the ``server:`` section of ``longtrainer.yaml``.

    server:
      data_dir: ./.longtrainer        # relative to the YAML file
      api_keys:
        "key-acme-1": acme            # key -> tenant id
      provider:
        kind: local                   # or openai (any compatible API)

API keys may also come from ``LONGTRAINER_API_KEYS="key1=acme,key2=globex"``,
which adds to (and wins over) the file; ``LONGTRAINER_PROVIDER_KIND``,
``_BASE_URL``, ``_MODEL`` and ``_EMBEDDING_MODEL`` override the provider.

Faults are reported with their YAML path, as the rate limiter does for its
own section; an API key is never part of a message, so a typo in one
cannot leak it into a log.
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._yaml import UniqueKeyLoader
from ..rate_limiter import ConfigError, RateLimitConfig

KEYS_VARIABLE = "LONGTRAINER_API_KEYS"
PROVIDER_VARIABLES = {
    "kind": "LONGTRAINER_PROVIDER_KIND",
    "base_url": "LONGTRAINER_PROVIDER_BASE_URL",
    "model": "LONGTRAINER_PROVIDER_MODEL",
    "embedding_model": "LONGTRAINER_PROVIDER_EMBEDDING_MODEL",
}
SECTIONS = ("server", "rate_limiting")

_TENANT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
TenantId = Annotated[str, Field(pattern=_TENANT_PATTERN)]
_KEY = re.compile(r"^\S+$")


class ProviderSettings(BaseModel):
    """Which models answer: ``local`` (offline) or ``openai`` (compatible API).

    For ``openai`` the key is read from the environment variable named by
    ``api_key_env`` (never from the file); ``embedding_model`` unset keeps
    embeddings local, so documents can be indexed without an upstream.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["local", "openai"] = "local"
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    embedding_model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    timeout: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 30.0


class ServerSettings(BaseModel):
    """Where state lives, who may call, and which models answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path = Path(".longtrainer")
    api_keys: dict[str, TenantId] = Field(default_factory=dict)
    provider: ProviderSettings = ProviderSettings()
    max_document_bytes: Annotated[int, Field(gt=0)] = 2_000_000


@dataclass(frozen=True)
class Settings:
    """Everything ``longtrainer serve`` reads at start-up."""

    server: ServerSettings
    rate_limiting: RateLimitConfig
    source: str = ""


def load_settings(
    path: str | Path | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """Read and validate ``longtrainer.yaml`` (or defaults when ``path`` is None).

    :raises ConfigError: every fault found, each with its YAML path.
    """
    source = str(path) if path is not None else ""
    document = _read_yaml(Path(path)) if path is not None else {}

    unknown = [key for key in document if key not in SECTIONS]
    if unknown:
        message = f"unknown section; valid sections: {', '.join(SECTIONS)}"
        raise ConfigError([(str(key), message) for key in unknown], source)

    # Both sections are checked before raising, so one run shows every fault.
    faults = []
    try:
        section = document.get("server")
        server = server_settings(
            {} if section is None else section, environ=environ, source=source
        )
    except ConfigError as error:
        faults += error.faults
    try:
        limits = RateLimitConfig.from_mapping(
            document.get("rate_limiting"), source=source
        )
    except ConfigError as error:
        faults += error.faults
    if faults:
        raise ConfigError(faults, source)

    if path is not None and not server.data_dir.is_absolute():
        data_dir = Path(path).parent / server.data_dir
        server = server.model_copy(update={"data_dir": data_dir})
    _check_data_dir(server.data_dir, source)
    return Settings(server=server, rate_limiting=limits, source=source)


def prepare_data_dir(settings: Settings) -> None:
    """Create ``server.data_dir`` if need be.

    :raises ConfigError: it cannot be created (a file in the way, no rights).
    """
    try:
        settings.server.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        message = f"cannot be created: {error.strerror} (found {error.filename})"
        raise ConfigError([("server.data_dir", message)], settings.source) from None


def _check_data_dir(data_dir: Path, source: str) -> None:
    """Refuse a ``data_dir`` that is, or lies inside, an existing file."""
    for path in (data_dir, *data_dir.parents):
        if path.exists():
            if not path.is_dir():
                message = f"must be a directory (found the file {path})"
                raise ConfigError([("server.data_dir", message)], source)
            return


def server_settings(
    section: Any,
    *,
    environ: Mapping[str, str] = os.environ,
    source: str = "",
) -> ServerSettings:
    """Validate the ``server:`` section with the overrides from the environment."""
    if not isinstance(section, dict):
        found = type(section).__name__
        raise ConfigError([("server", f"must be a mapping (found {found})")], source)

    provider = {
        field: environ[variable]
        for field, variable in PROVIDER_VARIABLES.items()
        if environ.get(variable)
    }
    if provider and isinstance(section.get("provider", {}), dict):
        section = {**section, "provider": {**section.get("provider", {}), **provider}}

    try:
        settings = ServerSettings.model_validate(section)
    except ValidationError as error:
        raise ConfigError(_faults(error), source) from None

    if not all(_KEY.match(key) for key in settings.api_keys):
        message = "an API key must be non-empty, without spaces"
        raise ConfigError([("server.api_keys", message)], source)

    keys = {**settings.api_keys, **keys_from_environment(environ)}
    return settings.model_copy(update={"api_keys": keys})


def keys_from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Parse ``LONGTRAINER_API_KEYS="key1=tenant1,key2=tenant2"``."""
    value = environ.get(KEYS_VARIABLE, "").strip()
    if not value:
        return {}

    keys = {}
    for position, pair in enumerate(value.split(","), start=1):
        key, _, tenant_id = (part.strip() for part in pair.partition("="))
        tenant_ok = re.match(_TENANT_PATTERN, tenant_id)
        if not _KEY.match(key) or not tenant_ok:
            # Quote the position, not the pair: the pair holds a secret.
            message = f"pair {position} is not key=tenant_id"
            raise ConfigError([(KEYS_VARIABLE, message)], "environment")
        keys[key] = tenant_id

    return keys


def _read_yaml(path: Path) -> dict:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        # A SafeLoader subclass: plain data only, as with yaml.safe_load.
        document = yaml.load(text, Loader=UniqueKeyLoader)
    except OSError as error:
        message = f"cannot be read: {error.strerror}"
        raise ConfigError([("(file)", message)], source) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise ConfigError([(where, f"malformed YAML: {problem}")], source) from None

    if document is None:
        return {}
    if not isinstance(document, dict):
        message = f"must be a mapping (found {type(document).__name__})"
        raise ConfigError([("(top level)", message)], source)
    return document


def _faults(error: ValidationError) -> list[tuple[str, str]]:
    faults = []
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        found = f" (found {item['input']!r})"
        if location[:1] == ["api_keys"]:
            # Keys are secrets: keep them out of the path and the message,
            # whatever shape the section has (a list of keys, a string...).
            location[1:] = ["<key>"] if len(location) > 1 else []
            found = f" (found {type(item['input']).__name__})"
        path = ".".join(["server", *location])
        faults.append((path, f"{item['msg']}{found}"))

    return faults
