"""Metrics of future claims, computed on a scenario's results (one value per sample), and
the interval of the probability that a claim holds."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import xarray as xr

from scenarios.analysis import metrics as m
from scenarios.analysis.claims.language import Claim, MetricRef
from scenarios.errors import ConfigError, Problem
from scenarios.results import at_year, full_series, series_years


def _yearly(fn: Callable[[xr.Dataset, MetricRef, int], xr.DataArray]) -> Callable:
    fn.yearly = True  # type: ignore[attr-defined]
    return fn


@_yearly
def _mva(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return at_year(r, "mva", year, country=ref.country)


@_yearly
def _mva_ratio(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return m.mva_ratio(r, ref.a, ref.b, year)


@_yearly
def _world_share(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return m.world_share(r, year).sel(country=ref.country)


@_yearly
def _institutes(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    return at_year(r, "institutes_active", year, program=ref.program)


@_yearly
def _established(r: xr.Dataset, ref: MetricRef, year: int) -> xr.DataArray:
    """Institutes established by ``year``: those active at the base year plus every launch since."""
    base = r.attrs["base_year"]
    launched = r["institutes_launched"].sel(program=ref.program)
    since = launched.sel(year=(launched["year"] > base) & (launched["year"] <= year)).sum("year")
    return at_year(r, "institutes_active", min(base, year), program=ref.program) + since


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


def countries_read(refs: list[MetricRef]) -> set[str] | None:
    """The countries whose results the metrics ``refs`` read; None when one of them reads every
    country (a world share, a program's intensity against another country's)."""
    if any(ref.name in ("world_share", "intensity_index") for ref in refs):
        return None
    return {c for ref in refs for c in (ref.country, ref.a, ref.b) if c is not None}


def _established_by_year(r: xr.Dataset, ref: MetricRef, years: np.ndarray) -> np.ndarray:
    """:func:`_established` in every one of ``years`` at once, shape (samples, years)."""
    base = r.attrs["base_year"]
    launched = full_series(r, "institutes_launched", program=ref.program)
    since = launched.where(launched["year"] > base, 0.0).cumsum("year").sel(year=years)
    active = at_year(r, "institutes_active", np.minimum(years, base), program=ref.program)
    active = active.assign_coords(year=years)
    return (active + since).transpose("sample", "year").values


def _at_years(variable: str, key: str) -> Callable[[xr.Dataset, MetricRef, np.ndarray], np.ndarray]:
    """A metric that is ``variable`` at the ref's ``key`` (country or program), in every one of
    ``years`` at once: the history joined once, not once a year."""

    def by_year(r: xr.Dataset, ref: MetricRef, years: np.ndarray) -> np.ndarray:
        values = at_year(r, variable, years, **{key: getattr(ref, key)})
        return values.transpose("sample", "year").values

    return by_year


BY_YEAR: dict[str, Callable[[xr.Dataset, MetricRef, np.ndarray], np.ndarray]] = {
    "mva": _at_years("mva", "country"),
    "institutes_active": _at_years("institutes_active", "program"),
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
            f"{series_years(results).min()}-{int(results['year'].max())}",
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


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95 % by default)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
