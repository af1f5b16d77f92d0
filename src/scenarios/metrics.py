"""Metrics on result datasets: CAGR, gaps, ratios, shares, crossover years, intensity, BCR, deltas.

Each metric function takes a results ``xarray.Dataset`` and returns a ``DataArray`` over ``sample``
(and sometimes ``country``). :func:`compute_metrics` gathers the configured set into the long
``metrics.csv`` table: ``scenario, metric, country, start, end, statistic, value, units``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.config.schema import MetricSettings
from scenarios.errors import ConfigError

WORLD = "WLD"
COLUMNS = ["scenario", "metric", "country", "start", "end", "statistic", "value", "units"]


def _check_years(results: xr.Dataset, *years: int) -> None:
    have = results["year"].values
    missing = [y for y in years if y not in have]
    if missing:
        raise ConfigError(f"year {missing[0]} is outside the results ({have.min()}-{have.max()})",
                          path="metrics", value=missing[0], hint="pick years between history_start and horizon")


def _check_country(results: xr.Dataset, *countries: str) -> None:
    missing = [c for c in countries if c not in results["country"].values]
    if missing:
        raise ConfigError(f"country {missing[0]} is not modelled in this scenario", path="metrics",
                          value=missing[0], hint=f"modelled: {', '.join(results['country'].values)}")


def cagr(results: xr.Dataset, start: int, end: int, variable: str = "mva") -> xr.DataArray:
    """Compound annual growth rate between two years, per sample and country (fraction per year)."""
    _check_years(results, start, end)
    values = results[variable]
    return (values.sel(year=end) / values.sel(year=start)) ** (1.0 / (end - start)) - 1


def cagr_gap(results: xr.Dataset, a: str, b: str, start: int, end: int) -> xr.DataArray:
    """CAGR of ``a`` minus CAGR of ``b`` over the window (fraction per year)."""
    _check_country(results, a, b)
    rates = cagr(results, start, end)
    return rates.sel(country=a) - rates.sel(country=b)


def mva_ratio(results: xr.Dataset, a: str, b: str, year: int) -> xr.DataArray:
    """MVA of ``a`` divided by MVA of ``b`` in a year."""
    _check_country(results, a, b)
    _check_years(results, year)
    mva = results["mva"].sel(year=year)
    return mva.sel(country=a) / mva.sel(country=b)


def world_share(results: xr.Dataset, year: int) -> xr.DataArray:
    """Each country's share of world MVA (needs WLD among the countries)."""
    _check_country(results, WORLD)
    mva = results["mva"].sel(year=year)
    return (mva / mva.sel(country=WORLD)).drop_sel(country=WORLD)


def crossover_year(results: xr.Dataset, a: str, b: str) -> xr.DataArray:
    """First year from the base year on in which ``a``'s MVA is at least ``b``'s.

    "Never within the horizon" is encoded as horizon + 1, so quantiles stay meaningful.
    """
    _check_country(results, a, b)
    mva = results["mva"].sel(year=results["year"] >= results.attrs["base_year"])
    reached = mva.sel(country=a) >= mva.sel(country=b)
    years = mva["year"]
    never = int(years.max()) + 1
    first = xr.where(reached, years, never).min("year")
    return first.astype(float)


def program_intensity(results: xr.Dataset, year: int) -> xr.DataArray:
    """Total program spend over the MVA of the program's country (fraction), per program."""
    _check_years(results, year)
    mva = results["mva"].sel(year=year).sel(country=results["program_country"])
    return results["spend_total"].sel(year=year) / mva


def intensity_index(results: xr.Dataset, year: int, reference_country: str = "USA") -> xr.DataArray:
    """Program intensity indexed to the program of ``reference_country`` (NIST Table 2 style)."""
    intensity = program_intensity(results, year)
    reference = intensity.where(results["program_country"] == reference_country, drop=True)
    if reference.sizes["program"] != 1:
        raise ConfigError(f"need exactly one program of {reference_country} to index against",
                          path="metrics.reference_country", value=reference_country)
    return intensity / reference.isel(program=0)


def benefit_cost_ratio(
    results: xr.Dataset, reference: xr.Dataset, country: str, discount_rate: float
) -> xr.DataArray:
    """Discounted MVA gain over discounted extra federal cost, against a reference scenario.

    Sums run over the projected years and discount to the base year.
    """
    projected = results["year"].values[results["projected"].values]
    factor = xr.DataArray((1 + discount_rate) ** -(projected - results.attrs["base_year"]),
                          coords={"year": projected})
    gain = (results["mva"] - reference["mva"]).sel(country=country, year=projected)
    own = results["program_country"] == country
    spend = results["spend_federal"].where(own).sum("program")
    ref_spend = reference["spend_federal"].where(reference["program_country"] == country).sum("program")
    cost = (spend - ref_spend).sel(year=projected)
    return (gain * factor).sum("year") / (cost * factor).sum("year")


