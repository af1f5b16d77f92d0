"""YAML -> dict (with ``extends`` and ``--set`` overrides) -> validated :class:`Spec`.

In the order a config passes through them: `shipped` finds a config by name, `yaml_reader` reads a
bounded YAML mapping, `merge` follows the ``extends`` chain and applies ``--set`` overrides,
`validation` turns the dict into a `Spec` with errors a user can act on, and `policy` tells what
sets a scenario apart from its reference.
"""

from scenarios.config.load.merge import (
    apply_overrides,
    deep_merge,
    load_raw,
    parse_override,
    set_path,
)
from scenarios.config.load.policy import (
    METADATA,
    config_hash,
    is_lever,
    policy_differences,
    policy_record,
    shared_overrides,
    touches_policy,
)
from scenarios.config.load.shipped import (
    PACKAGED_CONFIGS,
    available_configs,
    names_a_file,
    resolve_config_path,
    shipped_names,
)
from scenarios.config.load.validation import config_problem, validate
from scenarios.config.load.yaml_reader import (
    MAX_DEPTH,
    MAX_NODES,
    YAMLTooLarge,
    load_yaml_text,
    read_yaml,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "METADATA",
    "PACKAGED_CONFIGS",
    "YAMLTooLarge",
    "apply_overrides",
    "available_configs",
    "config_hash",
    "config_problem",
    "deep_merge",
    "is_lever",
    "load_raw",
    "load_yaml_text",
    "names_a_file",
    "parse_override",
    "policy_differences",
    "policy_record",
    "read_yaml",
    "resolve_config_path",
    "set_path",
    "shared_overrides",
    "shipped_names",
    "touches_policy",
    "validate",
]
