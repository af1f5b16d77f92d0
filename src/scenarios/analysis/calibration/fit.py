"""Fitting one growth component to one observed series by least squares in logs.

The kernels work on plain numpy arrays: :func:`fit_growth` fits one component to one series,
:func:`project` carries a fit forward, :func:`mape` and :func:`cagr` score a projection.

The predicted log MVA path over a window ``y_0 .. y_n`` is::

    log MVA(y_k) = log MVA(y_0) + sum_{j=1..k} log(1 + g(y_j))  (constant, convergence)
    log MVA(y_k) = log MVA(y_0) + c + k log(1 + g)                (trend: free intercept c)

so ``constant`` is anchored on the first observation and ``trend`` is the log-linear fit of
:func:`scenarios.model.growth.trend_fit`. Standard errors come from the Jacobian at the optimum
(``s^2 (J'J)^-1``) and, on request, from a seeded residual bootstrap. Both treat the log
residuals as independent, which year-to-year persistence in MVA makes optimistic.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from scenarios.errors import ConfigError

PARAMETERS: dict[str, tuple[str, ...]] = {
    "constant": ("g",),
    "convergence": ("g0", "g_lr", "tau"),
    "trend": ("g", "log_offset"),
}
"""Fitted parameters of each component; ``log_offset`` is the trend's intercept (a nuisance)."""

COMPONENTS = tuple(PARAMETERS)
BENCHMARKS = ("last_cagr", "random_walk")
LAST_CAGR_YEARS = 5
BOUNDS = {"g": (-0.2, 0.3), "g0": (-0.2, 0.3), "g_lr": (-0.2, 0.3), "tau": (1.0, 100.0)}
"""Where fits must stay and where the ``uncertainties`` normals are truncated. Single years of
the embedded MVA range from -20 % (Germany, 2009) to +31 % (Korea, 1970s), so a rate sustained
over years outside -20..+30 % is implausible; a time constant under a year is no convergence, and
beyond 100 years it cannot be told from a constant rate in a few decades of data."""
_FIT_BOUNDS = {**BOUNDS, "log_offset": (-np.inf, np.inf)}
UNITS = "USD trillion, constant 2015 prices"
SOURCE = (
    "Source: UN AMA through-2023 edition (MVA, constant 2015 USD); "
    "WLD = world minus the other modelled countries."
)


