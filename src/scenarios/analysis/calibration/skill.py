"""Forecast skill of every method in the rolling-origin backtest, by horizon and country.

Example
-------
>>> result = rolling_backtest(load_panel("un_ama_mva_gdp_all_countries_constant_2015_usd_through2023.csv"))  # doctest: +SKIP
>>> result.skill[result.skill["horizon"].isin([1, 5, 10])]                                 # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.analysis.calibration.rolling import (
    FIRST_ORIGIN,
    HORIZONS,
    METHODS,
    MethodScores,
    Panel,
    score,
)
from scenarios.data import load_dataset
from scenarios.data.importers import read_un_ama_xlsx
from scenarios.errors import DataError

SKILL_COLUMNS = [
    "method",
    "horizon",
    "countries",
    "mase_median",
    "coverage_80",
    "coverage_90",
    "crps_median",
    "bias_median",
]
FOCUS = ("USA", "CHN", "DEU")
AGGREGATES = ("WLD",)
"""Rows of a UN AMA import that are sums of countries, not countries: left out of the backtest."""


def load_panel(data: str | Path | None = None) -> Panel:
    """Constant-price MVA of every country, as a :class:`Panel`.

    Parameters
    ----------
    data
        None: the package's dataset (its default edition); a folder made by ``scenarios data
        import``; or a UN AMA download (xlsx) or wide CSV extract at constant 2015 prices, read
        with :func:`~scenarios.data.importers.read_un_ama_xlsx`.

    Raises
    ------
    DataError
        Unreadable file, or no constant-price MVA in it.
    """
    path = None if data is None else Path(data)
    if path is not None and (path.is_file() or path.suffix.lower() in (".xlsx", ".csv")):
        series = read_un_ama_xlsx(path)
        where = str(path)
    else:
        dataset = load_dataset(path)
        series = dataset.series
        series = series[series["edition"] == dataset.default_edition]
        where = dataset.origin
    mva = series[
        (series["indicator"] == "MVA")
        & (series["price_basis"] == "constant_2015_usd")
        & ~series["iso3"].isin(AGGREGATES)
    ]
    if mva.empty:
        raise DataError(
            "no MVA at constant 2015 prices",
            file=where,
            hint="pass the UN AMA constant-price download (GDPconstant) or a dataset holding it",
        )
    table = mva.pivot_table(index="year", columns="iso3", values="value_usd_millions")
    return Panel.from_table(table.sort_index(axis=1))


@dataclass(frozen=True)
class RollingResult:
    """A rolling backtest: ``skill`` (:data:`SKILL_COLUMNS`, on the common cells ``mask``),
    ``by_country`` (method, iso3, horizon, origins, mase, coverage_80, coverage_90, crps, bias;
    each method on its own cells) and the raw ``scores``."""

    panel: Panel
    scores: dict[str, MethodScores]
    mask: np.ndarray
    skill: pd.DataFrame
    by_country: pd.DataFrame
    first_origin: int = FIRST_ORIGIN

    def cells(self, method: str) -> np.ndarray:
        """The method's own scored cells (countries, origins, H): a forecast, an outcome and an
        origin from :attr:`first_origin` on; unlike :attr:`mask`, the same whatever other
        methods are scored."""
        scored = (self.panel.years >= self.first_origin)[None, :, None]
        return np.isfinite(self.scores[method].error) & scored


def rolling_backtest(
    panel: Panel, *, statistical: bool = False, first_origin: int = FIRST_ORIGIN
) -> RollingResult:
    """Forecast every country from every origin from ``first_origin`` on, score every method.

    ``skill`` scores every method on the same country-origin-horizon cells: those where each
    method has a forecast and the outcome is observed (``mask``). ``by_country`` scores each
    method on all its own cells, so a short record (China's MVA starts in 2004) still shows the
    methods that need few years. ``statistical`` adds AutoETS (needs the ``forecast``
    extra: ``pip install "mfg-scenarios[forecast]"``).

    Raises
    ------
    DataError
        No country has enough years before and after ``first_origin``.
    """
    forecasts = {name: method(panel.log) for name, method in METHODS.items()}
    quantiles: dict[str, np.ndarray | None] = dict.fromkeys(forecasts)
    if statistical:
        from scenarios.analysis.calibration.statistical import auto_ets

        forecasts["auto_ets"], quantiles["auto_ets"] = auto_ets(panel, first_origin)
    scores = {name: score(f, panel.log, quantiles[name]) for name, f in forecasts.items()}
    scored = (panel.years >= first_origin)[None, :, None]
    own = {name: np.isfinite(s.error) & scored for name, s in scores.items()}
    mask = np.logical_and.reduce(list(own.values()))
    if not mask.any():
        raise DataError(
            f"no country has a scored forecast from {first_origin} on",
            hint="the backtest needs 21 years of history before an origin and outcomes after it",
        )
    with warnings.catch_warnings():  # a country or horizon without intervals: all-NaN means
        warnings.simplefilter("ignore", RuntimeWarning)
        by_country = _by_country(panel, scores, own)
        skill = _skill(panel, scores, mask)
    return RollingResult(panel, scores, mask, skill, by_country, first_origin)


def _masked(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.where(mask, values, np.nan)


def _by_country(
    panel: Panel, scores: dict[str, MethodScores], own: dict[str, np.ndarray]
) -> pd.DataFrame:
    frames = []
    for name, s in scores.items():
        mask = own[name]
        origins = mask.sum(axis=1)  # (countries, H)
        columns = {
            "mase": np.nanmean(_masked(s.abs_scaled, mask), axis=1),
            "coverage_80": np.nanmean(_masked(s.covered_80, mask), axis=1),
            "coverage_90": np.nanmean(_masked(s.covered_90, mask), axis=1),
            "crps": np.nanmean(_masked(s.crps, mask), axis=1),
            "bias": np.nanmean(_masked(s.error, mask), axis=1),
        }
        frame = pd.DataFrame(
            {
                "method": name,
                "iso3": np.repeat(panel.iso3, HORIZONS),
                "horizon": np.tile(np.arange(1, HORIZONS + 1), len(panel.iso3)),
                "origins": origins.ravel(),
                **{k: v.ravel() for k, v in columns.items()},
            }
        )
        frames.append(frame[frame["origins"] > 0])
    return pd.concat(frames, ignore_index=True)


def _skill(panel: Panel, scores: dict[str, MethodScores], mask: np.ndarray) -> pd.DataFrame:
    """Medians over countries of per-country means over origins, on the common cells ``mask``."""
    common = _by_country(panel, scores, dict.fromkeys(scores, mask))
    rows = []
    for (name, horizon), group in common.groupby(["method", "horizon"], sort=False):
        s, h = scores[name], horizon - 1
        cells = mask[:, :, h]
        rows.append(
            {
                "method": name,
                "horizon": horizon,
                "countries": int(group["iso3"].nunique()),
                "mase_median": group["mase"].median(),
                "coverage_80": _share(s.covered_80[:, :, h], cells),
                "coverage_90": _share(s.covered_90[:, :, h], cells),
                "crps_median": group["crps"].median(),
                "bias_median": group["bias"].median(),
            }
        )
    return pd.DataFrame(rows, columns=SKILL_COLUMNS)


def _share(covered: np.ndarray, cells: np.ndarray) -> float:
    """Share of scored cells with an interval whose outcome fell inside it."""
    values = covered[cells]
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else float("nan")
