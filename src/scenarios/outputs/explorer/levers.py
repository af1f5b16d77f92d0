"""Levers: the config values a user can move, labelled from the registry, and the YAML that
extends the starting config with only the keys the user changed.

A lever on a sampled parameter (one with an entry in ``uncertainties``) moves the centre of its
distribution: the slider shows the median, and moving it shifts the distribution's location
(``low``/``mode``/``high``/``mean``; a lognormal's ``median``) so that its median follows. The
unit-cube draws stay the same (common random numbers), so the bands move only with the lever.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scenarios.analysis.sampling import validate_uncertainties
from scenarios.config.labels import describe
from scenarios.config.load import PACKAGED_CONFIGS, deep_merge
from scenarios.config.schema import Budget, Spec
from scenarios.model.parameters import lookup

# last key of a path -> (low, high, step, integer); the slider also stretches to hold the
# starting value. Typed values may leave the range: the schema judges them.
RANGES: dict[str, tuple[float, float, float, bool]] = {
    "total": (0, 5000, 10, False),
    "annual": (0, 1000, 5, False),
    "cost_per_institute": (5, 300, 1, False),
    "match_ratio": (0, 6, 0.05, False),
    "cap": (0, 100, 1, True),
    "survival": (0, 1, 0.01, False),
    "rho": (0, 1, 0.01, False),
    "theta": (0, 0.3, 0.005, False),
    "delta": (0.01, 1, 0.01, False),
    "g": (-0.05, 0.12, 0.001, False),
    "g_lr": (-0.05, 0.12, 0.001, False),
    "tau": (1, 50, 0.5, False),
}
SHIFTED = ("low", "mode", "high", "mean")


@dataclass(frozen=True)
class Lever:
    """One slider: the dotted ``path`` it sets, its label and units from the registry, the
    starting value (the median of a sampled parameter), the slider's range and its group."""

    path: str
    label: str
    units: str
    start: float
    low: float
    high: float
    step: float
    integer: bool
    group: str
    dist: dict[str, Any] | None = None  # the starting config's uncertainty at this path

    @property
    def title(self) -> str:
        """The widget's name: label and units."""
        return f"{self.label} ({self.units})" if self.units else self.label


def _lever(spec: Spec, path: str, value: float, group: str, years: tuple[int, int]) -> Lever:
    names = {key: program.label for key, program in spec.programs.items()}
    label = describe(path, names)
    dist = spec.uncertainties.get(path)
    if dist is not None:
        value = float(validate_uncertainties({path: dist})[path].median())
    key = path.rsplit(".", 1)[-1]
    if key in ("start", "end"):
        low, high, step, integer = years[0], years[1], 1, True
    else:
        low, high, step, integer = RANGES[key]
    low, high = min(low, value), max(high, value)
    return Lever(
        path,
        label.label,
        label.units,
        int(value) if integer else float(value),
        low,
        high,
        step,
        integer,
        group,
        dict(dist) if dist is not None else None,
    )


def _budget_paths(prefix: str, budget: Any) -> list[str]:
    if not isinstance(budget, Budget):  # a list of segments has no single total to move
        return []
    amount = (
        "total" if budget.total is not None else "annual" if budget.annual is not None else None
    )
    return [
        f"{prefix}.{key}"
        for key in (amount, "start", "end")
        if key and getattr(budget, key) is not None
    ]


def levers_for(spec: Spec, growth: dict[str, float]) -> list[Lever]:
    """The levers of a config: program budgets and parameters, impact, each country's growth.

    ``growth`` gives a constant-growth country's rate where the config takes it from the data.
    """
    tree = spec.model_dump()
    years = (spec.history_start, spec.horizon)
    paths: list[tuple[str, str]] = []
    for key, program in spec.programs.items():
        group = program.label
        paths += [
            (p, group)
            for p in _budget_paths(
                f"programs.{key}.new_institute_budget", program.new_institute_budget
            )
        ]
        paths += [
            (f"programs.{key}.{name}", group)
            for name in ("cost_per_institute", "match_ratio", "cap", "survival")
            if getattr(program, name) is not None
        ]
    impact = {"rate_of_return": ["rho"], "elasticity": ["theta"]}.get(spec.impact.kind, [])
    paths += [(f"impact.{name}", "Impact") for name in (*impact, "delta")]
    for code, country in spec.countries.items():
        names = {"constant": ["g"], "convergence": ["g_lr", "tau"]}.get(country.growth.kind, [])
        paths += [(f"countries.{code}.growth.{name}", "Growth") for name in names]
    levers = []
    for path, group in paths:
        value = lookup(tree, path)
        if value is None:
            value = growth.get(path.split(".")[1])
        if value is None and path not in spec.uncertainties:
            continue
        if spec.uncertainties.get(path, {}).get("dist") == "choice":  # no centre to move
            continue
        levers.append(_lever(spec, path, 0.0 if value is None else value, group, years))
    return levers


def changed(lever: Lever, value: float) -> bool:
    """Whether a slider value differs from the lever's starting value."""
    return abs(float(value) - lever.start) > 1e-12 * max(1.0, abs(lever.start))


def shift(dist: dict[str, Any], median: float, centre: float) -> dict[str, Any]:
    """The keys of a distribution that move its median from ``median`` to ``centre``."""
    if dist.get("dist") == "lognormal":
        return {"median": centre}
    return {key: dist[key] + (centre - median) for key in SHIFTED if dist.get(key) is not None}


def nested(path: str, value: Any) -> dict[str, Any]:
    """``nested("a.b", 1)`` -> ``{"a": {"b": 1}}``."""
    for key in reversed(path.split(".")):
        value = {key: value}
    return value


def setting_changes(levers: list[Lever], values: dict[str, float]) -> dict[str, Any]:
    """The nested config keys that a setting changes (only levers moved from their start)."""
    changes: dict[str, Any] = {}
    for lever in levers:
        value = values.get(lever.path, lever.start)
        if not changed(lever, value):
            continue
        value = round(value) if lever.integer else float(value)
        changes = deep_merge(changes, nested(lever.path, value))
        if lever.dist is not None:
            changes.setdefault("uncertainties", {})[lever.path] = shift(
                lever.dist, lever.start, value
            )
    return changes


def extends_name(config_file: str | Path) -> str:
    """How an exported file names its parent: a shipped config by name, any other by full path."""
    path = Path(config_file)
    if path.parent == Path(str(PACKAGED_CONFIGS)):
        return path.name
    return str(path.resolve())


def export_yaml(
    config_file: str | Path, name: str, changes: dict[str, Any], *, samples: int, seed: int
) -> str:
    """A config that extends the starting one with only the changed keys (and the seed)."""
    document = {
        "extends": extends_name(config_file),
        "name": f"{name}_explore",
        "seed": seed,
        **changes,
    }
    header = (
        f"# Made with 'scenarios explore'. Reproduce its numbers with:\n"
        f"#   scenarios run THIS_FILE.yaml --samples {samples}\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False)
