"""Claims: structured, testable statements of policy arguments (never ``eval``).

A claim names a metric (future: computed on a scenario's results, per sample; past: computed on the
data), a condition, and the source it comes from. This module validates claim files and evaluates a
claim's metric; :mod:`scenarios.analysis.stress` turns that into probabilities, breakevens and PRIM boxes.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import xarray as xr
from pydantic import Field, ValidationError, model_validator

from scenarios.analysis import metrics as m
from scenarios.config.load import PACKAGED_CONFIGS, config_problem, read_yaml
from scenarios.config.schema import Strict
from scenarios.data import Dataset
from scenarios.errors import ConfigError, Problem

OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class MetricRef(Strict):
    """Which metric a claim is about, with its arguments.

    ``reference`` turns it into a policy effect: the metric minus (``change: difference``) or
    relative to (``change: percent``, as a fraction) the same metric in the reference scenario.
    ``by_year`` evaluates a yearly metric in every year up to ``year``: the claim holds if the
    condition is met in any of them ("45 institutes by 2022").
    """

    name: str
    country: str | None = None
    a: str | None = None
    b: str | None = None
    program: str | None = None
    year: int | None = None
    start: int | None = None
    end: int | None = None
    reference_country: str = "USA"
    price_basis: Literal["constant_2015_usd", "current_usd"] = "constant_2015_usd"
    reference: str | None = None
    change: Literal["difference", "percent"] = "difference"
    by_year: bool = False


UNITS = {
    "mva": "USD million, constant 2015 prices",
    "mva_ratio": "ratio",
    "world_share": "fraction of world MVA",
    "institutes_active": "count",
    "institutes_established": "count",
    "intensity_index": "index",
    "cagr": "fraction per year",
    "cagr_gap": "fraction per year",
    "crossover_year": "year",
    "spend_federal_cumulative": "USD million, constant 2015 prices",
}


def metric_label(ref: MetricRef) -> str:
    """``cagr_gap CHN-USA 2025-2035 (fraction per year)``, with the policy-effect wording."""
    who = "-".join(x for x in (ref.a, ref.b) if x) or ref.country or ref.program or ""
    when = (
        f"{ref.start}-{ref.end}" if ref.start is not None else (str(ref.year) if ref.year else "")
    )
    units = UNITS.get(ref.name, "")
    if ref.reference and ref.change == "percent":
        units = "fraction"
    effect = f" vs {ref.reference}" if ref.reference else ""
    return f"{ref.name} {who} {when}{effect}".replace("  ", " ").strip() + (
        f" ({units})" if units else ""
    )


class Condition(Strict):
    """``op`` with ``value``, or ``between`` with ``low`` and ``high`` (inclusive)."""

    op: Literal["<", "<=", ">", ">=", "between"]
    value: float | None = None
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> Condition:
        if self.op == "between":
            if self.low is None or self.high is None or self.low >= self.high:
                raise ValueError("'between' needs low < high")
        elif self.value is None:
            raise ValueError(f"'{self.op}' needs a value")
        return self

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Element-wise truth of the condition (NaN never holds)."""
        values = np.asarray(values, dtype=float)
        if self.op == "between":
            return (values >= self.low) & (values <= self.high)
        return OPS[self.op](values, self.value)

    @property
    def thresholds(self) -> list[float]:
        return [self.low, self.high] if self.op == "between" else [self.value]

    def __str__(self) -> str:
        if self.op == "between":
            return f"between {self.low:g} and {self.high:g}"
        return f"{self.op} {self.value:g}"


