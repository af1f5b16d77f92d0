"""YAML -> dict (with ``extends`` and ``--set`` overrides) -> validated :class:`Spec`."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from scenarios.config.schema import Spec
from scenarios.errors import ConfigError, Problem
from scenarios.files import check_input_file, read_text

PACKAGED_CONFIGS = resources.files("scenarios") / "configs"


MAX_NODES = (
    20_000  # values in a document, aliases expanded (a config has ~500; parsing 20,000 takes 0.5 s)
)
MAX_DEPTH = 50  # nesting of mappings and lists (a config has ~6)


class YAMLTooLarge(yaml.constructor.ConstructorError):
    """A document nested too deeply, or whose aliases expand past :data:`MAX_NODES` values."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that rejects duplicate mapping keys instead of keeping the last one, and
    documents of more than :data:`MAX_NODES` values, counting each alias as a copy of what it
    names ("billion laughs"): both are refused before a value is built."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._nodes += 1  # stop parsing early: a large flat document is refused as fast as a bomb
        if self._nodes > MAX_NODES:
            raise YAMLTooLarge(
                None,
                None,
                f"the document holds more than {MAX_NODES:,} values",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)

    def construct_document(self, node: yaml.Node) -> Any:
        _check_expansion(node)
        return super().construct_document(node)


def _check_expansion(root: yaml.Node) -> None:
    """Count the values of the document as if every alias were copied out, without copying."""
    sizes: dict[int, int] = {}  # an alias is the same node object again: each is sized once
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        if id(node) in sizes:
            continue
        if depth > MAX_DEPTH:
            raise YAMLTooLarge(
                None, None, f"nested more than {MAX_DEPTH} levels deep", node.start_mark
            )
        children = _children(node)
        if done or not children:
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[id(node)] > MAX_NODES:
                raise YAMLTooLarge(
                    None,
                    None,
                    f"the document expands to more than {MAX_NODES:,} values through its "
                    "'*' aliases",
                    node.start_mark,
                )
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, what: str = "config file") -> dict[str, Any]:
    """Read one YAML mapping (a bounded file, see :mod:`scenarios.files`), turning syntax errors,
    duplicate keys and alias bombs into :class:`ConfigError`."""
    if not os.path.lexists(path):
        raise ConfigError("file not found", file=str(path), hint=_config_hint(path))
    text = read_text(path, what)
    try:
        data = load_yaml_text(text)
    except YAMLTooLarge as exc:
        raise ConfigError(
            f"YAML document too large: {exc.problem}",
            file=str(path),
            path=_line(exc),
            hint="a config holds a few hundred values: write them out, without repeated "
            "'*' aliases or deep nesting",
        ) from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"YAML syntax error: {problem}",
            file=str(path),
            path=_line(exc),
            hint="check indentation and that every 'key: value' has a space after the colon",
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            "a config must be a mapping of keys to values",
            file=str(path),
            value=type(data).__name__,
        )
    return data