# --- kernels on numpy arrays ---------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """One component fitted to one series.

    Attributes
    ----------
    kind
        ``constant``, ``convergence`` or ``trend``.
    params, std_err
        Estimates and standard errors by name (:data:`PARAMETERS`); ``std_err`` is from the
        bootstrap when one was run, otherwise from the Jacobian; 0 for a fixed parameter and NaN
        for one that ended on a bound of :data:`BOUNDS` (the data do not pin it down).
    rmse
        Root mean square of the log residuals.
    n_obs
        Observed years in the window (the anchor year included).
    t0
        Reference year of ``convergence``: g(t0) = g0.
    status
        Per parameter: ``fitted``, ``fixed`` or ``at bound``.
    cov
        Covariance of the estimates (Jacobian), in the order of :data:`PARAMETERS`.
    draws
        Bootstrap estimates, shape (n_bootstrap, n_params); empty without bootstrap.
    """

    kind: str
    params: dict[str, float]
    std_err: dict[str, float]
    rmse: float
    n_obs: int
    t0: int
    status: dict[str, str]
    cov: np.ndarray = field(repr=False)
    draws: np.ndarray = field(repr=False)


def growth_rates(kind: str, theta: np.ndarray, years: np.ndarray, t0: int) -> np.ndarray:
    """Annual growth g(t) of a component with parameters ``theta`` (order of :data:`PARAMETERS`)."""
    if kind == "convergence":
        g0, g_lr, tau = theta
        return g_lr + (g0 - g_lr) * np.exp(-(years - t0) / tau)
    return np.full(len(years), theta[0])


def log_path(kind: str, theta: np.ndarray, years: np.ndarray, log_start: float) -> np.ndarray:
    """Predicted log MVA at ``years`` (consecutive), starting from ``log_start`` at ``years[0]``."""
    g = growth_rates(kind, theta, years[1:], int(years[0]))
    offset = theta[1] if kind == "trend" else 0.0
    return log_start + offset + np.concatenate([[0.0], np.cumsum(np.log1p(g))])


def fit_growth(
    kind: str,
    years: np.ndarray,
    mva: np.ndarray,
    *,
    fixed: dict[str, float] | None = None,
    bootstrap: int = 0,
    seed: int = 0,
) -> Fit:
    """Fit a growth component to an observed MVA series by least squares in logs.

    Parameters
    ----------
    kind
        ``constant``, ``convergence`` or ``trend``.
    years, mva
        Consecutive years and positive MVA values (any unit); ``years[0]`` anchors the path.
    fixed
        Parameters held at a given value instead of fitted (e.g. ``{"g_lr": 0.025}``).
    bootstrap
        Number of residual-bootstrap refits for the standard errors (0: Jacobian only).
    seed
        Seed of the bootstrap.

    Returns
    -------
    Fit
        Estimates are kept inside :data:`BOUNDS`.

    Raises
    ------
    ConfigError
        Unknown kind or fixed parameter, or fewer years than free parameters + 2.

    Example
    -------
    >>> years = np.arange(2000, 2011)
    >>> round(fit_growth("constant", years, 100 * 1.03 ** (years - 2000)).params["g"], 6)
    0.03
    """
    names, fixed = _check_kind(kind, fixed or {})
    years, log_mva = np.asarray(years, dtype=float), np.log(np.asarray(mva, dtype=float))
    free = [n for n in names if n not in fixed]
    if len(years) < len(free) + 2:
        raise ConfigError(
            f"{kind} growth needs {len(free) + 2} or more observed years to fit and "
            f"estimate errors; got {len(years)}",
            path="window",
            value=len(years),
        )
    problem = _Problem(kind, years, log_mva, fixed)
    theta, residuals, jac = problem.solve(_starts(kind, years, log_mva))
    status = {
        n: "fixed" if n in fixed else "at bound" if _at_bound(n, theta[i]) else "fitted"
        for i, n in enumerate(names)
    }
    cov = _covariance(
        jac, residuals, [status[n] == "fitted" for n in free], len(names), problem.free_index
    )
    draws = _bootstrap(problem, theta, residuals, bootstrap, seed)
    se = draws.std(axis=0, ddof=1) if bootstrap > 1 else np.sqrt(np.diag(cov))
    se = np.where([status[n] == "at bound" for n in names], np.nan, se)
    return Fit(
        kind,
        dict(zip(names, map(float, theta), strict=True)),
        dict(zip(names, map(float, se), strict=True)),
        float(np.sqrt(np.mean(residuals**2))),
        len(years),
        int(years[0]),
        status,
        cov,
        draws,
    )


def _check_kind(kind: str, fixed: dict[str, float]) -> tuple[tuple[str, ...], dict[str, float]]:
    if kind not in PARAMETERS:
        raise ConfigError(
            f"unknown growth kind {kind!r}",
            path="growth.kind",
            value=kind,
            hint=f"one of: {', '.join(PARAMETERS)}",
        )
    unknown = sorted(set(fixed) - set(PARAMETERS[kind]))
    if unknown:
        raise ConfigError(
            f"{kind} growth has no parameter {unknown[0]!r} to fix",
            path="--fix",
            value=unknown[0],
            hint=f"{kind} parameters: {', '.join(PARAMETERS[kind])}",
        )
    return PARAMETERS[kind], fixed


def _at_bound(name: str, value: float) -> bool:
    low, high = _FIT_BOUNDS[name]
    return bool(
        np.isclose(value, low, rtol=0, atol=1e-6) or np.isclose(value, high, rtol=0, atol=1e-6)
    )


@dataclass(frozen=True)
class _Problem:
    """A least-squares problem over the free parameters of one component and one series."""

    kind: str
    years: np.ndarray
    log_mva: np.ndarray
    fixed: dict[str, float]

    @property
    def free_index(self) -> list[int]:
        return [i for i, n in enumerate(PARAMETERS[self.kind]) if n not in self.fixed]

    def theta(self, free: np.ndarray) -> np.ndarray:
        values = iter(free)
        return np.array(
            [self.fixed[n] if n in self.fixed else next(values) for n in PARAMETERS[self.kind]]
        )

    def residuals(self, free: np.ndarray, log_mva: np.ndarray) -> np.ndarray:
        predicted = log_path(self.kind, self.theta(free), self.years, log_mva[0])
        # The anchored components reproduce the first year exactly: it is not a residual.
        return (predicted - log_mva)[0 if self.kind == "trend" else 1 :]

    def solve(
        self, starts: list[np.ndarray], log_mva: np.ndarray | None = None
    ) -> tuple[np.ndarray, ...]:
        """Best fit from several full-parameter starts, to ``log_mva`` (default: the observed):
        (theta, residuals, Jacobian over the free parameters)."""
        from scipy.optimize import least_squares

        log_mva = self.log_mva if log_mva is None else log_mva
        names = [PARAMETERS[self.kind][i] for i in self.free_index]
        low, high = (np.array([_FIT_BOUNDS[n][j] for n in names]) for j in (0, 1))
        best = None
        for start in starts:
            x0 = np.clip(start[self.free_index], low + 1e-6, high - 1e-6)
            result = least_squares(
                self.residuals,
                x0,
                bounds=(low, high),
                args=(log_mva,),
                xtol=1e-14,
                ftol=1e-14,
                gtol=1e-14,
            )
            if best is None or result.cost < best.cost:
                best = result
        return self.theta(best.x), best.fun, best.jac

    def perturbed(self, theta: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """The fitted log path plus residual ``noise`` (the anchor year of anchored kinds kept)."""
        fitted = log_path(self.kind, theta, self.years, self.log_mva[0])
        fitted[len(fitted) - len(noise) :] += noise
        return fitted


def _starts(kind: str, years: np.ndarray, log_mva: np.ndarray) -> list[np.ndarray]:
    """Initial guesses: the window's CAGR; for convergence its two halves and several tau."""
    rate = np.expm1((log_mva[-1] - log_mva[0]) / (years[-1] - years[0]))
    if kind == "constant":
        return [np.array([rate])]
    if kind == "trend":
        return [np.array([rate, 0.0])]
    mid = len(years) // 2
    early = np.expm1((log_mva[mid] - log_mva[0]) / (years[mid] - years[0]))
    late = np.expm1((log_mva[-1] - log_mva[mid]) / (years[-1] - years[mid]))
    return [np.array([early, late, tau]) for tau in (2.0, 5.0, 10.0, 25.0)]