@dataclass(frozen=True)
class Metric:
    """One metric's values over samples, with its labels."""

    metric: str
    country: str
    start: int
    end: int
    units: str
    values: np.ndarray


def _per_country(name: str, data: xr.DataArray, start: int, end: int, units: str) -> list[Metric]:
    return [Metric(name, str(c), start, end, units, data.sel(country=c).values) for c in data["country"].values]


def _per_program(name: str, data: xr.DataArray, year: int, units: str) -> list[Metric]:
    return [Metric(name, str(p), year, year, units, data.sel(program=p).values) for p in data["program"].values]


def metric_set(results: xr.Dataset, settings: MetricSettings) -> list[Metric]:
    """The configured metrics of one run, per sample."""
    base = int(results.attrs["base_year"])
    horizon = int(results["year"].max())
    years = sorted({base, *[y for y in settings.years if base < y <= horizon], horizon})
    out: list[Metric] = []
    for year in years:
        out += _per_country("mva", results["mva"].sel(year=year), year, year, "USD million, constant 2015 prices")
    windows = [(base, horizon), *[w for w in settings.windows if w[1] <= horizon]]
    for start, end in windows:
        out += _per_country("cagr", cagr(results, start, end), start, end, "fraction per year")
        for a, b in settings.pairs:
            out.append(Metric("cagr_gap", f"{a}-{b}", start, end, "fraction per year",
                              cagr_gap(results, a, b, start, end).values))
    for a, b in settings.pairs:
        out.append(Metric("mva_ratio", f"{a}/{b}", horizon, horizon, "ratio", mva_ratio(results, a, b, horizon).values))
        out.append(Metric("crossover_year", f"{b}>={a}", base, horizon, f"year ({horizon + 1} = not by {horizon})",
                          crossover_year(results, b, a).values))
    if WORLD in results["country"].values:
        for year in (base, horizon):
            out += _per_country("world_share", world_share(results, year), year, year, "fraction of world MVA")
    if results.sizes["program"]:
        out += _program_metrics(results, settings, years, base, horizon)
    return out


def _program_metrics(results: xr.Dataset, settings: MetricSettings, years: list[int], base: int, horizon: int) -> list[Metric]:
    out: list[Metric] = []
    for year in years:
        out += _per_program("institutes_active", results["institutes_active"].sel(year=year), year, "count")
    projected = results["year"] > base
    for variable in ("spend_federal", "spend_total"):
        total = results[variable].where(projected).sum("year")
        out += _per_program(f"{variable}_cumulative", total, horizon, "USD million, constant 2015 prices")
    for year in (base, horizon):
        out += _per_program("program_intensity", program_intensity(results, year), year, "fraction of MVA")
        if settings.reference_country in results["program_country"].values:
            index = intensity_index(results, year, settings.reference_country)
            out += _per_program("intensity_index", index, year, f"index, {settings.reference_country} = 1")
    return out


def summarize(scenario: str, metrics: list[Metric]) -> pd.DataFrame:
    """Long table: one row per metric and statistic (value for one sample; mean/p05/p50/p95 else)."""
    rows = []
    for m in metrics:
        values = np.asarray(m.values, dtype=float)
        if values.size == 1:
            stats = {"value": float(values[0])}
        else:
            # no interpolation between infinities (inf - inf warns and gives NaN): e.g. an
            # intensity index against a program whose funding has stopped
            method = "linear" if np.isfinite(values).all() else "nearest"
            p05, p50, p95 = np.percentile(values, [5, 50, 95], method=method)
            stats = {"mean": float(values.mean()), "p05": p05, "p50": p50, "p95": p95}
        rows += [(scenario, m.metric, m.country, m.start, m.end, s, v, m.units) for s, v in stats.items()]
    return pd.DataFrame(rows, columns=COLUMNS)


def compute_metrics(results: xr.Dataset, settings: MetricSettings) -> pd.DataFrame:
    """The metrics table of one run."""
    return summarize(results.attrs["scenario"], metric_set(results, settings))


def delta_metrics(results: xr.Dataset, reference: xr.Dataset, settings: MetricSettings) -> pd.DataFrame:
    """Every metric as a difference against a reference run (sample by sample), plus the BCR."""
    ours, theirs = metric_set(results, settings), metric_set(reference, settings)
    deltas = [
        Metric(f"delta_{a.metric}", a.country, a.start, a.end, a.units, a.values - b.values)
        for a, b in zip(ours, theirs, strict=True)
        if a.metric != "crossover_year"
    ]
    for country in sorted(set(results["program_country"].values)):
        ratio = benefit_cost_ratio(results, reference, str(country), settings.discount_rate)
        if np.all(np.isfinite(ratio.values)):
            deltas.append(Metric("bcr", str(country), int(results.attrs["base_year"]) + 1, int(results["year"].max()),
                                 f"ratio (discount rate {settings.discount_rate:g})", ratio.values))
    return summarize(results.attrs["scenario"], deltas)
