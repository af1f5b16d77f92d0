"""Metrics of past claims, computed on the data (one value)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scenarios.analysis.claims.language import MetricRef
from scenarios.data import Dataset
from scenarios.errors import ConfigError


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