def _line(exc: yaml.YAMLError) -> str | None:
    mark = getattr(exc, "problem_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else None


def load_yaml_text(text: str) -> Any:
    """YAML text -> Python values with the bounded, duplicate-key-refusing loader."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except RecursionError:  # the composer recurses: far deeper than MAX_DEPTH
        raise YAMLTooLarge(None, None, f"nested more than {MAX_DEPTH} levels deep") from None


def _config_hint(path: Path) -> str | None:
    names = available_configs()
    close = difflib.get_close_matches(path.stem, names, n=1)
    if close:
        return f"did you mean '{close[0]}'? Shipped configs: {', '.join(names)}"
    return f"shipped configs: {', '.join(names)} (run 'scenarios list')"


def available_configs() -> list[str]:
    """Names of the scenario configs that ship with the package."""
    return sorted(
        p.name.removesuffix(".yaml") for p in PACKAGED_CONFIGS.iterdir() if p.name.endswith(".yaml")
    )


def resolve_config_path(name_or_path: str | Path) -> Path:
    """A path as given, or the packaged config of that name (``nnmi_full45``)."""
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    packaged = PACKAGED_CONFIGS / f"{path.name}.yaml"
    return Path(str(packaged))


def deep_merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Merge ``child`` over ``parent``: mappings merge key by key, everything else replaces.

    A distribution (a mapping with a ``dist`` key) replaces as a whole: a lognormal redefined as a
    normal must not keep the lognormal's fields.
    """
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and "dist" not in value:
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
            hint=_config_hint(Path(parent_name)),
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
    return deep_merge(load_raw(parent_path, (*_chain, resolved)), data)


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


def validate(
    data: dict[str, Any], *, file: str | None = None, overrides: list[str] | None = None
) -> Spec:
    """Validate a merged config dict; every problem is reported at once with its key path, and
    blames the ``--set`` option that gave the bad value, not the file."""
    try:
        return Spec.model_validate(data)
    except ValidationError as exc:
        problems = [config_problem(err, file) for err in _drop_other_branches(exc.errors())]
        raise ConfigError(
            "invalid config", problems=_blame_overrides(problems, overrides or [])
        ) from None


def _blame_overrides(problems: list[Problem], overrides: list[str]) -> list[Problem]:
    keys = {tuple(parse_override(text)[0]): text for text in overrides}
    for problem in problems:
        at = tuple((problem.path or "").split("."))
        blamed = [text for key, text in keys.items() if at[: len(key)] == key]
        if blamed:
            problem.file = f"command-line option --set {blamed[-1]}"
    return problems


def _is_branch(part: Any) -> bool:
    """pydantic names the branch of a union in an error's location (``list[...Budget]``)."""
    return isinstance(part, str) and "[" in part


def _drop_other_branches(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """A bad value of a union (one budget or a list of budgets) fails every branch: drop the
    'Input should be a valid list' of the branch whose shape the value does not have."""

    def mismatch(err: ErrorDetails) -> bool:
        return (
            err["type"] in ("list_type", "model_type")
            and bool(err["loc"])
            and _is_branch(err["loc"][-1])
        )

    def explained(err: ErrorDetails) -> bool:
        at = err["loc"][:-1]
        return any(not mismatch(e) and e["loc"][: len(at)] == at for e in errors)

    return [err for err in errors if not (mismatch(err) and explained(err))]


def config_problem(err: ErrorDetails, file: str | None) -> Problem:
    loc = [str(p) for p in err["loc"] if not _is_branch(p)]
    path = ".".join(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(loc[-1], allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else None
        valid = f"valid keys here: {', '.join(allowed)}" if allowed else None
        return Problem(
            f"unknown key '{loc[-1]}'", file, path, None, "; ".join(h for h in (hint, valid) if h)
        )
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    if kind == "missing":
        return Problem("required key is missing", file, path, None, f"add '{loc[-1]}: ...'")
    if isinstance(value, dict):
        value = None
    return Problem(message, file, path, value, None)


def _allowed_keys(loc: list[str]) -> list[str]:
    """Field names of the model at a location in the Spec (for 'did you mean')."""
    model: type[BaseModel] = Spec
    for key in loc:
        field = model.model_fields.get(key)
        if field is None:  # a dict key such as a country code: step into the dict's value model
            continue
        inner = _model_in(field.annotation)
        if inner is None:
            return []
        model = inner
    return sorted(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def config_hash(spec: Spec) -> str:
    """A stable hash of the resolved config (the same numbers give the same hash)."""
    text = json.dumps(spec.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


METADATA = ("name", "description", "source", "reference")
"""Keys that name and describe a scenario: never part of its policy."""


def _differences(ours: Any, theirs: Any, prefix: str) -> dict[str, tuple[Any, Any]]:
    """Dotted path -> (ours, theirs) where two nested mappings differ; a branch only one side has
    is one entry."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out: dict[str, tuple[Any, Any]] = {}
        for key in sorted(ours.keys() | theirs.keys(), key=str):
            out.update(
                _differences(
                    ours.get(key), theirs.get(key), f"{prefix}.{key}" if prefix else str(key)
                )
            )
        return out
    return {} if ours == theirs else {prefix: (ours, theirs)}


def policy_differences(scenario: Spec, reference: Spec) -> dict[str, tuple[Any, Any]]:
    """The keys in which a scenario differs from its reference (its policy), metadata aside.

    Returns
    -------
    dict
        Dotted path -> (scenario value, reference value); None where a side lacks the key.

    Example
    -------
    >>> policy_differences(scenarios.load_config("nnmi_full45"), scenarios.load_config("baseline"))  # doctest: +SKIP
    {'programs.manufacturing_usa.new_institute_budget': ({'total': 1890.0, ...}, None)}
    """
    ours, theirs = (
        {k: v for k, v in s.model_dump(mode="json", exclude_none=True).items() if k not in METADATA}
        for s in (scenario, reference)
    )
    return _differences(ours, theirs, "")


def policy_record(differences: dict[str, tuple[Any, Any]]) -> list[dict[str, Any]]:
    """The policy as JSON-ready rows (``key, scenario, reference``), e.g. for a manifest."""
    return [{"key": k, "scenario": a, "reference": b} for k, (a, b) in differences.items()]


def is_lever(override: str, policy: Iterable[str]) -> bool:
    """Whether an override touches a policy key: a key, its parent or its child."""
    return touches_policy(".".join(parse_override(override)[0]), policy)


def touches_policy(key: str, policy: Iterable[str]) -> bool:
    """Whether a dotted key is a policy key, its parent or its child."""
    return any(p == key or p.startswith(f"{key}.") or key.startswith(f"{p}.") for p in policy)


def shared_overrides(overrides: list[str], scenario: Spec, reference: Spec) -> list[str]:
    """The overrides that also apply to the reference: all but the policy levers.

    One world, two policies: an assumption changed for the scenario is changed for its
    reference too; a key in which the two differ (the policy) is changed for the scenario alone.
    """
    policy = policy_differences(scenario, reference)
    return [o for o in overrides if not is_lever(o, policy)]
