"""One YAML mapping from a bounded file: duplicate keys and alias bombs refused, errors located."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from scenarios.config.load.shipped import config_hint
from scenarios.errors import ConfigError
from scenarios.files import read_text

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
        raise ConfigError("file not found", file=str(path), hint=config_hint(path))
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
