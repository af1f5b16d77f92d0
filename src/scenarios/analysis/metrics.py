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
COLUMNS = [
    "scenario",
    "metric",
    "country",
    "start",
    "end",
    "statistic",
    "value",
    "units",
    "long_name",
    "note",
]
"""``note`` is empty but where a value needs words: a crossover ``not by 2040`` (value empty)."""
SPEND = {
    "bcr_federal": ("spend_federal", "federal spend"),
    "bcr_total": ("spend_total", "total spend (federal + non-federal match)"),
}
"""The benefit-cost ratios: metric name -> (the spend it divides by, its label)."""
LONG_NAMES = {
    "mva": "manufacturing value added",
    "cagr": "compound annual growth rate of MVA",
    "cagr_gap": "CAGR of the first country minus CAGR of the second",
    "mva_ratio": "MVA of the first country over MVA of the second",
    "crossover_year": "first year in which the first country's MVA is at least the second's",
    "world_share": "share of world MVA",
    "institutes_active": "institutes active (expected count)",
    "spend_federal_cumulative": "federal program spend, summed over the projected years",
    "spend_total_cumulative": "total program spend (federal + non-federal match), summed over the projected years",
    "program_intensity": "total program spend over the MVA of the program's country",
    "intensity_index": "program intensity over that of the reference country's program",
    "bcr_federal": "benefit-cost ratio against federal spend: discounted MVA gain over discounted extra federal spend",
    "bcr_total": "benefit-cost ratio against total spend: discounted MVA gain over discounted extra federal "
    "+ non-federal spend",
}
"""A readable name of each metric (the ``long_name`` column); ``delta_x`` is the change in x."""


def long_name(metric: str) -> str:
    """The readable name of a metric, ``delta_x`` included."""
    if metric.startswith("delta_"):
        return (
            f"change against the reference scenario in: {long_name(metric.removeprefix('delta_'))}"
        )
    return LONG_NAMES.get(metric, metric.replace("_", " "))


def _check_years(results: xr.Dataset, *years: int) -> None:
    have = results["year"].values
    missing = [y for y in years if y not in have]
    if missing:
        raise ConfigError(
            f"year {missing[0]} is outside the results ({have.min()}-{have.max()})",
            path="metrics",
            value=missing[0],
            hint="pick years between history_start and horizon",
        )


def _check_country(results: xr.Dataset, *countries: str) -> None:
    missing = [c for c in countries if c not in results["country"].values]
    if missing:
        raise ConfigError(
            f"country {missing[0]} is not modelled in this scenario",
            path="metrics",
            value=missing[0],
            hint=f"modelled: {', '.join(results['country'].values)}",
        )


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

    "Not by the horizon" is horizon + 1 per sample, so quantiles stay meaningful; the metrics
    table shows such a statistic as an empty value noted ``not by <horizon>`` (:func:`summarize`).
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
        raise ConfigError(
            f"need exactly one program of {reference_country} to index against",
            path="metrics.reference_country",
            value=reference_country,
        )
    return intensity / reference.isel(program=0)


def benefit_cost_ratio(
    results: xr.Dataset,
    reference: xr.Dataset,
    country: str,
    discount_rate: float,
    spend: str = "spend_federal",
) -> xr.DataArray:
    """Discounted MVA gain over the discounted extra ``spend`` of the country's programs, against
    a reference scenario: ``spend_federal`` (federal cost) or ``spend_total`` (federal + match).

    Sums run over the projected years and discount to the base year.
    """
    projected = results["year"].values[results["projected"].values]
    factor = xr.DataArray(
        (1 + discount_rate) ** -(projected - results.attrs["base_year"]), coords={"year": projected}
    )
    gain = (results["mva"] - reference["mva"]).sel(country=country, year=projected)
    own = results["program_country"] == country
    paid = results[spend].where(own).sum("program")
    ref_paid = reference[spend].where(reference["program_country"] == country).sum("program")
    cost = (paid - ref_paid).sel(year=projected)
    return (gain * factor).sum("year") / (cost * factor).sum("year")


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
    projected = results["year"] > base
    for variable in ("spend_federal", "spend_total"):
        total = results[variable].where(projected).sum("year")
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


QUANTILES = ("p05", "p25", "p50", "p75", "p95")


def _statistics(values: np.ndarray) -> dict[str, float]:
    """value for one sample; mean and the 5/25/50/75/95 % quantiles for an ensemble."""
    if values.size == 1:
        return {"value": float(values[0])}
    # no interpolation between infinities (inf - inf warns and gives NaN): e.g. an intensity
    # index against a program whose funding has stopped
    method = "linear" if np.isfinite(values).all() else "nearest"
    quantiles = np.percentile(values, [5, 25, 50, 75, 95], method=method)
    return {
        "mean": float(values.mean()),
        **dict(zip(QUANTILES, map(float, quantiles), strict=True)),
    }