class Claim(Strict):
    """One testable statement. ``scenario: null`` makes it a claim about the observed data."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    text: str
    source: str
    scenario: str | None = None
    metric: MetricRef
    holds_if: Condition
    published: float | None = None
    note: str = ""


class ClaimFile(Strict):
    """A claim file: one argument from a source, stated as one or more claims."""

    argument: str = ""
    source: str = ""
    claims: list[Claim] = Field(min_length=1)


def shipped_claim_files() -> list[str]:
    """Names of the claim files that ship with the package (``scenarios stress NAME``)."""
    folder = PACKAGED_CONFIGS / "claims"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def resolve_claim_path(name_or_path: str | Path) -> Path:
    """A claim file as given, or the shipped claim file of that name (``itif_full45``)."""
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    if path.name in shipped_claim_files():
        return Path(str(PACKAGED_CONFIGS / "claims" / f"{path.name}.yaml"))
    close = difflib.get_close_matches(path.name, shipped_claim_files(), n=1)
    raise ConfigError(
        "claim file not found",
        file=str(path),
        hint=(f"did you mean '{close[0]}'? " if close else "")
        + f"shipped claim files: {', '.join(shipped_claim_files())} (or a path to your own)",
    )


def load_claims(path: str | Path) -> ClaimFile:
    """Read and validate a claim file (a path, or a shipped claim file's name; a single claim
    mapping or ``claims: [...]``)."""
    path = resolve_claim_path(path)
    data = read_yaml(path, "claim file")
    if "claims" not in data:
        data = {"source": data.get("source", ""), "claims": [data]}
    entries = data.get("claims")
    for claim in (
        entries if isinstance(entries, list) else []
    ):  # anything else: the schema says what is wrong
        if isinstance(claim, dict):
            claim.setdefault("source", data.get("source", ""))
    try:
        claims = ClaimFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            "invalid claim file", problems=[_claim_problem(err, str(path)) for err in exc.errors()]
        ) from None
    first: dict[str, int] = {}
    for i, claim in enumerate(claims.claims):
        if claim.id in first:
            raise ConfigError(
                f"duplicate claim id (first at claims[{first[claim.id]}])",
                file=str(path),
                path=f"claims[{i}].id",
                value=claim.id,
                hint="give every claim its own id",
            )
        first[claim.id] = i
        _check_metric(claim, str(path))
    return claims


def _claim_problem(err: dict, file: str):
    problem = config_problem(err, file)
    if err["type"] == "extra_forbidden":
        problem.hint = None
    return problem


# --------------------------------------------------------------------------------------------
# metrics of future claims: computed on results datasets, one value per sample


def _yearly(fn: Callable[[xr.Dataset, MetricRef, int], xr.DataArray]) -> Callable:
    fn.yearly = True  # type: ignore[attr-defined]
    return fn


@_yearly
def _mva(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return r["mva"].sel(country=ref.country, year=year)


@_yearly
def _mva_ratio(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return m.mva_ratio(r, ref.a, ref.b, year)


@_yearly
def _world_share(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return m.world_share(r, year).sel(country=ref.country)


@_yearly
def _institutes(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return r["institutes_active"].sel(program=ref.program, year=year)


@_yearly
def _established(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    """Institutes established by ``year``: those active at the base year plus every launch since."""
    base = r.attrs["base_year"]
    launched = r["institutes_launched"].sel(program=ref.program)
    since = launched.sel(year=(launched["year"] > base) & (launched["year"] <= year)).sum("year")
    return r["institutes_active"].sel(program=ref.program, year=min(base, year)) + since


@_yearly
def _intensity_index(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return m.intensity_index(r, year, ref.reference_country).sel(program=ref.program)


def _cagr(r: xr.Dataset, ref: MetricRef) -> xr.DataArray:
    return m.cagr(r, ref.start, ref.end).sel(country=ref.country)


def _cagr_gap(r: xr.Dataset, ref: MetricRef) -> xr.DataArray:
    return m.cagr_gap(r, ref.a, ref.b, ref.start, ref.end)


def _crossover(r: xr.Dataset, ref: MetricRef) -> xr.DataArray:
    return m.crossover_year(r, ref.a, ref.b)


def _spend(r: xr.Dataset, ref: MetricRef) -> xr.DataArray:
    return r["spend_federal"].sel(program=ref.program).where(r["projected"]).sum("year")


FUTURE_METRICS: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "mva": (_mva, ("country", "year")),
    "mva_ratio": (_mva_ratio, ("a", "b", "year")),
    "world_share": (_world_share, ("country", "year")),
    "institutes_active": (_institutes, ("program", "year")),
    "institutes_established": (_established, ("program", "year")),
    "intensity_index": (_intensity_index, ("program", "year")),
    "cagr": (_cagr, ("country", "start", "end")),
    "cagr_gap": (_cagr_gap, ("a", "b", "start", "end")),
    "crossover_year": (_crossover, ("a", "b")),
    "spend_federal_cumulative": (_spend, ("program",)),
}


def _established_by_year(r: xr.Dataset, ref: MetricRef, years: np.ndarray) -> np.ndarray:
    """:func:`_established` in every one of ``years`` at once, shape (samples, years)."""
    base = r.attrs["base_year"]
    launched = r["institutes_launched"].sel(program=ref.program)
    since = launched.where(launched["year"] > base, 0.0).cumsum("year").sel(year=years)
    active = r["institutes_active"].sel(program=ref.program, year=np.minimum(years, base))
    active = active.assign_coords(year=years)
    return (active + since).transpose("sample", "year").values


BY_YEAR: dict[str, Callable[[xr.Dataset, MetricRef, np.ndarray], np.ndarray]] = {
    "institutes_established": _established_by_year,
}
"""Yearly metrics computed for many years in one pass (the others go a year at a time)."""


def future_metric_by_year(results: xr.Dataset, ref: MetricRef, years: np.ndarray) -> np.ndarray:
    """A yearly metric in each of ``years``, shape (samples, years)."""
    if ref.name in BY_YEAR:
        return np.asarray(BY_YEAR[ref.name](results, ref, np.asarray(years)), dtype=float)
    return np.stack(
        np.broadcast_arrays(*[future_metric(results, ref, int(y)) for y in years]), axis=1
    )


def future_metric(results: xr.Dataset, ref: MetricRef, year: int | None = None) -> np.ndarray:
    """The metric per sample (for ``by_year`` metrics, in ``year`` instead of ``ref.year``)."""
    fn, _ = FUTURE_METRICS[ref.name]
    try:
        if getattr(fn, "yearly", False):
            values = fn(results, ref, ref.year if year is None else year)
        else:
            values = fn(results, ref)
    except KeyError:  # a country, program or year the results do not have (xarray's text has advice
        # about method='nearest' that does not apply here)
        raise ConfigError(
            "the scenario results have no value for this metric's arguments",
            path="metric",
            value=ref.model_dump(exclude_defaults=True),
            hint=f"countries: {', '.join(map(str, results['country'].values))}; programs: "
            f"{', '.join(map(str, results['program'].values))}; years: "
            f"{int(results['year'].min())}-{int(results['year'].max())}",
        ) from None
    return np.asarray(values.values, dtype=float).reshape(-1)


def metric_argument_problems(claim: Claim, results: dict[str, list], file: str) -> list[Problem]:
    """Arguments of a future claim's metric that its scenario's results do not have.

    ``results`` gives the valid values: ``{"country": [...], "program": [...], "year": [...]}``.
    """
    kinds = {
        "country": "country",
        "a": "country",
        "b": "country",
        "program": "program",
        "year": "year",
        "start": "year",
        "end": "year",
    }
    problems = []
    for arg in FUTURE_METRICS[claim.metric.name][1]:
        value, kind = getattr(claim.metric, arg), kinds[arg]
        if value is not None and value not in results[kind]:
            valid = results[kind]
            shown = f"{min(valid)}-{max(valid)}" if kind == "year" else ", ".join(map(str, valid))
            problems.append(
                Problem(
                    f"the scenario {claim.scenario!r} has no {kind} {value!r}",
                    file,
                    f"claims[{claim.id}].metric.{arg}",
                    None,
                    f"{kind}s in its results: {shown}",
                )
            )
    return problems


def policy_effect(values: np.ndarray, reference: np.ndarray, change: str) -> np.ndarray:
    """Metric against the reference scenario: difference, or relative change as a fraction."""
    return values - reference if change == "difference" else values / reference - 1


# --------------------------------------------------------------------------------------------
# metrics of past claims: computed on the data


def _observed_cagr(d: Dataset, ref: MetricRef) -> float:
    table = d.table("MVA", ref.price_basis)[ref.country]
    return float((table[ref.end] / table[ref.start]) ** (1 / (ref.end - ref.start)) - 1)


def _observed_growth(d: Dataset, ref: MetricRef) -> float:
    table = d.table("MVA", ref.price_basis)[ref.country]
    return float(table[ref.year] / table[ref.year - 1] - 1)


def _observed_share(d: Dataset, ref: MetricRef) -> float:
    table = d.table("MVA", ref.price_basis)
    return float(table.loc[ref.year, ref.country] / table.loc[ref.year, "WLD"])


def _observed_institutes(d: Dataset, ref: MetricRef) -> float:
    if ref.program == "fraunhofer":
        counts = d.fraunhofer.set_index("year")["institutes"].dropna()
        return float(counts.loc[: ref.year].iloc[-1])
    return float((d.founding_years(ref.program) <= ref.year).sum())


def _fact(d: Dataset, country: str, item: str, year: int) -> float:
    facts = d.program_facts
    row = facts[(facts["country"] == country) & (facts["item"] == item) & (facts["year"] == year)]
    if row.empty or not np.isfinite(row["value"].astype(float).iloc[0]):
        raise ConfigError(
            f"no published '{item}' for {country} in {year} in the dataset's program facts",
            path="metric.country",
            value=country,
        )
    return float(row["value"].iloc[0])


def _intensity(d: Dataset, country: str, year: int) -> float:
    """NIST Table 2's measure: total program budget over current-USD MVA."""
    mva = d.table("MVA", "current_usd").loc[year, country]
    return _fact(d, country, "estimated total annual program budget", year) / mva


