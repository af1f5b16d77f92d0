"""Backtests: each growth component fitted on one window and scored out of sample on the next,
against naive benchmarks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.analysis.calibration.config_fit import observed_mva, spec_and_data, window_series
from scenarios.analysis.calibration.fit import (
    BENCHMARKS,
    COMPONENTS,
    LAST_CAGR_YEARS,
    cagr,
    fit_growth,
    mape,
    project,
)
from scenarios.config.schema import Spec
from scenarios.data import Dataset
from scenarios.errors import ConfigError
from scenarios.progress import track


def naive_rates(history: pd.Series) -> dict[str, float]:
    """Growth of the naive benchmarks from a fit-window series (year index).

    ``last_cagr``: the CAGR of the last :data:`LAST_CAGR_YEARS` years; ``random_walk``: the drift,
    the mean log growth over the window, as an annual rate (the window's CAGR).
    """
    end = int(history.index.max())
    start = max(end - LAST_CAGR_YEARS, int(history.index.min()))
    drift = np.diff(np.log(history.to_numpy(float))).mean()
    return {
        "last_cagr": cagr(history[start], history[end], end - start),
        "random_walk": float(np.expm1(drift)),
    }


def backtest_paths(
    spec_or_name: Spec | str | Path,
    fit: tuple[int, int],
    test: tuple[int, int],
    *,
    dataset: Dataset | None = None,
) -> pd.DataFrame:
    """Observed MVA and every projection, per country, from the fit start to the test end.

    Every component and benchmark is projected from the last fit-window observation (the
    jump-off, included with its observed value so the lines join).

    Returns
    -------
    pandas.DataFrame
        Long: country, method (``actual``, a component or a benchmark), year, mva (USD million);
        ``attrs`` hold ``fit``, ``test`` and the config's kind per country (``kinds``).

    Raises
    ------
    ConfigError
        A window ends before it starts, or the test window does not start after the fit window.
    DataError
        A window reaches outside a country's data.
    """
    spec, dataset = spec_and_data(spec_or_name, dataset)
    if test[0] <= fit[1]:
        raise ConfigError(
            f"test window {test[0]}-{test[1]} must start after the fit window {fit[0]}-{fit[1]}",
            path="--test",
            value=list(test),
            hint=f"e.g. --test {fit[1] + 1} {max(test[1], fit[1] + 2)}",
        )
    table = observed_mva(spec, dataset)
    countries = track(spec.countries, "backtest: countries", len(spec.countries))
    frames = [_country_paths(table, country, fit, test) for country in countries]
    paths = pd.concat(frames, ignore_index=True)
    paths.attrs.update(
        fit=tuple(fit),
        test=tuple(test),
        kinds={c: e.growth.kind for c, e in spec.countries.items()},
    )
    return paths


def _country_paths(
    table: pd.DataFrame, country: str, fit: tuple[int, int], test: tuple[int, int]
) -> pd.DataFrame:
    history = window_series(table, country, fit, option="--fit")
    actual = window_series(table, country, test, option="--test")
    level = float(history.iloc[-1])
    years = np.arange(fit[1] + 1, test[1] + 1)
    projections = {
        kind: project(fit_growth(kind, history.index.to_numpy(), history.to_numpy()), level, years)
        for kind in COMPONENTS
    }
    projections |= {
        name: level * (1 + g) ** (years - fit[1]) for name, g in naive_rates(history).items()
    }
    observed = pd.concat([history, actual])
    rows = [pd.DataFrame({"method": "actual", "year": observed.index, "mva": observed.to_numpy()})]
    rows += [
        pd.DataFrame(
            {
                "method": name,
                "year": np.concatenate([[fit[1]], years]),
                "mva": np.concatenate([[level], path]),
            }
        )
        for name, path in projections.items()
    ]
    return pd.concat(rows, ignore_index=True).assign(country=country)[
        ["country", "method", "year", "mva"]
    ]


def score_backtest(paths: pd.DataFrame) -> pd.DataFrame:
    """MAPE of the level and error of the CAGR over the test window, per country and method.

    The CAGR is taken between the test window's first and last years, for the projection and
    for the data alike; ``cagr_error`` = projected - actual (in fractions: 0.01 = 1 point).
    """
    test_start, test_end = paths.attrs["test"]
    kinds = paths.attrs["kinds"]
    wide = paths.pivot_table(index=["country", "year"], columns="method", values="mva")
    rows = []
    for country in dict.fromkeys(paths["country"]):
        span = wide.loc[country].loc[test_start:test_end]
        actual = span["actual"].to_numpy()
        for method in (*COMPONENTS, *BENCHMARKS):
            projected = span[method].to_numpy()
            rows.append(
                {
                    "country": country,
                    "method": method,
                    "role": "component" if method in COMPONENTS else "benchmark",
                    "in_config": method == kinds[country],
                    "fit_start": paths.attrs["fit"][0],
                    "fit_end": paths.attrs["fit"][1],
                    "test_start": test_start,
                    "test_end": test_end,
                    "mape": mape(projected, actual),
                    "cagr_projected": cagr(projected[0], projected[-1], test_end - test_start),
                    "cagr_actual": cagr(actual[0], actual[-1], test_end - test_start),
                }
            )
    table = pd.DataFrame(rows)
    return table.assign(cagr_error=table["cagr_projected"] - table["cagr_actual"])


def backtest(
    spec_or_name: Spec | str | Path,
    fit: tuple[int, int],
    test: tuple[int, int],
    *,
    dataset: Dataset | None = None,
) -> pd.DataFrame:
    """Fit every growth component on ``fit``, project ``test``, score them against naive benchmarks.

    Parameters
    ----------
    spec_or_name
        A loaded :class:`Spec`, a config path or a shipped config name (its countries are scored).
    fit, test
        (start, end) years; the test window starts after the fit window.
    dataset
        Default: the config's dataset.

    Returns
    -------
    pandas.DataFrame
        Tidy: country, method, role (component | benchmark), in_config, the windows, mape,
        cagr_projected, cagr_actual, cagr_error (see :func:`score_backtest`).

    Raises
    ------
    ConfigError, DataError
        As :func:`backtest_paths`.

    Example
    -------
    >>> backtest("baseline", (2004, 2015), (2016, 2023)).head()   # doctest: +SKIP
    """
    return score_backtest(backtest_paths(spec_or_name, fit, test, dataset=dataset))