def _not_by_horizon(
    stats: dict[str, float], values: np.ndarray, horizon: int
) -> dict[str, tuple[float, str]]:
    """A crossover statistic past the horizon becomes an empty value noted ``not by <horizon>``
    (a mean, when some samples never cross: ``not by <horizon> in k % of samples``)."""
    never = values > horizon
    out = {}
    for name, value in stats.items():
        if name == "mean" and never.any():
            out[name] = (np.nan, f"not by {horizon} in {never.mean():.0%} of samples")
        else:
            out[name] = (np.nan, f"not by {horizon}") if value > horizon else (value, "")
    return out


def summarize(scenario: str, metrics: list[Metric]) -> pd.DataFrame:
    """Long table: one row per metric and statistic (value for one sample; mean, p05, p25, p50,
    p75, p95 for an ensemble), with a ``note`` where a value needs words."""
    rows = []
    for m in metrics:
        values = np.asarray(m.values, dtype=float)
        stats = _statistics(values)
        noted = (
            _not_by_horizon(stats, values, m.end)
            if m.metric == "crossover_year"
            else {k: (v, "") for k, v in stats.items()}
        )
        rows += [
            (
                scenario,
                m.metric,
                m.country,
                m.start,
                m.end,
                s,
                v,
                m.units,
                long_name(m.metric),
                note,
            )
            for s, (v, note) in noted.items()
        ]
    return pd.DataFrame(rows, columns=COLUMNS)


def compute_metrics(results: xr.Dataset, settings: MetricSettings) -> pd.DataFrame:
    """The metrics table of one run."""
    return summarize(results.attrs["scenario"], metric_set(results, settings))


def delta_metrics(
    results: xr.Dataset, reference: xr.Dataset, settings: MetricSettings
) -> pd.DataFrame:
    """Every metric as a difference against a reference run (sample by sample), plus both
    benefit-cost ratios where they are finite in every sample."""
    ours, theirs = metric_set(results, settings), metric_set(reference, settings)
    deltas = [
        Metric(f"delta_{a.metric}", a.country, a.start, a.end, a.units, a.values - b.values)
        for a, b in zip(ours, theirs, strict=True)
        if a.metric != "crossover_year"
    ]
    ratios = bcr_metrics(results, reference, settings.discount_rate)
    deltas += [m for m in ratios if np.all(np.isfinite(m.values))]
    return summarize(results.attrs["scenario"], deltas)


def point_vs_ensemble(ensemble: pd.DataFrame, point: pd.DataFrame) -> pd.DataFrame:
    """Each metric of a deterministic run beside the same metric's 25, 50 and 75 % quantiles over
    an ensemble of the same config, with ``outside``: the point lies outside that band.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric, country, start, end, units, point, p25, p50, p75, outside``.
    """
    keys = ["metric", "country", "start", "end", "units"]
    band = ensemble[ensemble["statistic"].isin(["p25", "p50", "p75"])]
    band = band.pivot_table(
        index=keys, columns="statistic", values="value", aggfunc="first", dropna=False
    )
    values = point[point["statistic"] == "value"].set_index(keys)["value"].rename("point")
    table = band.join(values, how="inner").reset_index()
    slack = 1e-9 * table[["p25", "p75"]].abs().max(axis=1)
    table["outside"] = (table["point"] < table["p25"] - slack) | (
        table["point"] > table["p75"] + slack
    )
    return table[[*keys, "point", "p25", "p50", "p75", "outside"]]


HEADLINE = (
    "mva",
    "cagr_gap",
    "crossover_year",
    "institutes_active",
    "spend_federal_cumulative",
    "delta_mva",
    "delta_cagr_gap",
    "bcr_federal",
    "bcr_total",
)


def headline(metrics: pd.DataFrame) -> pd.DataFrame:
    """The headline rows of a metrics table: horizon levels, gaps, institutes, spend, policy
    effects (central statistic only)."""
    central = metrics["statistic"].isin(["value", "p50"]) & metrics["metric"].isin(HEADLINE)
    at_horizon = metrics["end"] == metrics["end"].max()
    levels = metrics["metric"].isin(["mva", "institutes_active", "delta_mva"])
    keep = central & (at_horizon | ~levels) & (metrics["country"] != "WLD")
    return metrics.loc[keep].reset_index(drop=True)
