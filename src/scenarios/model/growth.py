"""Baseline growth components: each returns growth rates of shape (n_samples, n_years).

The built-in components return them year-major in memory (Fortran order), as the engine's
per-year loops read them, or a read-only broadcast view; any layout works.

Every component has the signature ``(params, history, years, base_year) -> ndarray`` and is
registered by name in :data:`GROWTH`, which configs select with ``growth.kind``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from scenarios.errors import ConfigError
from scenarios.model.parameters import ParameterView

GrowthFn = Callable[[ParameterView, pd.Series, np.ndarray, int], np.ndarray]


def observed_cagr(history: pd.Series, window: tuple[int, int], *, path: str) -> float:
    """Compound annual growth of the observed series between the window's end years."""
    start, end = window
    observed = dict(zip(history.index, history.to_numpy(), strict=True))
    missing = [y for y in (start, end) if not np.isfinite(observed.get(y, np.nan))]
    if missing or end <= start:
        years = f"{history.index.min()}-{history.index.max()}" if len(history) else "none"
        raise ConfigError(
            f"window {start}-{end} is not inside the observed data",
            path=path,
            value=list(window),
            hint=f"observed years for this country: {years}; end must be after start",
        )
    return float((observed[end] / observed[start]) ** (1 / (end - start)) - 1)


def trend_fit(history: pd.Series, window: tuple[int, int], *, path: str) -> tuple[float, float]:
    """Log-linear least-squares fit over a window: (annual growth, residual sd of log MVA)."""
    from scipy import stats

    start, end = window
    span = history.loc[start:end].dropna()
    if len(span) < 3:
        raise ConfigError(
            f"trend window {start}-{end} holds {len(span)} observed years; need 3 or more",
            path=path,
            value=list(window),
        )
    fit = stats.linregress(span.index.to_numpy(float), np.log(span.to_numpy(float)))
    residuals = np.log(span.to_numpy(float)) - (
        fit.intercept + fit.slope * span.index.to_numpy(float)
    )
    return float(np.expm1(fit.slope)), float(residuals.std(ddof=2))


def initial_rate(p: ParameterView, history: pd.Series, name: str) -> np.ndarray:
    if p.has(name):
        return p.get(name)
    window = p.parameters.config_value(p.path("from_data.window"))
    if window is None:
        raise ConfigError(f"needs '{name}' or 'from_data: {{window: [start, end]}}'", path=p.prefix)
    g = observed_cagr(history, tuple(window), path=p.path("from_data.window"))
    return np.full(p.n, g)


def constant(p: ParameterView, history: pd.Series, years: np.ndarray, base_year: int) -> np.ndarray:
    """g(t) = g for every year."""
    g = initial_rate(p, history, "g")
    return np.broadcast_to(g[:, None], (len(g), len(years)))  # read-only, nothing repeated


def convergence(
    p: ParameterView, history: pd.Series, years: np.ndarray, base_year: int
) -> np.ndarray:
    """g(t) = g_lr + (g0 - g_lr) exp(-(t - t0) / tau), t0 = the base year."""
    g0 = initial_rate(p, history, "g0")
    g_lr, tau = p.get("g_lr"), p.get("tau")
    if np.any(tau <= 0):
        raise ConfigError("tau must be positive", path=p.path("tau"), value=float(tau.min()))
    rate = np.divide(-(years[:, None] - base_year), tau)  # (years, samples), then in place:
    np.exp(rate, out=rate)  # the decay, then g_lr + (g0 - g_lr) x decay
    rate *= g0 - g_lr
    rate += g_lr
    return rate.T


def trend(p: ParameterView, history: pd.Series, years: np.ndarray, base_year: int) -> np.ndarray:
    """The growth of a log-linear fit over ``window``, carried forward from the last observation."""
    window = p.parameters.config_value(p.path("window"))
    if window is None:
        raise ConfigError("trend growth needs 'window: [start, end]'", path=p.path("window"))
    g, _ = trend_fit(history, tuple(window), path=p.path("window"))
    return np.full((p.n, len(years)), g, order="F")


GROWTH: dict[str, GrowthFn] = {"constant": constant, "convergence": convergence, "trend": trend}


def ar1_shocks(
    sigma: np.ndarray, rho: np.ndarray, n_years: int, rng: np.random.Generator
) -> np.ndarray:
    """AR(1) noise e_t = rho e_{t-1} + sigma z_t, shape (n, n_years), starting from e_0 = 0."""
    return ar1_noise(rng.standard_normal((len(sigma), n_years)), sigma, rho)


def ar1_noise(
    z: np.ndarray, sigma: np.ndarray, rho: np.ndarray, *, out: np.ndarray | None = None
) -> np.ndarray:
    """:func:`ar1_shocks` from given standard normal draws ``z`` of shape (n, n_years).

    Loops over year-major rows; the array it allocates is Fortran-ordered.
    """
    shocks = np.empty(z.shape, order="F") if out is None else out
    by_year = shocks.T
    np.multiply(z.T, sigma, out=by_year)
    previous, carried = np.zeros(len(sigma)), np.empty(len(sigma))
    for shock in by_year:  # e_t = rho e_{t-1} + sigma z_t
        np.multiply(rho, previous, out=carried)
        shock += carried
        previous = shock
    return shocks


def register_growth(name: str) -> Callable[[GrowthFn], GrowthFn]:
    """Register a growth component under ``name`` (selected in a config by ``growth.kind``).

    The function takes ``(params, history, years, base_year)`` and returns growth rates of shape
    (n_samples, n_years); read its own parameters with ``params.get("params.<name>")`` so that
    ``countries.<ISO3>.growth.params.<name>`` can be set, overridden and sampled.

    Example
    -------
    >>> @register_growth("flat_two_percent")
    ... def flat(params, history, years, base_year):
    ...     return np.full((params.n, len(years)), 0.02)
    """

    def add(fn: GrowthFn) -> GrowthFn:
        GROWTH[name] = fn
        return fn

    return add
