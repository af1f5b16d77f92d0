"""The audit: the registry loaded and checked, each figure recomputed beside its printed number."""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from scenarios.analysis.audit.recompute import KINDS, Data, alternatives, evaluate, headline
from scenarios.analysis.audit.registry import REGISTRY, Figure, Registry
from scenarios.config.load import config_problem, read_yaml
from scenarios.data import Dataset
from scenarios.errors import ConfigError

COLUMNS = [
    "id",
    "text",
    "source",
    "location",
    "published",
    "qualifier",
    "unit",
    "recomputed",
    "reproduces",
    "verdict",
    "difference",
    "basis",
    "reproduced_by",
    "alternatives_tried",
    "closest_value",
    "closest_basis",
    "note",
]


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate the registry of published figures (default: the one shipped).

    Raises
    ------
    ConfigError
        Invalid YAML, an unknown key or kind, a duplicated id or an undefined input.
    """
    where = str(path) if path is not None else f"embedded {REGISTRY}"
    file = (
        Path(path) if path is not None else Path(str(resources.files("scenarios.data") / REGISTRY))
    )
    try:
        registry = Registry.model_validate(read_yaml(file))
    except ValidationError as exc:
        raise ConfigError(
            "invalid figure registry", problems=[config_problem(err, where) for err in exc.errors()]
        ) from None
    ids = [f.id for f in registry.figures]
    if len(set(ids)) != len(ids):
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        raise ConfigError("duplicated figure ids", file=where, value=duplicated)
    for figure in registry.figures:
        missing = [
            key for key in KINDS[figure.recipe.kind].needs if not getattr(figure.recipe, key)
        ]
        if missing:
            raise ConfigError(
                f"a {figure.recipe.kind} recipe needs {', '.join(missing)}",
                file=where,
                path=f"figures[{figure.id}].recipe.{missing[0]}",
            )
        name = figure.recipe.population
        if name is not None and name not in registry.inputs:
            raise ConfigError(
                "undefined input",
                file=where,
                path=f"figures[{figure.id}].recipe.population",
                value=name,
                hint=f"define it under 'inputs:' ({', '.join(registry.inputs)})",
            )
    return registry


def audit_figure(figure: Figure, data: Data) -> dict:
    """One row of the audit table (see `COLUMNS`)."""
    base = headline(figure, data)
    value = evaluate(figure, data, base)
    tried = {b: evaluate(figure, data, b) for b in alternatives(figure, data)}
    tried = {b: v for b, v in tried.items() if math.isfinite(v)}
    label = lambda b: b.label(figure.recipe, data.derived_world)  # noqa: E731
    by = [label(b) for b, v in tried.items() if figure.reproduced(v)]
    closest = min(tried, key=lambda b: abs(tried[b] - figure.value), default=None)
    reproduces = figure.reproduced(value)
    return {
        "id": figure.id,
        "text": figure.text,
        "source": figure.source,
        "location": figure.location,
        "published": figure.published,
        "qualifier": figure.qualifier,
        "unit": figure.unit,
        "recomputed": value,
        "reproduces": reproduces,
        "verdict": "reproduces" if reproduces else "does not reproduce",
        "difference": value - figure.value,
        "basis": label(base),
        "reproduced_by": "; ".join(by),
        "alternatives_tried": len(tried),
        "closest_value": math.nan if closest is None else tried[closest],
        "closest_basis": "" if closest is None else label(closest),
        "note": _note(figure, data),
    }


def _note(figure: Figure, data: Data) -> str:
    notes = [figure.note] if figure.note else []
    if figure.recipe.kind == "institute":
        rows = data.institutes.loc[data.institutes["name"] == figure.recipe.name, "source"]
        notes.extend(f"institutes data row: {source}" for source in rows)
    if figure.recipe.population is not None:
        cited = data.inputs[figure.recipe.population]
        notes.append(
            f"denominator is a cited input, not in the dataset: {cited.value:,.0f} "
            f"{cited.unit} ({cited.source})"
        )
    return "; ".join(notes)


def audit(dataset: Dataset, registry: Registry | None = None) -> pd.DataFrame:
    """Recompute every published figure of `registry` (default: the shipped one) on `dataset`.

    Parameters
    ----------
    dataset
        The dataset; every edition it holds is tried.
    registry
        The figures; default `load_registry()`.

    Returns
    -------
    pandas.DataFrame
        One row per figure, columns `COLUMNS`: ``recomputed`` on the source's own basis,
        ``reproduces`` at the printed precision, ``difference`` (recomputed - published, in the
        figure's unit) and ``reproduced_by``, every combination that gives the printed figure.

    Examples
    --------
    >>> from scenarios.data import load_dataset
    >>> table = audit(load_dataset())
    >>> table.set_index("id").loc["usa_growth_2023", "verdict"]
    'reproduces'
    """
    registry = load_registry() if registry is None else registry
    data = Data(dataset, registry)
    rows = [audit_figure(figure, data) for figure in registry.figures]
    return pd.DataFrame(rows, columns=COLUMNS)
