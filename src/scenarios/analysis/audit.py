"""The published-figure audit: every figure of the sources that the data can reach, recomputed.

Figures are data (``data/published_figures.yaml``): the number as printed, its unit and qualifier,
and a structured recipe (a kind of computation, its countries and years, never ``eval``). Each
figure is recomputed on the basis its source states (the headline) and on every alternative an
analyst would try: each edition and source of the series, current and constant prices, the years
shifted one each way and, for shares of the world, each world total (the UN's countries summed,
or the World Bank's World as published). A figure *reproduces* when the headline recomputation
lies in the interval its printed precision allows ("1.5" is [1.45, 1.55)).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field, ValidationError

from scenarios.config.load import config_problem, read_yaml
from scenarios.config.schema import Strict
from scenarios.data import Dataset
from scenarios.errors import ConfigError

REGISTRY = "published_figures.yaml"
SHIFTS = (0, -1, 1)
UNIT_SCALE = {"%": 100.0, "USD billion": 1e-3}
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


# --- the registry -----------------------------------------------------------------------------


class Recipe(Strict):
    """What to compute: a kind from `KINDS` and the arguments it needs."""

    kind: Literal[
        "level",
        "share_of_gdp",
        "share_of_world",
        "cagr",
        "growth",
        "intensity",
        "intensity_index",
        "sum",
        "fact",
        "per_capita",
        "institute",
        "count",
    ]
    country: str | None = None
    reference_country: str | None = None
    year: int | None = None
    start: int | None = None
    end: int | None = None
    prices: Literal["constant_2015_usd", "current_usd"] = "current_usd"
    edition: str | None = None
    facts: list[str] = Field(default_factory=list)
    population: str | None = None
    program: str | None = None
    name: str | None = None
    field: Literal["federal", "nonfederal"] | None = None


class Figure(Strict):
    """One published figure: where it is printed, as printed, and how to recompute it."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str
    source: str
    location: str
    published: str = Field(pattern=r"^-?\d+(\.\d+)?$")
    qualifier: Literal["exact", "nearly", "under", "at_least"] = "exact"
    unit: str
    recipe: Recipe
    note: str = ""

    @property
    def value(self) -> float:
        return float(self.published)

    @property
    def step(self) -> float:
        """One unit of the last printed digit: 0.1 for "1.5", 1 for "30"."""
        return 10.0 ** Decimal(self.published).as_tuple().exponent

    def interval(self) -> tuple[float, float]:
        """[low, high) of the values that print as the figure (bounds may be infinite)."""
        x, u = self.value, self.step
        return {
            "exact": (x - u / 2, x + u / 2),
            "nearly": (x - u, x + u / 2),
            "under": (-math.inf, x),
            "at_least": (x, math.inf),
        }[self.qualifier]

    def reproduced(self, value: float) -> bool:
        """Whether `value` (in the figure's unit) prints as the published figure."""
        low, high = self.interval()
        if self.qualifier == "at_least":
            return value >= low
        return low <= value < high  # NaN is never reproduced


class Input(Strict):
    """A number the dataset does not hold, cited where it comes from."""

    value: float
    unit: str
    source: str
    note: str = ""


class Registry(Strict):
    figures: list[Figure] = Field(min_length=1)
    inputs: dict[str, Input] = Field(default_factory=dict)


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


# --- kernels: plain numbers in, a number out ---------------------------------------------------


def share(part: float, whole: float) -> float:
    """``part / whole``."""
    return part / whole


def cagr(first: float, last: float, years: int) -> float:
    """Compound annual growth rate between two values `years` apart."""
    return (last / first) ** (1 / years) - 1


def growth(before: float, after: float) -> float:
    """One year's growth rate."""
    return after / before - 1


def per_capita(amount_musd: float, population: float) -> float:
    """USD per person of an amount in USD million."""
    return amount_musd * 1e6 / population


