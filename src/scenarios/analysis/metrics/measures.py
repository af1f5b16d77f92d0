"""The metric functions: a results dataset in, a ``DataArray`` over ``sample`` out."""

from __future__ import annotations

import numpy as np
import xarray as xr

from scenarios.errors import ConfigError
from scenarios.results import at_year, series_years

WORLD = "WLD"


def _check_years(results: xr.Dataset, *years: int) -> None:
    have = series_years(results)
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
    ratio = at_year(results, variable, end) / at_year(results, variable, start)
    return ratio ** (1.0 / (end - start)) - 1


def cagr_gap(results: xr.Dataset, a: str, b: str, start: int, end: int) -> xr.DataArray:
    """CAGR of ``a`` minus CAGR of ``b`` over the window (fraction per year)."""
    _check_country(results, a, b)
    rates = cagr(results, start, end)
    return rates.sel(country=a) - rates.sel(country=b)


def mva_ratio(results: xr.Dataset, a: str, b: str, year: int) -> xr.DataArray:
    """MVA of ``a`` divided by MVA of ``b`` in a year."""
    _check_country(results, a, b)
    _check_years(results, year)
    mva = at_year(results, "mva", year)
    return mva.sel(country=a) / mva.sel(country=b)


def world_share(results: xr.Dataset, year: int) -> xr.DataArray:
    """Each country's share of world MVA (needs WLD among the countries)."""
    _check_country(results, WORLD)
    mva = at_year(results, "mva", year)
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
    mva = at_year(results, "mva", year).sel(country=results["program_country"])
    return at_year(results, "spend_total", year) / mva


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

    Sums run over the projected years and discount to the base year. Computed on the arrays:
    a reference of one sample (a deterministic run) is broadcast over the samples.
    """
    projected = results["projected"].to_numpy()
    years = results["year"].to_numpy()[projected]
    factor = (1 + discount_rate) ** -(years - results.attrs["base_year"])
    column = list(results["country"].to_numpy()).index(country)

    def mva(ds: xr.Dataset) -> np.ndarray:
        return ds["mva"].to_numpy()[:, column][:, projected]

    def paid(ds: xr.Dataset) -> np.ndarray:
        own = ds["program_country"].to_numpy() == country
        return ds[spend].to_numpy()[:, own][..., projected].sum(axis=1)

    gain = ((mva(results) - mva(reference)) * factor).sum(axis=-1)
    cost = ((paid(results) - paid(reference)) * factor).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):  # no extra cost: no ratio (NaN, inf)
        ratio = gain / cost
    return xr.DataArray(ratio, coords={"sample": results["sample"]}, dims="sample")
