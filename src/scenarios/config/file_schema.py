"""The JSON schema of config *files*, for editors (``scenarios schema``).

A file is not yet a :class:`~scenarios.config.schema.Spec`: it may ``extends`` a parent, which
supplies any key, at any depth, that the file leaves out. So the file schema is the Spec's schema
with ``extends`` added and every key optional; unknown keys, types and bounds stay as strict as
the Spec's, so an editor flags a misspelt key or a negative budget as it is typed.
"""

from __future__ import annotations

import json
from typing import Any

from scenarios.config.schema import Spec

SCHEMA_FILE = "config.schema.json"
"""Its name beside the shipped configs, which point to it on their first line."""

EXTENDS = {
    "type": "string",
    "description": "A config this one builds on: a file next to this one, or a shipped config by name "
    "(baseline, nnmi_full45, ...). Keys given here win.",
}

UNCERTAINTY = {
    "anyOf": [{"type": "object", "additionalProperties": True}, {"type": "null"}],
    "description": "A distribution ({dist: ..., ...}); null drops one the parent config gives.",
}


def _every_key_optional(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("required", None)
        for value in node.values():
            _every_key_optional(value)
    elif isinstance(node, list):
        for value in node:
            _every_key_optional(value)


def config_file_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) that every config file satisfies."""
    schema = Spec.model_json_schema()
    _every_key_optional(schema)
    schema["properties"] = {"extends": EXTENDS, **schema["properties"]}
    schema["properties"]["uncertainties"]["additionalProperties"] = UNCERTAINTY
    schema.update(
        title="scenarios config file",
        description="A scenario config; docs/config.md explains every key.",
    )
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def config_file_schema_text() -> str:
    """:func:`config_file_schema` as the text of ``config.schema.json``."""
    return json.dumps(config_file_schema(), indent=2, sort_keys=False) + "\n"