def _covariance(
    jac: np.ndarray, residuals: np.ndarray, fitted: list[bool], n_params: int, free_index: list[int]
) -> np.ndarray:
    """s^2 (J'J)^-1 over the parameters fitted in the interior, s^2 = SSR / (n - p).

    Fixed parameters and those on a bound get zero rows (they are held, not estimated).
    """
    cov = np.zeros((n_params, n_params))
    inner = [i for i, keep in zip(free_index, fitted, strict=True) if keep]
    j = jac[:, np.asarray(fitted, dtype=bool)]
    s2 = residuals @ residuals / (len(residuals) - j.shape[1])
    try:
        cov[np.ix_(inner, inner)] = s2 * np.linalg.inv(j.T @ j)
    except np.linalg.LinAlgError:
        cov[np.ix_(inner, inner)] = np.nan
    return cov


def _bootstrap(
    problem: _Problem, theta: np.ndarray, residuals: np.ndarray, n: int, seed: int
) -> np.ndarray:
    """Estimates refitted on the fitted path plus residuals drawn with replacement (seeded)."""
    rng = np.random.default_rng(seed)
    draws = [
        problem.solve(
            [theta], problem.perturbed(theta, rng.choice(residuals, size=len(residuals)))
        )[0]
        for _ in range(n)
    ]
    return np.array(draws).reshape(n, len(theta))


def reanchor(fit: Fit, t0: int) -> Fit:
    """A convergence fit with its reference year moved to ``t0``: g0 becomes g(t0).

    The curve is unchanged (an exponential forgets its start); the covariance and the bootstrap
    draws follow by the delta method and by transforming each draw. Other kinds are returned as is.
    """
    if fit.kind != "convergence" or t0 == fit.t0:
        return fit
    g0, g_lr, tau = (fit.params[n] for n in PARAMETERS["convergence"])
    decay = np.exp(-(t0 - fit.t0) / tau)
    grad = np.array([decay, 1 - decay, (g0 - g_lr) * decay * (t0 - fit.t0) / tau**2])
    jac = np.array([grad, [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    cov = jac @ fit.cov @ jac.T
    draws = fit.draws.copy()
    if len(draws):
        draws[:, 0] = draws[:, 1] + (draws[:, 0] - draws[:, 1]) * np.exp(
            -(t0 - fit.t0) / draws[:, 2]
        )
    se = draws.std(axis=0, ddof=1) if len(draws) > 1 else np.sqrt(np.diag(cov))
    se = np.where([fit.status[n] == "at bound" for n in PARAMETERS["convergence"]], np.nan, se)
    params = {**fit.params, "g0": float(g_lr + (g0 - g_lr) * decay)}
    return replace(
        fit,
        params=params,
        std_err=dict(zip(PARAMETERS["convergence"], map(float, se), strict=True)),
        t0=t0,
        cov=cov,
        draws=draws,
    )


def project(fit: Fit, level: float, years: np.ndarray) -> np.ndarray:
    """MVA at ``years`` (consecutive, after the jump-off) from ``level`` in the year before them."""
    theta = np.array([fit.params[n] for n in PARAMETERS[fit.kind]])
    return level * np.cumprod(
        1 + growth_rates(fit.kind, theta, np.asarray(years, dtype=float), fit.t0)
    )


def mape(projected: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute percentage error, as a fraction: mean(|projected - actual| / actual)."""
    projected, actual = np.asarray(projected, dtype=float), np.asarray(actual, dtype=float)
    return float(np.mean(np.abs(projected - actual) / actual))


def cagr(first: float, last: float, years: int) -> float:
    """Compound annual growth rate between two levels ``years`` apart."""
    return float((last / first) ** (1 / years) - 1)


# --- data: the MVA each config models ------------------------------------------------------------


# --- calibrate ------------------------------------------------------------------------------------


# --- backtest -------------------------------------------------------------------------------------


# --- presentation ---------------------------------------------------------------------------------
