"""What identifies a config (its hash) and what sets a scenario apart from its reference."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from scenarios.config.load.merge import parse_override
from scenarios.config.schema import Spec


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
