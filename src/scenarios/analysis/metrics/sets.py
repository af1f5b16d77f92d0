"""The metrics a run reports: the configured set and the benefit-cost ratios, per sample."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from scenarios.analysis.metrics.measures import (
    WORLD,
    benefit_cost_ratio,
    cagr,
    cagr_gap,
    crossover_year,
    intensity_index,
    mva_ratio,
    program_intensity,
    world_share,
)
from scenarios.config.schema import MetricSettings

SPEND = {
    "bcr_federal": ("spend_federal", "federal spend"),
    "bcr_total": ("spend_total", "total spend (federal + non-federal match)"),
}
"""The benefit-cost ratios: metric name -> (the spend it divides by, its label)."""


def bcr_metrics(results: xr.Dataset, reference: xr.Dataset, rate: float) -> list[Metric]:
    """Both benefit-cost ratios of each program country against a reference: per federal dollar
    (``bcr_federal``) and per dollar of federal + non-federal spend (``bcr_total``)."""
    start, end = int(results.attrs["base_year"]) + 1, int(results["year"].max())
    out = []
    for country in sorted(set(results["program_country"].values)):
        for name, (spend, label) in SPEND.items():
            ratio = benefit_cost_ratio(results, reference, str(country), rate, spend)
            units = f"ratio: discounted MVA gain per discounted dollar of {label}, discount rate {rate:.1%}/yr"
            out.append(Metric(name, str(country), start, end, units, ratio.values))
    return out


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
    return [
        Metric(name, str(c), start, end, units, data.sel(country=c).values)
        for c in data["country"].values
    ]


def _per_program(name: str, data: xr.DataArray, start: int, end: int, units: str) -> list[Metric]:
    return [
        Metric(name, str(p), start, end, units, data.sel(program=p).values)
        for p in data["program"].values
    ]


def metric_set(results: xr.Dataset, settings: MetricSettings) -> list[Metric]:
    """The configured metrics of one run, per sample."""
    base = int(results.attrs["base_year"])
    horizon = int(results["year"].max())
    years = sorted({base, *[y for y in settings.years if base < y <= horizon], horizon})
    out: list[Metric] = []
    for year in years:
        out += _per_country(
            "mva", results["mva"].sel(year=year), year, year, "USD million, constant 2015 prices"
        )
    windows = [(base, horizon), *[w for w in settings.windows if w[1] <= horizon]]
    for start, end in windows:
        out += _per_country("cagr", cagr(results, start, end), start, end, "fraction per year")
        for a, b in settings.pairs:
            out.append(
                Metric(
                    "cagr_gap",
                    f"{a}-{b}",
                    start,
                    end,
                    "fraction per year",
                    cagr_gap(results, a, b, start, end).values,
                )
            )
    for a, b in settings.pairs:
        out.append(
            Metric(
                "mva_ratio",
                f"{a}/{b}",
                horizon,
                horizon,
                "ratio",
                mva_ratio(results, a, b, horizon).values,
            )
        )
        out.append(
            Metric(
                "crossover_year",
                f"{b}>={a}",
                base,
                horizon,
                "year",
                crossover_year(results, b, a).values,
            )
        )
    if WORLD in results["country"].values:
        for year in (base, horizon):
            out += _per_country(
                "world_share", world_share(results, year), year, year, "fraction of world MVA"
            )
    if results.sizes["program"]:
        out += _program_metrics(results, settings, years, base, horizon)
    return out


def _program_metrics(
    results: xr.Dataset, settings: MetricSettings, years: list[int], base: int, horizon: int
) -> list[Metric]:
    out: list[Metric] = []
    for year in years:
        out += _per_program(
            "institutes_active", results["institutes_active"].sel(year=year), year, year, "count"
        )
    projected = results["year"].to_numpy() > base
    for variable in ("spend_federal", "spend_total"):
        total = results[variable].isel(year=projected).sum("year", skipna=False)
        out += _per_program(
            f"{variable}_cumulative", total, base + 1, horizon, "USD million, constant 2015 prices"
        )
    for year in (base, horizon):
        out += _per_program(
            "program_intensity", program_intensity(results, year), year, year, "fraction of MVA"
        )
        if settings.reference_country in results["program_country"].values:
            index = intensity_index(results, year, settings.reference_country)
            out += _per_program(
                "intensity_index", index, year, year, f"index, {settings.reference_country} = 1"
            )
    return out


def metric_deltas(ours: list[Metric], theirs: list[Metric]) -> list[Metric]:
    """Each metric of a run minus the same metric of its reference, sample by sample, named
    ``delta_<metric>`` (a crossover year has no difference)."""
    return [
        Metric(f"delta_{a.metric}", a.country, a.start, a.end, a.units, a.values - b.values)
        for a, b in zip(ours, theirs, strict=True)
        if a.metric != "crossover_year"
    ]
