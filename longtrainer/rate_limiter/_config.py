"""Rate limit configuration: validated once, at load, with the path of each fault."""

import logging
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._yaml import UniqueKeyLoader
from ._config_checks import SECTION, document_order, faults_of, name_faults
from ._errors import ConfigError
from ._resources import BUILTIN_LABELS, BUILTIN_RPM, ResourceLimit

logger = logging.getLogger(__name__)

KNOWN_SECTIONS = ("rate_limiting", "server")

Rpm = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Burst = Annotated[float, Field(ge=1, allow_inf_nan=False)]
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Overrides = dict[str, dict[str, Annotated[float, Field(allow_inf_nan=False)]]]


class ExtraResource(BaseModel):
    """A resource declared in the config, beyond the four built-in ones."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    rpm: Rpm
    burst: Burst | None = None
    label: str | None = None


class RateLimitConfig(BaseModel):
    """What each tenant may spend, per resource, and how bots share it.

    Rates are calls per minute (``llm_rpm``); a burst is the bucket's
    capacity in tokens and defaults to one minute's worth (the rpm).
    ``tenant_overrides[tenant]`` and ``bot_overrides[bot]`` take the same
    keys as the top level. Further resources are declared under
    ``resources``, e.g. ``{"vision": {"rpm": 20, "burst": 5}}``, and can then
    be overridden as ``vision_rpm`` and ``vision_burst``.

    :raises ConfigError: every fault at once, each with its path.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    enabled: bool = False
    llm_rpm: Rpm = BUILTIN_RPM["llm"]
    embedding_rpm: Rpm = BUILTIN_RPM["embedding"]
    tool_rpm: Rpm = BUILTIN_RPM["tool"]
    ingestion_rpm: Rpm = BUILTIN_RPM["ingestion"]
    llm_burst: Burst | None = None
    embedding_burst: Burst | None = None
    tool_burst: Burst | None = None
    ingestion_burst: Burst | None = None
    active_window: Seconds = 60.0
    resources: dict[str, ExtraResource] = Field(default_factory=dict)
    tenant_overrides: Overrides = Field(default_factory=dict)
    bot_overrides: Overrides = Field(default_factory=dict)

    def __init__(self, **data: Any) -> None:
        # Names are checked on the raw data, beside pydantic's checks of
        # the values, so that one load reports every fault.
        faults = list(name_faults(data))
        try:
            super().__init__(**data)
        except ValidationError as error:
            named = {path for path, _ in faults}
            faults += [f for f in faults_of(error) if f[0] not in named]
        if faults:
            ordered = sorted(faults, key=document_order(data))
            raise ConfigError([(f"{SECTION}.{path}", text) for path, text in ordered])

    @classmethod
    def from_mapping(cls, data: Any, *, source: str = "") -> "RateLimitConfig":
        """Validate a plain mapping (the ``rate_limiting`` section's content)."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            found = type(data).__name__
            raise ConfigError([(SECTION, f"must be a mapping (found {found})")], source)

        strange = [key for key in data if not isinstance(key, str)]
        if strange:
            faults = [(f"{SECTION}.{key}", "unknown key") for key in strange]
            raise ConfigError(faults, source)

        try:
            return cls(**data)
        except ConfigError as error:
            raise ConfigError(error.faults, source) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> "RateLimitConfig":
        """Read the ``rate_limiting:`` section of a ``longtrainer.yaml``.

        A file without that section gives the defaults (limiting disabled).
        :raises ConfigError: unreadable file, malformed YAML or bad values.
        """
        document = load_yaml_document(path)
        unknown = [key for key in document if key not in KNOWN_SECTIONS]
        if unknown:
            known = ", ".join(KNOWN_SECTIONS)
            faults = [(str(key), f"unknown section; known: {known}") for key in unknown]
            raise ConfigError(faults, str(path))

        if SECTION not in document:
            logger.warning("%s has no %s section: limiting is off", path, SECTION)
        return cls.from_mapping(document.get(SECTION), source=str(path))

    def resource_names(self) -> tuple[str, ...]:
        """Every resource this config limits, built-in ones first."""
        return (*BUILTIN_LABELS, *self.resources)

    def value(self, key: str) -> float | None:
        """The top-level value of a key such as ``llm_rpm`` or ``vision_burst``."""
        name, _, kind = key.rpartition("_")
        if name in self.resources:
            return getattr(self.resources[name], kind)
        return getattr(self, key)

    def tenant_limit(self, resource: str, tenant_id: str) -> ResourceLimit:
        """The ceiling of ``tenant_id`` for ``resource``, overrides applied."""
        override = self.tenant_overrides.get(tenant_id, {})
        rpm = override.get(f"{resource}_rpm") or self.value(f"{resource}_rpm")
        burst = override.get(f"{resource}_burst") or self.value(f"{resource}_burst")
        label = label_of(resource, self.resources.get(resource))
        return ResourceLimit(resource, label, rpm, burst or max(1.0, rpm))

    def bot_limit(self, resource: str, bot_id: str) -> ResourceLimit | None:
        """A bot's fixed limit for ``resource``, or None for the equal share."""
        override = self.bot_overrides.get(bot_id)
        if not override or f"{resource}_rpm" not in override:
            return None

        rpm = override[f"{resource}_rpm"]
        burst = override.get(f"{resource}_burst") or max(1.0, rpm)
        label = label_of(resource, self.resources.get(resource))
        return ResourceLimit(resource, label, rpm, burst)

    def describe(self) -> str:
        """One line for the operator's log: the limits in force."""
        if not self.enabled:
            return "disabled (every call admitted)"

        parts = []
        for name in self.resource_names():
            limit = self.tenant_limit(name, "")
            parts.append(f"{name} {limit.rpm:g}/min burst {limit.burst:g}")
        overrides = len(self.tenant_overrides) + len(self.bot_overrides)
        if overrides:
            parts.append(f"{overrides} overrides")
        parts.append(f"active window {self.active_window:g}s")
        return ", ".join(parts)

    def labels(self) -> dict[str, str]:
        """Each resource's label, by name."""
        return {
            name: label_of(name, self.resources.get(name))
            for name in self.resource_names()
        }


def label_of(resource: str, declared: ExtraResource | None = None) -> str:
    """The name a resource goes by in error texts: ``llm_calls`` for ``llm``."""
    if declared is not None and declared.label:
        return declared.label
    return BUILTIN_LABELS.get(resource, f"{resource}_calls")


def load_yaml_document(path: str | Path) -> dict:
    """Read a YAML file whose top level is a mapping, or raise ConfigError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            [("(file)", f"cannot be read: {error.strerror}")], str(path)
        ) from None

    try:
        document = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError([(where, f"malformed YAML: {problem}")], str(path)) from None

    if document is None:
        return {}
    if not isinstance(document, dict):
        found = type(document).__name__
        raise ConfigError(
            [("(top level)", f"must be a mapping (found {found})")], str(path)
        )
    return document


class _StrictLoader(UniqueKeyLoader):
    """Names the duplicate key: the rate limits hold no secrets."""

    def duplicate_message(self, key) -> str:
        return f"duplicate key {key!r}"
