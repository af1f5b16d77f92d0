"""Rolling-origin backtests: every method forecasts every country from every origin, vectorized.

The panel is log MVA, shape (countries, years). A method turns the history up to each origin
``t`` into forecasts of log MVA at ``t + 1 .. t + H``, for every country and origin at once:

* ``random_walk``: random walk with drift, the drift being the mean log growth over the whole
  contiguous record up to the origin; ``last_cagr``: the CAGR of the last 5 years carried forward.
* ``constant_W``: the ``constant`` component with ``from_data.window`` = the last ``W`` years
  (its fitting rule: the observed CAGR between the window's end years).
* ``trend_W``: the ``trend`` component, a log-linear least-squares fit over the last ``W`` years,
  its growth carried forward from the last observation.
* ``convergence_20``: the ``convergence`` component fitted by least squares in logs over the last
  20 years, anchored on the window's first year (as :func:`~.fit.fit_growth`), with log growth
  ``g_lr + (g0 - g_lr) exp(-j / tau)`` and ``tau`` chosen on a grid (which keeps it linear).
* ``auto_ets``: statsforecast's AutoETS on log MVA (:mod:`~.statistical`), when installed.

Prediction intervals are learned from the errors: the forecast error at horizon ``h``, divided by
the country's volatility (:func:`volatility`: a robust sd of its last 20 annual log growth rates), pooled over all countries
and over the origins whose outcome was known at the forecast origin. A country's interval is its
forecast plus its volatility times those pooled quantiles, so every interval is out of sample.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

HORIZONS = 10
FIRST_ORIGIN = 1995
VOLATILITY_YEARS = 20
MIN_VOLATILITY_YEARS = 8
LEVELS = np.round(np.arange(1, 20) / 20, 2)
"""Quantile levels of every predictive distribution: 0.05 .. 0.95 (the 80 % and 90 % intervals
are (0.10, 0.90) and (0.05, 0.95)); CRPS is approximated by the mean pinball loss over them."""
MIN_POOLED = 50
"""Errors needed before an interval is learned; origins with fewer have no interval."""
PEERS = 30
"""Size of the peer group of a large economy: the 30 largest manufacturing economies by MVA."""
TAU_GRID = np.array([2.0, 3.0, 5.0, 8.0, 11.0, 15.0, 20.0, 30.0, 50.0, 100.0])


@dataclass(frozen=True)
class Panel:
    """Log MVA by country (rows) and consecutive year (columns); NaN where not reported."""

    iso3: tuple[str, ...]
    years: np.ndarray
    log: np.ndarray

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Panel:
        """From a year x country table of positive MVA (any unit)."""
        years = np.arange(int(table.index.min()), int(table.index.max()) + 1)
        values = table.reindex(years).to_numpy(float).T
        with np.errstate(divide="ignore", invalid="ignore"):
            log = np.where(values > 0, np.log(values), np.nan)
        return cls(tuple(map(str, table.columns)), years, log)


def run_lengths(log: np.ndarray) -> np.ndarray:
    """Consecutive reported years ending at each year (0 where missing), shape of ``log``."""
    runs = np.zeros(log.shape, dtype=int)
    finite = np.isfinite(log)
    runs[:, 0] = finite[:, 0]
    for t in range(1, log.shape[1]):
        runs[:, t] = np.where(finite[:, t], runs[:, t - 1] + 1, 0)
    return runs


def _lagged(log: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """``log[c, t - lag[c, t]]`` (NaN where ``t - lag`` is before the first year)."""
    n_y = log.shape[1]
    index = np.arange(n_y)[None, :] - lag
    safe = np.clip(index, 0, n_y - 1)
    out = np.take_along_axis(log, safe, axis=1)
    return np.where(index >= 0, out, np.nan)


def _from_drift(log: np.ndarray, drift: np.ndarray) -> np.ndarray:
    """Forecasts (countries, origins, H) of a constant log growth ``drift`` per origin."""
    steps = np.arange(1, HORIZONS + 1)
    return log[:, :, None] + drift[:, :, None] * steps


def drift_forecast(log: np.ndarray, window: int | None) -> np.ndarray:
    """CAGR over the last ``window`` years (None: the whole contiguous record) carried forward."""
    runs = run_lengths(log)
    span = runs - 1 if window is None else np.full(log.shape, window)
    enough = runs >= (6 if window is None else window + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        drift = (log - _lagged(log, span)) / span
    return _from_drift(log, np.where(enough, drift, np.nan))


def trend_forecast(log: np.ndarray, window: int) -> np.ndarray:
    """Slope of a log-linear least-squares fit over the last ``window`` years, carried forward."""
    x = np.arange(window + 1, dtype=float)
    xc = (x - x.mean()) / ((x - x.mean()) ** 2).sum()
    slope = np.full(log.shape, np.nan)
    if log.shape[1] > window:
        spans = np.lib.stride_tricks.sliding_window_view(log, window + 1, axis=1)
        slope[:, window:] = spans @ xc  # NaN wherever the window has a gap
    return _from_drift(log, slope)


def convergence_forecast(log: np.ndarray, window: int = 20) -> np.ndarray:
    """Convergence growth fitted in logs over the last ``window`` years, tau on :data:`TAU_GRID`.

    Log MVA ``k`` years after the window's start: ``g_lr k + (g0 - g_lr) S_k(tau)``, with
    ``S_k = sum_{j=1..k} exp(-j / tau)``; for each tau the two rates solve a 2x2 least-squares
    problem, and the tau with the smallest residual wins.
    """
    n_c, n_y = log.shape
    out = np.full((n_c, n_y, HORIZONS), np.nan)
    if n_y <= window:
        return out
    spans = np.lib.stride_tricks.sliding_window_view(log, window + 1, axis=1)
    rise = spans - spans[..., :1]  # (c, origins, k)
    k = np.arange(window + 1, dtype=float)
    best_sse = np.full(rise.shape[:2], np.inf)
    for tau in TAU_GRID:
        s = np.cumsum(np.concatenate([[0.0], np.exp(-k[1:] / tau)]))
        a11, a12, a22 = k @ k, k @ s, s @ s
        b1, b2 = rise @ k, rise @ s
        det = a11 * a22 - a12**2
        g_lr, excess = (a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det
        sse = ((rise - g_lr[..., None] * k - excess[..., None] * s) ** 2).sum(-1)
        better = sse < best_sse
        best_sse = np.where(better, sse, best_sse)
        ahead = np.exp(-(window + np.arange(1, HORIZONS + 1)) / tau)  # growth j years past origin
        path = np.cumsum(g_lr[..., None] + excess[..., None] * ahead, axis=-1)
        out[:, window:] = np.where(better[..., None], path, out[:, window:])
    return out + log[:, :, None]


METHODS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "random_walk": lambda log: drift_forecast(log, None),
    "last_cagr": lambda log: drift_forecast(log, 5),
    **{f"constant_{w}": (lambda log, w=w: drift_forecast(log, w)) for w in (10, 15, 20)},
    **{f"trend_{w}": (lambda log, w=w: trend_forecast(log, w)) for w in (10, 15, 20)},
    "convergence_20": convergence_forecast,
}
"""Every method scored, by name; see the module docstring."""
BENCHMARKS = ("random_walk", "last_cagr")
CONSTANT_WINDOWS = {"last_cagr": 5, "constant_10": 10, "constant_15": 15, "constant_20": 20}
"""The methods a config expresses as ``constant`` growth ``from_data`` a window of W years;
``random_walk`` is ``constant`` from the first reported year."""


def actuals(log: np.ndarray) -> np.ndarray:
    """Observed log MVA at origin + h, shape (countries, origins, H)."""
    n_c, n_y = log.shape
    out = np.full((n_c, n_y, HORIZONS), np.nan)
    for h in range(1, HORIZONS + 1):
        out[:, : n_y - h, h - 1] = log[:, h:]
    return out


def volatility(log: np.ndarray) -> np.ndarray:
    """Robust sd of the annual log growth rates of the last :data:`VOLATILITY_YEARS` years up to
    each year: 1.4826 x their median absolute deviation, so one crash year does not set it
    (at least :data:`MIN_VOLATILITY_YEARS` rates; NaN before)."""
    padding = np.full((len(log), VOLATILITY_YEARS), np.nan)  # the first year has no rate
    growth = np.concatenate([padding, np.diff(log, axis=1)], axis=1)
    spans = np.lib.stride_tricks.sliding_window_view(growth, VOLATILITY_YEARS, axis=1)
    enough = np.isfinite(spans).sum(-1) >= MIN_VOLATILITY_YEARS
    with warnings.catch_warnings():  # windows without rates: all-NaN medians
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmedian(spans, axis=-1, keepdims=True)
        mad = np.nanmedian(np.abs(spans - centre), axis=-1)
    return np.where(enough, 1.4826 * mad, np.nan)


def mase_scale(log: np.ndarray) -> np.ndarray:
    """Mean absolute one-year change of the level over the contiguous record up to each year."""
    level = np.exp(log)
    change = np.abs(np.diff(level, axis=1))
    cum = np.concatenate([np.zeros((len(log), 1)), np.nancumsum(change, axis=1)], axis=1)
    runs = run_lengths(log)
    span = np.maximum(runs - 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = (cum - _lagged(cum, span)) / span
    return np.where(runs >= 2, scale, np.nan)


def largest(log: np.ndarray, k: int = PEERS) -> np.ndarray:
    """The ``k`` largest economies of the panel at each year: a mask shaped like ``log``."""
    level = np.where(np.isfinite(log), log, -np.inf)
    rank = np.argsort(np.argsort(-level, axis=0, kind="stable"), axis=0, kind="stable")
    return (rank < k) & np.isfinite(log)


def learned_quantiles(standardized: np.ndarray, members: np.ndarray | None = None) -> np.ndarray:
    """Quantiles (origins, H, levels) of errors known at each origin, pooled over countries.

    ``standardized``: (countries, origins, H) errors over volatility; the error from origin ``o``
    at horizon ``h`` is known from origin ``o + h`` on. ``members`` (countries, origins): pool
    only the errors of forecasts made where it is True (e.g. :func:`largest`); None: all.
    Origins with fewer than :data:`MIN_POOLED` known errors get NaN.
    """
    _, n_o, n_h = standardized.shape
    out = np.full((n_o, n_h, len(LEVELS)), np.nan)
    for h in range(n_h):
        known_at = np.arange(n_o) + h + 1
        for origin in range(n_o):
            known = known_at <= origin
            pool = standardized[:, known, h]
            pool = pool if members is None else pool[members[:, known]]
            pool = pool[np.isfinite(pool)]
            if pool.size >= MIN_POOLED:
                out[origin, h] = np.quantile(pool, LEVELS)
    return out


@dataclass(frozen=True)
class MethodScores:
    """One method's scores for every country, origin and horizon (arrays (countries, origins, H))."""

    forecast: np.ndarray
    abs_scaled: np.ndarray
    covered_80: np.ndarray
    covered_90: np.ndarray
    crps: np.ndarray
    error: np.ndarray
    quantiles: np.ndarray


