"""Spec + dataset -> the calibrated inputs the model needs (plain arrays and series, no files)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.config.schema import Spec
from scenarios.data import Dataset
from scenarios.errors import ConfigError, DataError
from scenarios.model.money import CURRENCY_ECONOMY, extend_deflator

WORLD = "WLD"


@dataclass(frozen=True)
class ProgramHistory:
    """Institutes established by the base year, and the observed counts by year."""

    founding_years: np.ndarray  # one per institute founded by the base year (empty for counts)
    n_existing: int
    scheduled: np.ndarray  # founding years observed after the base year (known launches)
    observed_active: pd.Series  # year -> count, over the observed years
    observed_launched: pd.Series


@dataclass(frozen=True)
class Inputs:
    """Everything the model takes from the data, for one spec."""

    countries: list[str]
    base_year: int
    history_years: np.ndarray
    projected_years: np.ndarray
    mva_history: pd.DataFrame  # year x country, constant 2015 USD million, WLD as rest of world
    mva_observed: pd.DataFrame  # year x country, observed from the first data year to the last
    deflators: dict[str, pd.Series]  # economy -> deflator through the horizon
    programs: dict[str, ProgramHistory]
    data_source: str
    data_vintage: str
    data_hash: str

    @property
    def years(self) -> np.ndarray:
        return np.concatenate([self.history_years, self.projected_years])

    @functools.cached_property
    def growth_histories(self) -> dict[str, pd.Series]:
        """The MVA each country's growth component reads: its whole observed record through the
        base year, before ``history_start`` too (WLD: the rest of the world, from the first year
        every modelled country is observed)."""
        observed = rest_of_world(self.mva_observed.loc[: self.base_year, self.countries])
        return {c: observed[c].dropna() for c in self.countries}

    @functools.cached_property
    def base_mva(self) -> dict[str, float]:
        """Each country's MVA in the base year (WLD: the rest of the world)."""
        return {c: self.mva_history.loc[self.base_year, c] for c in self.countries}


def mva_table(spec: Spec, dataset: Dataset) -> pd.DataFrame:
    table = dataset.table("MVA", "constant_2015_usd", edition=spec.data.edition)
    unknown = [c for c in spec.countries if c not in table.columns]
    if unknown:
        raise ConfigError(
            f"no MVA data for {', '.join(unknown)}",
            path=f"countries.{unknown[0]}",
            value=unknown[0],
            hint=f"countries in the data: {', '.join(sorted(table.columns))}; add one with 'scenarios data import'",
        )
    return table[list(spec.countries)]


def _base_year(spec: Spec, table: pd.DataFrame) -> int:
    complete = table.dropna().index
    if len(complete) == 0:
        raise DataError(
            "no year has MVA data for every modelled country", value=list(table.columns)
        )
    last = int(complete.max())
    if spec.base_year is None:
        return last
    if spec.base_year > last:
        raise ConfigError(
            f"base_year {spec.base_year} is after the last observed year {last}",
            path="base_year",
            value=spec.base_year,
            hint=f"use {last} or earlier",
        )
    return spec.base_year


def rest_of_world(table: pd.DataFrame) -> pd.DataFrame:
    """WLD becomes the rest of the world (world minus the other modelled countries)."""
    if WORLD not in table.columns:
        return table
    table = table.copy()
    table[WORLD] = table[WORLD] - table.drop(columns=WORLD).sum(
        axis=1, min_count=len(table.columns) - 1
    )
    return table


def _program_history(
    key: str,
    history: str,
    dataset: Dataset,
    base_year: int,
    years: np.ndarray,
    known_after_base: bool,
) -> ProgramHistory:
    """Institutes by the base year; with ``known_after_base``, later observed foundings become
    known launches (a back-dated counterfactual ignores them)."""
    if history == "founding_years":
        all_founded = np.sort(dataset.founding_years(key))
        founded = all_founded[all_founded <= base_year]
        scheduled = (
            all_founded[all_founded > base_year] if known_after_base else np.array([], dtype=int)
        )
        counts = pd.Series([(founded <= y).sum() for y in years], index=years, dtype=float)
        return ProgramHistory(founded, len(founded), scheduled, counts, counts.diff().fillna(0.0))
    if history == "counts":
        table = dataset.fraunhofer.set_index("year")["institutes"].astype(float)
        counts = table.reindex(years).ffill()
        known = table.loc[:base_year].dropna()
        n_existing = int(known.iloc[-1]) if len(known) else 0
        return ProgramHistory(
            np.array([], dtype=int),
            n_existing,
            np.array([], dtype=int),
            counts,
            counts.diff().fillna(0.0),
        )
    empty = pd.Series(0.0, index=years)
    return ProgramHistory(np.array([], dtype=int), 0, np.array([], dtype=int), empty, empty)


def build_inputs(spec: Spec, dataset: Dataset) -> Inputs:
    """Calibrate a spec against a dataset: history, base year, deflators, institutes."""
    table = mva_table(spec, dataset)
    base_year = _base_year(spec, table)
    if spec.horizon <= base_year:
        raise ConfigError(
            f"horizon {spec.horizon} is not after the base year {base_year}",
            path="horizon",
            value=spec.horizon,
            hint=f"use a year after {base_year}, e.g. 2040",
        )
    if spec.history_start >= base_year:
        raise ConfigError(
            f"history_start {spec.history_start} must be before the base year {base_year}",
            path="history_start",
            value=spec.history_start,
        )
    history_years = np.arange(spec.history_start, base_year + 1)
    span = table.dropna(how="all").index
    observed = table.reindex(
        np.arange(min(int(span.min()), spec.history_start - 1), int(span.max()) + 1)
    )
    gaps = observed.loc[spec.history_start : base_year].isna()
    if gaps.to_numpy().any():
        country = gaps.any().idxmax()
        missing = [int(y) for y in gaps.index[gaps[country]]]
        raise DataError(
            f"MVA of {country} is missing for {missing[:5]}",
            path="history_start",
            value=spec.history_start,
            hint="start the history later or import a longer series",
        )
    deflators = {
        economy: extend_deflator(
            dataset.deflator(economy, edition=spec.data.edition), spec.horizon, spec.money.inflation
        )
        for economy in CURRENCY_ECONOMY.values()
    }
    programs = {
        key: _program_history(
            key, program.history, dataset, base_year, history_years, spec.base_year is None
        )
        for key, program in spec.programs.items()
    }
    return Inputs(
        countries=list(spec.countries),
        base_year=base_year,
        history_years=history_years,
        projected_years=np.arange(base_year + 1, spec.horizon + 1),
        mva_history=rest_of_world(table.loc[spec.history_start : base_year]),
        mva_observed=observed,
        deflators=deflators,
        programs=programs,
        data_source=f"UN Statistics Division, National Accounts Main Aggregates: {spec.data.edition or dataset.vintage}"
        if (spec.data.edition or dataset.vintage).startswith("UN AMA")
        else spec.data.edition or dataset.vintage,
        data_vintage=dataset.vintage,
        data_hash=dataset.hash,
    )
