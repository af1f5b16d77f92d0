"""Policy levers of a scenario: numeric config values by dotted path (the ``--set`` paths), each
with its label and units from the registry, a range to search and how it meets the one world."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scenarios.config.labels import describe
from scenarios.config.load import policy_differences, touches_policy
from scenarios.config.schema import Spec
from scenarios.errors import ConfigError

ROOTS = ("programs", "impact", "countries", "money")  # where numbers that can be levers live
YEAR_KEYS = ("start", "end")


@dataclass(frozen=True)
class Lever:
    """One lever: the dotted ``path`` it sets, its search range, whether it takes whole numbers,
    the scenario's own value, its label and units, and notes on how it is applied."""

    path: str
    low: float
    high: float
    integer: bool
    start: float
    label: str
    units: str
    notes: list[str] = field(default_factory=list)

    def grid(self, points: int) -> np.ndarray:
        """``points`` values evenly over the range (whole numbers for an integer lever)."""
        values = np.linspace(self.low, self.high, points)
        return np.unique(np.round(values)) if self.integer else values


def numeric_leaves(tree: Any, prefix: str = "") -> dict[str, float]:
    """Dotted path -> value of every number in a nested mapping (a list element by its index;
    booleans left out)."""
    if isinstance(tree, dict | list):
        items = tree.items() if isinstance(tree, dict) else enumerate(tree)
        out: dict[str, float] = {}
        for key, value in items:
            out.update(numeric_leaves(value, f"{prefix}{key}."))
        return out
    if isinstance(tree, int | float) and not isinstance(tree, bool):
        return {prefix.rstrip("."): tree}
    return {}


def lever_paths(spec: Spec) -> dict[str, float]:
    """Every path a lever may take in ``spec``, with the scenario's value."""
    tree = spec.model_dump()
    return {
        path: value
        for root in ROOTS
        for path, value in numeric_leaves(tree.get(root, {}), f"{root}.").items()
    }


def unknown_lever(spec: Spec, file: str, path: str, option: str) -> ConfigError:
    """The error for a path that is no lever of ``spec``: a close match and the program levers."""
    valid = lever_paths(spec)
    close = difflib.get_close_matches(path, list(valid), n=1, cutoff=0.6)
    programs = [p for p in valid if p.startswith("programs.")]
    hint = (f"did you mean '{close[0]}'? " if close else "") + (
        "levers of this scenario's programs: "
        + ", ".join(programs)
        + "; also any number under impact., countries. or money."
    )
    return ConfigError(
        f"not a numeric value of scenario {spec.name!r}",
        file=file,
        path=option,
        value=path,
        hint=hint,
    )


def default_range(spec: Spec, path: str, value: float) -> tuple[float, float]:
    """0 to ten times the scenario's value; a year from the history's start to the horizon."""
    if path.rsplit(".", 1)[-1] in YEAR_KEYS:
        return float(spec.history_start), float(spec.horizon)
    if value <= 0:
        raise ConfigError(
            f"no default range for a lever whose value is {value:g}",
            path="--range",
            hint="give the range to search: --range LOW HIGH",
        )
    return 0.0, 10.0 * value


def lever_of(
    spec: Spec,
    file: str,
    path: str,
    bounds: tuple[float, float] | None,
    index: int = 0,
    reference: Spec | None = None,
) -> Lever:
    """The lever at ``path`` of ``spec`` (``--lever`` number ``index``), searched over ``bounds``.

    ``reference`` is the scenario the claim's metric compares with: a lever that is not one of
    the keys in which the two differ changes the reference too (one world, as ``--set``).
    """
    option = "--lever" if index == 0 else f"--lever ({index + 1})"
    values = lever_paths(spec)
    if path not in values:
        raise unknown_lever(spec, file, path, option)
    value = values[path]
    low, high = bounds if bounds is not None else default_range(spec, path, value)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ConfigError(
            "a lever's range must be two finite numbers, low < high",
            path="--range",
            value=[low, high],
            hint=f"e.g. --range 0 {10 * value if value > 0 else 100:g}",
        )
    integer = isinstance(value, int)
    names = {key: program.label for key, program in spec.programs.items()}
    label = describe(path, names)
    notes = []
    if path in spec.uncertainties:
        notes.append(
            f"{path} is uncertain in {spec.name}: as a lever it is held at each value, its "
            "distribution left out of the ensemble"
        )
    if reference is not None and not touches_policy(path, policy_differences(spec, reference)):
        notes.append(
            f"{path} is not a key in which {spec.name} differs from {reference.name}: as with "
            f"--set, it changes {reference.name} too (one world)"
        )
    return Lever(
        path,
        float(low),
        float(high),
        integer,
        value,
        label.label,
        _units(spec, path, label.units),
        notes,
    )


def _units(spec: Spec, path: str, units: str) -> str:
    """The registry's units, with the prices of a budget appropriated in one year's dollars."""
    budget: Any = spec.model_dump()
    for key in path.split(".")[:-1]:
        if isinstance(budget, list) and key.isdigit():
            budget = budget[int(key)]
        else:
            budget = budget.get(key) if isinstance(budget, dict) else None
    if isinstance(budget, dict) and budget.get("dollar_year") and units.endswith("nominal"):
        return units.replace("nominal", f"{budget['dollar_year']} prices")
    return units


def setting_text(path: str, value: float) -> str:
    """A lever setting as a ``--set`` override."""
    return f"{path}={float(value)!r}"