# --- bases: where the numbers come from ---------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """One combination: the series' edition and prices, a year shift, and the edition of the
    second term (the world total of a share, the reference country of an index)."""

    edition: str
    prices: str
    shift: int = 0
    other: str | None = None

    def label(self, recipe: Recipe, derived_world: set[str]) -> str:
        prices = {"constant_2015_usd": "constant 2015 prices", "current_usd": "current prices"}
        parts = [self.edition, prices[self.prices]] if self.prices else [self.edition]
        if self.shift:
            parts.append(f"years {self.shift:+d}")
        if self.other is not None and recipe.kind == "share_of_world":
            how = "sum of countries" if self.other in derived_world else "as published"
            parts.append(f"world: {self.other} ({how})")
        elif self.other is not None and self.other != self.edition:
            parts.append(f"{recipe.reference_country}: {self.other}")
        return ", ".join(parts)


class Data:
    """The dataset as fast lookups: series values by (edition, prices, indicator, country, year)."""

    def __init__(self, dataset: Dataset, registry: Registry) -> None:
        series = dataset.series
        self.values = series.set_index(["edition", "price_basis", "indicator", "iso3", "year"])[
            "value_usd_millions"
        ].to_dict()
        self.pairs = sorted(set(zip(series["edition"], series["price_basis"], strict=True)))
        world = series[(series["iso3"] == "WLD") & (series["indicator"] == "MVA")]
        self.derived_world = set(world.loc[world["source"].str.startswith("derived"), "edition"])
        self.default_edition = dataset.default_edition
        self.facts = dataset.program_facts.set_index("fact_id")["value"].to_dict()
        self.institutes = dataset.institutes
        self.fraunhofer = dataset.fraunhofer
        self.inputs = registry.inputs

    def get(self, basis: Basis, indicator: str, country: str, year: int) -> float:
        """A series value on `basis` (years shifted), NaN where the edition does not report it."""
        key = (basis.edition, basis.prices, indicator, country, year + basis.shift)
        return self.values.get(key, math.nan)

    def other(self, basis: Basis, country: str, year: int) -> float:
        """MVA of the second term (world total or reference country) on its own edition."""
        key = (basis.other, basis.prices, "MVA", country, year + basis.shift)
        return self.values.get(key, math.nan)


# --- kinds: a recipe on a basis -> the figure's value (in data units) -----------------------------

Compute = Callable[[Recipe, Data, Basis], float]


def _level(r: Recipe, d: Data, b: Basis) -> float:
    return d.get(b, "MVA", r.country, r.year)


def _share_of_gdp(r: Recipe, d: Data, b: Basis) -> float:
    return share(d.get(b, "MVA", r.country, r.year), d.get(b, "GDP", r.country, r.year))


def _share_of_world(r: Recipe, d: Data, b: Basis) -> float:
    return share(d.get(b, "MVA", r.country, r.year), d.other(b, "WLD", r.year))


def _cagr(r: Recipe, d: Data, b: Basis) -> float:
    return cagr(
        d.get(b, "MVA", r.country, r.start), d.get(b, "MVA", r.country, r.end), r.end - r.start
    )


def _growth(r: Recipe, d: Data, b: Basis) -> float:
    return growth(d.get(b, "MVA", r.country, r.year - 1), d.get(b, "MVA", r.country, r.year))


def _intensity(r: Recipe, d: Data, b: Basis) -> float:
    return share(d.facts[r.facts[0]], d.get(b, "MVA", r.country, r.year))


def _intensity_index(r: Recipe, d: Data, b: Basis) -> float:
    reference = share(d.facts[r.facts[1]], d.other(b, r.reference_country, r.year))
    return share(_intensity(r, d, b), reference)


def _sum(r: Recipe, d: Data, b: Basis) -> float:
    return math.fsum(d.facts[f] for f in r.facts)


def _per_capita(r: Recipe, d: Data, b: Basis) -> float:
    return per_capita(_sum(r, d, b), d.inputs[r.population].value)


def _institute(r: Recipe, d: Data, b: Basis) -> float:
    rows = d.institutes[d.institutes["name"] == r.name]
    return float(rows[f"{r.field}_musd"].iloc[0]) if len(rows) else math.nan


def _count(r: Recipe, d: Data, b: Basis) -> float:
    year = r.year + b.shift
    if r.program == "fraunhofer":
        counts = d.fraunhofer.set_index("year")["institutes"]
        return float(counts.get(year, math.nan))
    programs = d.institutes[d.institutes["program"] == r.program]
    return float((programs["founding_year"] <= year).sum())


@dataclass(frozen=True)
class Kind:
    """A kind of figure: how to compute it, and which alternatives it has."""

    compute: Compute
    needs: tuple[str, ...]  # the recipe keys it reads
    table: str | None = None  # the table it reads instead of the series ("program facts")
    second: bool = False  # a second term from its own edition: world total, reference country
    shifts: bool = True  # its years can be shifted


_YEAR = ("country", "year")
KINDS: dict[str, Kind] = {
    "level": Kind(_level, _YEAR),
    "share_of_gdp": Kind(_share_of_gdp, _YEAR),
    "share_of_world": Kind(_share_of_world, _YEAR, second=True),
    "cagr": Kind(_cagr, ("country", "start", "end")),
    "growth": Kind(_growth, _YEAR),
    "intensity": Kind(_intensity, (*_YEAR, "facts")),
    "intensity_index": Kind(_intensity_index, (*_YEAR, "reference_country", "facts"), second=True),
    "sum": Kind(_sum, ("facts",), table="program facts", shifts=False),
    "fact": Kind(_sum, ("facts",), table="program facts", shifts=False),
    "per_capita": Kind(_per_capita, ("facts", "population"), table="program facts", shifts=False),
    "institute": Kind(_institute, ("name", "field"), table="institutes data", shifts=False),
    "count": Kind(_count, ("program", "year"), table="institutes data"),
}


def headline(figure: Figure, data: Data) -> Basis:
    """The basis the source states: its prices, the default edition, its years, world alike."""
    recipe, kind = figure.recipe, KINDS[figure.recipe.kind]
    if kind.table is not None:
        return Basis(kind.table, "")
    edition = recipe.edition or data.default_edition
    return Basis(edition, recipe.prices, 0, edition if kind.second else None)


def alternatives(figure: Figure, data: Data) -> Iterator[Basis]:
    """Every combination of edition x prices x year shift x second term the figure allows.

    The second term (world total, reference country) comes from the same edition or from an
    edition of the other source at the same prices: the world as the UN's countries summed or
    as the World Bank publishes it, never two UN editions mixed.
    """
    kind, base = KINDS[figure.recipe.kind], headline(figure, data)
    pairs = data.pairs if kind.table is None else [(base.edition, base.prices)]
    for (edition, prices), shift in itertools.product(pairs, SHIFTS if kind.shifts else (0,)):
        others = (
            [
                e
                for e, p in data.pairs
                if p == prices and (e == edition or _source(e) != _source(edition))
            ]
            if kind.second
            else [None]
        )
        for other in others:
            yield Basis(edition, prices, shift, other)


def _source(edition: str) -> str:
    """ "UN" or "WDI": the publisher part of an edition name."""
    return edition.split()[0]


def evaluate(figure: Figure, data: Data, basis: Basis) -> float:
    """The figure recomputed on `basis`, in the figure's unit (NaN where the data do not reach)."""
    value = KINDS[figure.recipe.kind].compute(figure.recipe, data, basis)
    return value * UNIT_SCALE.get(figure.unit, 1.0)


# --- the audit --------------------------------------------------------------------------------


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
