"""Nominal budgets (currency, year) -> constant 2015 USD million.

constant = nominal x (USD per unit of currency) / deflator_t, where the deflator is the implicit
GDP deflator of the currency's economy in USD terms (current / constant 2015 USD GDP, 1.0 in 2015),
extended past the data with the config's inflation assumption.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scenarios.config.schema import Budget

CURRENCY_ECONOMY = {"USD": "USA", "EUR": "DEU", "CNY": "CHN"}


def extend_deflator(observed: pd.Series, last_year: int, inflation: float) -> pd.Series:
    """The observed deflator, then compounding at ``inflation`` a year through ``last_year``."""
    observed = observed.dropna()
    end = int(observed.index.max())
    future = np.arange(end + 1, last_year + 1)
    extended = observed.iloc[-1] * (1 + inflation) ** (future - end)
    return pd.concat([observed, pd.Series(extended, index=future)])


def nominal_path(budget: Budget, years: np.ndarray) -> np.ndarray:
    """Nominal amounts per year (before conversion); zero outside the budget's years."""
    if budget.per_year is not None:
        return np.array([budget.per_year.get(int(y), 0.0) for y in years])
    start, end = _years(budget)
    inside = (years >= start) & (years <= end)
    if budget.total is not None:
        return np.where(inside, budget.total / (end - start + 1), 0.0)
    return np.where(inside, budget.annual or 0.0, 0.0)


def _years(budget: Budget) -> tuple[int, int]:
    """First and last year of a budget that is not ``per_year`` (the schema requires both)."""
    if budget.start is None or budget.end is None:
        raise ValueError("a budget given as total or annual needs start and end")
    return budget.start, budget.end


def to_constant_usd(
    budget: Budget, years: np.ndarray, deflator: pd.Series, exchange_rates: Mapping[Any, float]
) -> np.ndarray:
    """A budget's amounts per year in constant 2015 USD million (NaN where no deflator exists)."""
    nominal = nominal_path(budget, years)
    price_years = np.full(len(years), budget.dollar_year) if budget.dollar_year else years
    match = (
        deflator.index.to_numpy() == price_years[:, None]
    )  # deflator.reindex(price_years), without pandas
    index = np.where(match.any(axis=1), deflator.to_numpy()[match.argmax(axis=1)], np.nan)
    return nominal * exchange_rates[budget.currency] / index