def score(
    forecast: np.ndarray,
    log: np.ndarray,
    quantiles: np.ndarray | None = None,
) -> MethodScores:
    """Score forecasts of log MVA (countries, origins, H) against the panel.

    ``quantiles``: the predictive quantiles at :data:`LEVELS` (countries, origins, H, levels);
    None learns them from the errors (module docstring). ``error`` = forecast - actual (log);
    ``abs_scaled`` = |forecast - actual| in levels over :func:`mase_scale` (MASE terms);
    ``crps`` = twice the mean pinball loss over the levels (log units).
    """
    actual = actuals(log)
    error = forecast - actual
    if quantiles is None:
        vol = volatility(log)[:, :, None]
        with np.errstate(divide="ignore", invalid="ignore"):  # no volatility: no error to learn
            known = learned_quantiles((actual - forecast) / vol)
        quantiles = forecast[..., None] + vol[..., None] * known[None]
    with np.errstate(invalid="ignore"):
        abs_scaled = np.abs(np.exp(forecast) - np.exp(actual)) / mase_scale(log)[:, :, None]
        below = actual[..., None] < quantiles
        pinball = (below.astype(float) - LEVELS) * (quantiles - actual[..., None])
        crps = 2 * pinball.mean(-1)
        lo80, hi80, lo90, hi90 = (quantiles[..., i] for i in (1, 17, 0, 18))
        covered_80 = np.where(
            np.isfinite(lo80 + actual), (lo80 <= actual) & (actual <= hi80), np.nan
        )
        covered_90 = np.where(
            np.isfinite(lo90 + actual), (lo90 <= actual) & (actual <= hi90), np.nan
        )
    return MethodScores(forecast, abs_scaled, covered_80, covered_90, crps, error, quantiles)
