"""The checks behind RateLimitConfig's error messages.

Names (resources, override keys, ids) are checked here on the raw data, so
a fault in one part never hides a fault in another; pydantic checks the
values. Every fault is a ``(path, message)`` pair, the path as in the YAML.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from ._resources import BUILTIN_LABELS

SECTION = "rate_limiting"
TOP_LEVEL_KEYS = (
    "enabled",
    *(f"{name}_{kind}" for name in BUILTIN_LABELS for kind in ("rpm", "burst")),
    "active_window",
    "resources",
    "tenant_overrides",
    "bot_overrides",
)

_RESOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

Fault = tuple[str, str]


def name_faults(data: dict) -> Iterator[Fault]:
    """Faults of naming in a raw ``rate_limiting`` mapping."""
    resources = data.get("resources")
    names = list(BUILTIN_LABELS)
    if isinstance(resources, dict):
        yield from _resource_faults(resources)
        names += [n for n in resources if isinstance(n, str) and _is_fresh(n)]

    allowed = {f"{name}_{kind}" for name in names for kind in ("rpm", "burst")}
    for field in ("tenant_overrides", "bot_overrides"):
        overrides = data.get(field)
        if isinstance(overrides, dict):
            yield from _override_faults(field, overrides, allowed)


def _is_fresh(name: str) -> bool:
    taken = {*BUILTIN_LABELS, *BUILTIN_LABELS.values()}
    return bool(_RESOURCE_NAME.match(name)) and name not in taken


def _resource_faults(resources: dict) -> Iterator[Fault]:
    seen = {*BUILTIN_LABELS, *BUILTIN_LABELS.values()}
    for name, spec in resources.items():
        path = f"resources.{name}"
        if not isinstance(name, str) or not _RESOURCE_NAME.match(name):
            yield path, "a resource name is lower case letters, digits and _"
            continue
        if name in seen:
            yield path, "clashes with a built-in resource or a label in use"
            continue

        label = spec.get("label") if isinstance(spec, dict) else None
        label = label if isinstance(label, str) else f"{name}_calls"
        if label in seen:
            yield f"{path}.label", f"{label!r} is already a resource or a label"
        seen |= {name, label}


def _override_faults(field: str, overrides: dict, allowed: set) -> Iterator[Fault]:
    for owner, values in overrides.items():
        path = f"{field}.{owner}"
        if not isinstance(owner, str) or not owner:
            yield path, f"an id must be non-empty text; quote it in YAML ('{owner}')"
            continue
        if not isinstance(values, dict):
            continue  # pydantic names the type

        for key, value in values.items():
            yield from _override_value_faults(f"{path}.{key}", key, value, allowed)

        if field == "bot_overrides":
            yield from _bot_burst_faults(path, values)


def _override_value_faults(path: str, key: Any, value: Any, allowed: set):
    if key not in allowed:
        yield path, f"unknown key; valid keys: {', '.join(sorted(allowed))}"
    elif isinstance(value, bool) or not isinstance(value, int | float):
        return  # pydantic names the type
    elif key.endswith("_rpm") and not value > 0:
        yield path, f"must be a number greater than 0 (found {value!r})"
    elif key.endswith("_burst") and not value >= 1:
        yield path, f"must be a number of at least 1 (found {value!r})"


def _bot_burst_faults(path: str, values: dict) -> Iterator[Fault]:
    # A bot's own burst without its own rate has no meaning: its rate
    # would still be the equal share, which moves with the other bots.
    for key in values:
        if isinstance(key, str) and key.endswith("_burst"):
            name = key.removesuffix("_burst")
            if f"{name}_rpm" not in values:
                yield (
                    f"{path}.{key}",
                    f"a bot override needs {name}_rpm beside {name}_burst",
                )


def faults_of(error: ValidationError) -> list[Fault]:
    """pydantic's errors as plain ``(path, message)`` faults."""
    faults = []
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        if location and location[-1] == "[key]":
            continue  # the id itself: name_faults reports it

        faults.append((".".join(location), _plain_message(item)))
    return faults


def _plain_message(item: dict) -> str:
    kind, found = item["type"], item.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "greater_than":
        return f"must be a number greater than 0 (found {found!r})"
    if kind == "greater_than_equal":
        return f"must be a number of at least 1 (found {found!r})"
    if kind in ("model_type", "dict_type"):
        return f"must be a mapping such as {{rpm: 20, burst: 5}} (found {found!r})"
    if kind == "float_type" and isinstance(found, str) and _NUMBER_TEXT.match(found):
        return (
            f"must be a number (found the text {found!r}: YAML reads an "
            "exponent without a dot as text; write it out or as 1.0e3)"
        )
    return f"{item['msg'].lower()} (found {found!r})"


def document_order(data: dict) -> Callable[[Fault], tuple]:
    """A sort key putting faults in the order their keys appear."""
    order = {key: index for index, key in enumerate(data)}

    def position(fault: Fault) -> tuple:
        head = fault[0].split(".", 1)[0]
        return (order.get(head, len(order)), fault[0])

    return position
