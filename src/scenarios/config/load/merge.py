"""The ``extends`` chain (a file beside the config, else a shipped one) and ``--set`` overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scenarios.config.load.shipped import PACKAGED_CONFIGS, config_hint
from scenarios.config.load.yaml_reader import load_yaml_text, read_yaml
from scenarios.errors import ConfigError
from scenarios.files import check_input_file


def deep_merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Merge ``child`` over ``parent``: mappings merge key by key, everything else replaces.

    A distribution (a mapping with a ``dist`` key) replaces as a whole: a lognormal redefined as a
    normal must not keep the lognormal's fields. A null removes the parent's key (an uncertainty
    the child does not want: the parameter keeps its point value).
    """
    merged = dict(parent)
    for key, value in child.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict) and "dist" not in value:
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_raw(path: Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a config and the chain of files it ``extends``, merged (children win)."""
    resolved = path.resolve()
    if resolved in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, resolved))
        raise ConfigError(
            "cyclic 'extends'",
            file=str(path),
            path="extends",
            value=cycle,
            hint="remove one of the 'extends' keys in this chain",
        )
    data = read_yaml(path)
    parent_name = data.pop("extends", None)
    if parent_name is None:
        return data
    if not isinstance(parent_name, str):
        raise ConfigError(
            "'extends' must be a file name", file=str(path), path="extends", value=parent_name
        )
    parent_path = _parent_path(path, parent_name)
    if parent_path is None:
        raise ConfigError(
            f"'extends' target {parent_name!r} is neither next to this file nor a shipped config",
            file=str(path),
            path="extends",
            value=parent_name,
            hint=config_hint(Path(parent_name)),
        )
    try:
        check_input_file(parent_path, "'extends' target")
    except ConfigError as exc:  # named from the file that extends it
        raise ConfigError(
            exc.problems[0].message,
            file=str(path),
            path="extends",
            value=parent_name,
            hint=exc.problems[0].hint,
        ) from None
    return _without_dropped_correlations(
        deep_merge(load_raw(parent_path, (*_chain, resolved)), data), data
    )


def _without_dropped_correlations(merged: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """A child that drops an uncertainty (a null) drops the parent's correlations on it too,
    unless it gives its own ``correlations``."""
    uncertainties = child.get("uncertainties")
    dropped = (
        {k for k, v in uncertainties.items() if v is None}
        if isinstance(uncertainties, dict)
        else set()
    )
    pairs = merged.get("correlations")
    if dropped and "correlations" not in child and isinstance(pairs, list):
        merged["correlations"] = [
            pair
            for pair in pairs
            if not (isinstance(pair, list | tuple) and dropped & set(pair[:2]))
        ]
    return merged


def _parent_path(path: Path, parent_name: str) -> Path | None:
    """What ``extends: parent_name`` in ``path`` names: a file next to it, else a shipped config
    of that name (with or without ``.yaml``)."""
    beside = path.parent / parent_name
    if beside.exists():
        return beside
    shipped = PACKAGED_CONFIGS / f"{Path(parent_name).name.removesuffix('.yaml')}.yaml"
    if Path(parent_name).name == parent_name and shipped.is_file():
        return Path(str(shipped))
    return None


def parse_override(text: str) -> tuple[list[str], Any]:
    """``countries.USA.growth.g=0.02`` -> (["countries", "USA", "growth", "g"], 0.02)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(
            "an override must look like dotted.path=value",
            path="--set",
            value=text,
            hint="e.g. --set countries.USA.growth.g=0.02",
        )
    try:
        parsed = load_yaml_text(value) if value.strip() else None
    except yaml.constructor.ConstructorError as exc:  # an alias bomb or a duplicate key
        raise ConfigError(
            f"the value is not a plain value: {exc.problem}",
            path="--set",
            value=text,
            hint="give a plain value, e.g. --set impact.rho=0.3",
        ) from None
    except yaml.YAMLError:
        parsed = value
    return key.strip().split("."), parsed


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Set each ``dotted.path=value`` into a copy of ``data`` (unknown keys are caught by the schema).

    A number in the path picks an element of a list: ``programs.manufacturing_usa.base_funding.1.annual``
    is the ``annual`` of the second budget of a list of budgets.
    """
    for text in overrides:
        keys, value = parse_override(text)
        data = set_path(data, keys, value, text)
    return data


def set_path(data: Any, keys: list[str], value: Any, text: str = "") -> Any:
    """A copy of ``data`` with ``value`` merged in at ``keys`` (mappings merge as in
    :func:`deep_merge`; a list is entered by an element's index)."""
    if not keys:
        return deep_merge(data, value) if _merges(data, value) else value
    key, rest = keys[0], keys[1:]
    if isinstance(data, list):
        if not (key.isdigit() and int(key) < len(data)):
            raise ConfigError(
                f"'{key}' does not index this list of {len(data)}",
                path="--set",
                value=text,
                hint=f"a list element is addressed by its index, 0 to {len(data) - 1}",
            )
        copy = list(data)
        copy[int(key)] = set_path(data[int(key)], rest, value, text)
        return copy
    if not isinstance(data, dict):
        data = {}
    return {**data, key: set_path(data.get(key), rest, value, text)}


def _merges(old: Any, new: Any) -> bool:
    return isinstance(old, dict) and isinstance(new, dict) and "dist" not in new