def _observed_intensity_index(d: Dataset, ref: MetricRef) -> float:
    return _intensity(d, ref.country, ref.year) / _intensity(d, ref.reference_country, ref.year)


def _observed_intensity(d: Dataset, ref: MetricRef) -> float:
    return _intensity(d, ref.country, ref.year)


PAST_METRICS: dict[str, tuple[Callable[[Dataset, MetricRef], float], tuple[str, ...]]] = {
    "observed_cagr": (_observed_cagr, ("country", "start", "end")),
    "observed_growth": (_observed_growth, ("country", "year")),
    "observed_world_share": (_observed_share, ("country", "year")),
    "observed_institutes": (_observed_institutes, ("program", "year")),
    "observed_intensity": (_observed_intensity, ("country", "year")),
    "observed_intensity_index": (_observed_intensity_index, ("country", "year")),
}


def past_metric(dataset: Dataset, ref: MetricRef) -> float:
    """A past claim's metric, from the data."""
    fn, _ = PAST_METRICS[ref.name]
    try:
        return fn(dataset, ref)
    except (KeyError, IndexError) as exc:  # IndexError: no observation up to the year
        raise ConfigError(
            f"the data have no value for {exc.args[0]!r}",
            path="metric",
            value=ref.model_dump(exclude_defaults=True),
            hint="check the country, program and years against 'scenarios data show'",
        ) from None


def _check_metric(claim: Claim, file: str) -> None:
    registry = PAST_METRICS if claim.scenario is None else FUTURE_METRICS
    kind = "past (no scenario)" if claim.scenario is None else "future (with a scenario)"
    where = f"claims[{claim.id}].metric"
    if claim.metric.name not in registry:
        raise ConfigError(
            f"unknown metric for a {kind} claim",
            file=file,
            path=f"{where}.name",
            value=claim.metric.name,
            hint=f"choose one of: {', '.join(registry)}",
        )
    missing = [arg for arg in registry[claim.metric.name][1] if getattr(claim.metric, arg) is None]
    if missing:
        raise ConfigError(
            f"metric '{claim.metric.name}' needs {', '.join(missing)}",
            file=file,
            path=f"{where}.{missing[0]}",
        )
    if claim.metric.by_year and not getattr(
        FUTURE_METRICS.get(claim.metric.name, (None,))[0], "yearly", False
    ):
        raise ConfigError(
            "by_year needs a metric with a year",
            file=file,
            path=f"{where}.by_year",
            hint="yearly metrics: mva, mva_ratio, world_share, institutes_active, intensity_index",
        )


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95 % by default)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
