"""Innovation capital and its impact on MVA.

Capital follows the perpetual inventory K_t = (1 - delta) K_{t-1} + S_{t-lag}, starting from the
steady state of base-year spend, K_0 = S_0 / delta: the capital already embodied in the observed
trend. Impact components have the signature ``(params, mva_base, capital, capital_0) -> mva`` and
are registered in :data:`IMPACT`; a component that also needs the country's active institutes
(summed over its programs, (n, T+1)) or the country's code declares the keyword-only arguments
``institutes`` or ``country`` (as :func:`scenarios.model.diffusion.diffusion` does). One that
declares ``out`` is handed the array its MVA goes to, and may write it there (and return it).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from scenarios.errors import ConfigError
from scenarios.model.diffusion import diffusion
from scenarios.model.parameters import ParameterView

ImpactFn = Callable[..., np.ndarray]
EXTRA_INPUTS = ("institutes", "country", "out")  # keyword-only inputs a component may declare


def impact_keywords(fn: ImpactFn) -> frozenset[str]:
    """The extra inputs (:data:`EXTRA_INPUTS`) that ``fn`` declares as keyword-only arguments."""
    parameters = inspect.signature(fn).parameters
    return frozenset(
        name
        for name in EXTRA_INPUTS
        if name in parameters and parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
    )


def innovation_capital(
    spend: np.ndarray, delta: np.ndarray, lag: np.ndarray, *, out: np.ndarray | None = None
) -> np.ndarray:
    """Capital over years 0..T from spend over years 0..T (year 0 = base year), shape (n, T+1).

    Spend before the base year is taken to equal base-year spend (the steady state). Loops over
    year-major rows; the array it allocates is Fortran-ordered (each year's samples contiguous).
    """
    n_years = spend.shape[1]
    capital = np.empty(spend.shape, order="F") if out is None else out
    by_year, stock = spend.T, list(capital.T)
    lagged = _lagged(by_year, lag.astype(int))
    np.divide(by_year[0], delta, out=stock[0])
    keep = 1 - delta
    for t in range(1, n_years):
        np.multiply(keep, stock[t - 1], out=stock[t])
        np.add(stock[t], lagged[t], out=stock[t])
    return capital


def _lagged(by_year: np.ndarray, lag: np.ndarray) -> np.ndarray | list[np.ndarray]:
    """Year-major spend[:, max(t - lag, 0)]: views of the rows when every sample has the same lag."""
    n_years = len(by_year)
    if lag.min() == lag.max():
        return [by_year[max(t - int(lag[0]), 0)] for t in range(n_years)]
    lagged = np.empty_like(by_year)
    for s in np.unique(lag):
        rows = lag == s
        s = min(int(s), n_years)
        lagged[s:, rows] = by_year[: n_years - s, rows]
        lagged[:s, rows] = by_year[:1, rows]
    return lagged


def rate_of_return(
    p: ParameterView,
    mva_base: np.ndarray,
    capital: np.ndarray,
    capital_0: np.ndarray,
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Extra MVA_t = rho (K_t - K_0): each dollar of new capital yields rho dollars a year."""
    mva = np.subtract(capital, capital_0[:, None], out=out)  # then rho (K_t - K_0), + MVA_base
    mva *= p.get("rho")[:, None]
    mva += mva_base
    return mva


def elasticity(
    p: ParameterView, mva_base: np.ndarray, capital: np.ndarray, capital_0: np.ndarray
) -> np.ndarray:
    """MVA_t = MVA_base_t (K_t / K_0) ** theta."""
    if np.any(capital_0 <= 0):
        raise ConfigError(
            "the elasticity impact needs positive base-year program spend in every modelled country",
            path=p.path("kind"),
            value="elasticity",
            hint="give the country's program a base_funding that covers the base year, or use kind: rate_of_return",
        )
    return mva_base * (capital / capital_0[:, None]) ** p.get("theta")[:, None]


def no_impact(
    p: ParameterView, mva_base: np.ndarray, capital: np.ndarray, capital_0: np.ndarray
) -> np.ndarray:
    """Programs do not change MVA."""
    return mva_base.copy()


IMPACT: dict[str, ImpactFn] = {
    "rate_of_return": rate_of_return,
    "elasticity": elasticity,
    "diffusion": diffusion,
    "none": no_impact,
}


def register_impact(name: str) -> Callable[[ImpactFn], ImpactFn]:
    """Register an impact component under ``name`` (selected in a config by ``impact.kind``).

    The function takes ``(params, mva_base, capital, capital_0)`` (and, if it declares them as
    keyword-only arguments, ``institutes``, ``country`` and ``out``) and returns MVA of the same
    shape as ``mva_base``; read its own parameters with ``params.get("params.<name>")`` so that
    ``impact.params.<name>`` can be set, overridden and sampled.
    """

    def add(fn: ImpactFn) -> ImpactFn:
        IMPACT[name] = fn
        return fn

    return add
