"""Rate limit configuration: validated once, at load, with the path of each fault."""

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._errors import ConfigError
from ._resources import BUILTIN_LABELS, BUILTIN_RPM, ResourceLimit

SECTION = "rate_limiting"

Rpm = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Burst = Annotated[float, Field(ge=1, allow_inf_nan=False)]
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Overrides = dict[str, dict[str, Annotated[float, Field(allow_inf_nan=False)]]]

_RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ExtraResource(BaseModel):
    """A resource declared in the config, beyond the four built-in ones."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    rpm: Rpm
    burst: Burst | None = None


class RateLimitConfig(BaseModel):
    """What each tenant may spend, per resource, and how bots share it.

    Rates are calls per minute (``llm_rpm``); a burst is the bucket's
    capacity in tokens and defaults to one minute's worth (the rpm).
    ``tenant_overrides[tenant]`` and ``bot_overrides[bot]`` take the same
    keys as the top level. Further resources are declared under
    ``resources``, e.g. ``{"vision": {"rpm": 20, "burst": 5}}``, and can then
    be overridden as ``vision_rpm`` and ``vision_burst``.
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

    @model_validator(mode="after")
    def _check_names(self) -> "RateLimitConfig":
        faults = list(self._resource_name_faults())
        faults += _override_faults("tenant_overrides", self.tenant_overrides, self)
        faults += _override_faults("bot_overrides", self.bot_overrides, self)
        faults += _bot_rpm_faults(self.bot_overrides, self)
        if faults:
            raise ValueError("\n".join(f"{path}|{msg}" for path, msg in faults))

        return self

    def _resource_name_faults(self):
        for name in self.resources:
            if name in BUILTIN_LABELS:
                yield f"resources.{name}", "is built in; set its _rpm key instead"
            elif not _RESOURCE_NAME.match(name):
                yield (
                    f"resources.{name}",
                    "a resource name is lower case letters, digits and _",
                )

    @classmethod
    def from_mapping(cls, data: Any, *, source: str = "") -> "RateLimitConfig":
        """Validate a plain mapping (the ``rate_limiting`` section's content)."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            found = type(data).__name__
            raise ConfigError([(SECTION, f"must be a mapping (found {found})")], source)

        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise ConfigError(_faults_of(error), source) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> "RateLimitConfig":
        """Read the ``rate_limiting:`` section of a ``longtrainer.yaml``.

        A file without that section gives the defaults (limiting disabled).
        :raises ConfigError: unreadable file, malformed YAML or bad values.
        """
        document = load_yaml_document(path)
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
        return ResourceLimit(resource, label_of(resource), rpm, burst or rpm)

    def bot_limit(self, resource: str, bot_id: str) -> ResourceLimit | None:
        """A bot's fixed limit for ``resource``, or None for the equal share."""
        override = self.bot_overrides.get(bot_id)
        if not override or f"{resource}_rpm" not in override:
            return None

        rpm = override[f"{resource}_rpm"]
        burst = override.get(f"{resource}_burst") or rpm
        return ResourceLimit(resource, label_of(resource), rpm, burst)

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

    def override_keys(self) -> set[str]:
        """Keys an override may set: ``<resource>_rpm`` and ``<resource>_burst``."""
        names = self.resource_names()
        return {f"{name}_{kind}" for name in names for kind in ("rpm", "burst")}


def label_of(resource: str) -> str:
    """The name a resource goes by in error texts: ``llm_calls`` for ``llm``."""
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
        document = yaml.safe_load(text)
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


def _override_faults(field: str, overrides: dict, config: RateLimitConfig):
    allowed = config.override_keys()
    for owner, values in overrides.items():
        if not owner:
            yield field, "an id must not be empty"
        for key, value in values.items():
            path = f"{field}.{owner}.{key}"
            if key not in allowed:
                yield path, f"unknown key; valid keys: {', '.join(sorted(allowed))}"
            elif key.endswith("_rpm") and value <= 0:
                yield path, f"must be a number greater than 0 (found {value!r})"
            elif key.endswith("_burst") and value < 1:
                yield path, f"must be a number of at least 1 (found {value!r})"


def _bot_rpm_faults(overrides: dict, config: RateLimitConfig):
    # A bot's own burst without its own rate has no meaning: its rate
    # would still be the equal share, which moves with the other bots.
    for bot_id, values in overrides.items():
        for name in config.resource_names():
            if f"{name}_burst" in values and f"{name}_rpm" not in values:
                yield (
                    f"bot_overrides.{bot_id}.{name}_burst",
                    f"a bot override needs {name}_rpm beside {name}_burst",
                )


def _faults_of(error: ValidationError) -> list[tuple[str, str]]:
    faults = []
    for item in error.errors():
        if not item["loc"]:
            # Our own cross-field checks: "path|message" lines.
            message = item["msg"].removeprefix("Value error, ")
            for line in message.splitlines():
                path, _, text = line.partition("|")
                faults.append((f"{SECTION}.{path}", text))
            continue

        path = ".".join([SECTION, *(str(part) for part in item["loc"])])
        text = _plain_message(item)
        faults.append((path, text))
    return faults


def _plain_message(item: dict) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "greater_than":
        return f"must be a number greater than 0 (found {item['input']!r})"
    if kind == "greater_than_equal":
        return f"must be a number of at least 1 (found {item['input']!r})"
    return f"{item['msg'].lower()} (found {item['input']!r})"
