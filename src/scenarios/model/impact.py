"""Innovation capital and its impact on MVA.

Capital follows the perpetual inventory K_t = (1 - delta) K_{t-1} + S_{t-lag}, starting from the
steady state of base-year spend, K_0 = S_0 / delta: the capital already embodied in the observed
trend. Impact components have the signature ``(params, mva_base, capital, capital_0) -> mva`` and
are registered in :data:`IMPACT`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scenarios.errors import ConfigError
from scenarios.model.parameters import ParameterView

ImpactFn = Callable[[ParameterView, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def innovation_capital(spend: np.ndarray, delta: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Capital over years 0..T from spend over years 0..T (year 0 = base year), shape (n, T+1).

    Spend before the base year is taken to equal base-year spend (the steady state).
    """
    n_years = spend.shape[1]
    lagged = np.empty_like(spend)  # spend[:, max(t - lag, 0)]
    lag = lag.astype(int)
    for s in [lag[0]] if lag.min() == lag.max() else np.unique(lag):
        rows = slice(None) if lag.min() == lag.max() else lag == s
        s = min(int(s), n_years)
        lagged[rows, s:] = spend[rows, : n_years - s]
        lagged[rows, :s] = spend[rows, :1]
    capital = np.empty_like(spend)
    capital[:, 0] = spend[:, 0] / delta
    keep = 1 - delta
    for t in range(1, n_years):
        capital[:, t] = keep * capital[:, t - 1] + lagged[:, t]
    return capital


def rate_of_return(p: ParameterView, mva_base: np.ndarray, capital: np.ndarray, capital_0: np.ndarray) -> np.ndarray:
    """Extra MVA_t = rho (K_t - K_0): each dollar of new capital yields rho dollars a year."""
    return mva_base + p.get("rho")[:, None] * (capital - capital_0[:, None])


def elasticity(p: ParameterView, mva_base: np.ndarray, capital: np.ndarray, capital_0: np.ndarray) -> np.ndarray:
    """MVA_t = MVA_base_t (K_t / K_0) ** theta."""
    if np.any(capital_0 <= 0):
        raise ConfigError(
            "the elasticity impact needs positive base-year program spend in every modelled country",
            path=p.path("kind"), value="elasticity",
            hint="give the country's program a base_funding that covers the base year, or use kind: rate_of_return",
        )
    return mva_base * (capital / capital_0[:, None]) ** p.get("theta")[:, None]


def no_impact(p: ParameterView, mva_base: np.ndarray, capital: np.ndarray, capital_0: np.ndarray) -> np.ndarray:
    """Programs do not change MVA."""
    return mva_base.copy()


IMPACT: dict[str, ImpactFn] = {"rate_of_return": rate_of_return, "elasticity": elasticity, "none": no_impact}


def register_impact(name: str) -> Callable[[ImpactFn], ImpactFn]:
    """Register an impact component under ``name`` (selected in a config by ``impact.kind``).

    The function takes ``(params, mva_base, capital, capital_0)`` and returns MVA of the same
    shape as ``mva_base``; read its own parameters with ``params.get("params.<name>")`` so that
    ``impact.params.<name>`` can be set, overridden and sampled.
    """

    def add(fn: ImpactFn) -> ImpactFn:
        IMPACT[name] = fn
        return fn

    return add
