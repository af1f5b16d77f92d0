"""Calibrate baseline growth components on observed MVA, and backtest them out of sample.

The kernels work on plain numpy arrays: :func:`fit_growth` fits one component to one series
by least squares in logs, :func:`project` carries a fit forward, :func:`mape` and :func:`cagr`
score a projection. :func:`calibrate` and :func:`backtest` apply them to every modelled country
of a config (``WLD`` as the rest of the world, as in the engine).

The predicted log MVA path over a window ``y_0 .. y_n`` is::

    log MVA(y_k) = log MVA(y_0) + sum_{j=1..k} log(1 + g(y_j))  (constant, convergence)
    log MVA(y_k) = log MVA(y_0) + c + k log(1 + g)                (trend: free intercept c)

so ``constant`` is anchored on the first observation and ``trend`` is the log-linear fit of
:func:`scenarios.model.growth.trend_fit`. Standard errors come from the Jacobian at the optimum
(``s^2 (J'J)^-1``) and, on request, from a seeded residual bootstrap. Both treat the log
residuals as independent, which year-to-year persistence in MVA makes optimistic.

Example
-------
>>> result = calibrate("baseline", (2004, 2023))               # doctest: +SKIP
>>> print(result.to_yaml())                                     # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from scenarios.analysis.runs import load_config
from scenarios.config.checks import check_option, check_seed
from scenarios.config.schema import Spec
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ConfigError, DataError
from scenarios.model.inputs import WORLD
from scenarios.results import write_run

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


# --- data: the MVA each config models ------------------------------------------------------------


def observed_mva(spec: Spec, dataset: Dataset) -> pd.DataFrame:
    """Year x modelled country, constant 2015 USD million; ``WLD`` as the rest of the world.

    Raises
    ------
    ConfigError
        A modelled country has no MVA series.
    """
    from scenarios.model.inputs import _mva_table, _rest_of_world

    return _rest_of_world(_mva_table(spec, dataset))


def window_series(
    table: pd.DataFrame, country: str, window: tuple[int, int], *, option: str
) -> pd.Series:
    """The observed series of one country over a window, checked.

    Raises
    ------
    ConfigError
        The window ends before it starts.
    DataError
        The window reaches outside the country's data or has gaps in it.
    """
    start, end = window
    series = table[country].dropna()
    first, last = int(series.index.min()), int(series.index.max())
    if end <= start:
        raise ConfigError(
            f"window {start}-{end}: the end year must be after the start year",
            path=option,
            value=[start, end],
            hint=f"observed years for {country}: {first}-{last}",
        )
    if start < first or end > last:
        raise DataError(
            f"{country} has MVA data for {first}-{last} only; "
            f"window {start}-{end} reaches outside it",
            path=option,
            value=[start, end],
            hint=f"first year available for {country}: {first}; last: {last}",
        )
    span = series.loc[start:end]
    if len(span) != end - start + 1:
        missing = sorted(set(range(start, end + 1)) - set(span.index))
        raise DataError(
            f"MVA of {country} is missing for {missing[:5]}", path=option, value=[start, end]
        )
    return span


def _spec_and_data(
    spec_or_name: Spec | str | Path, dataset: Dataset | None
) -> tuple[Spec, Dataset]:

    spec = spec_or_name if isinstance(spec_or_name, Spec) else load_config(spec_or_name)
    return spec, dataset or load_dataset(spec.data.path)


# --- calibrate ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationResult:
    """Fitted growth components of a config's countries.

    Attributes
    ----------
    fits
        Country -> :class:`Fit`; convergence re-anchored at ``base_year``.
    windows
        Country -> the window each was fitted on.
    base_year
        Reference year of the config's projection (t0 of ``convergence``).
    """

    fits: dict[str, Fit]
    windows: dict[str, tuple[int, int]]
    base_year: int

    @property
    def table(self) -> pd.DataFrame:
        """One row per country and parameter: estimate, std err, RMSE of the log fit, window."""
        rows = [
            {
                "country": country,
                "kind": fit.kind,
                "parameter": name,
                "estimate": fit.params[name],
                "std_err": fit.std_err[name],
                "status": fit.status[name],
                "rmse_log": fit.rmse,
                "start": self.windows[country][0],
                "end": self.windows[country][1],
                "n_obs": fit.n_obs,
            }
            for country, fit in self.fits.items()
            for name in PARAMETERS[fit.kind]
            if name != "log_offset"
        ]
        return pd.DataFrame(rows)

    def rich_table(self) -> Any:
        """The :attr:`table` as a rich Table for the terminal."""
        from rich import box
        from rich.table import Table

        table = Table(
            title="Calibrated growth: least squares in log MVA, "
            f"convergence g0 at {self.base_year}",
            title_justify="left",
            caption="RMSE: of the log MVA fit (0.05 = about 5 %)",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=True,
        )
        for column in (
            "country",
            "kind",
            "param",
            "estimate",
            "std err",
            "status",
            "RMSE",
            "window",
        ):
            table.add_column(
                column,
                justify="right" if column in ("estimate", "std err", "RMSE") else "left",
                no_wrap=True,
            )
        for row in self.table.itertuples():
            fmt = "{:.2f}" if row.parameter == "tau" else "{:.4f}"
            se = fmt.format(row.std_err) if np.isfinite(row.std_err) else "-"
            table.add_row(
                row.country,
                row.kind,
                row.parameter,
                fmt.format(row.estimate),
                se,
                row.status,
                f"{row.rmse_log:.4f}",
                f"{row.start}-{row.end}",
            )
        return table

    def fragment(self) -> dict[str, Any]:
        """A config fragment: ``countries:`` growth with the fitted values and ``uncertainties:``.

        ``trend`` is written as its window (the engine refits it), without an uncertainty entry:
        the trend component reads no sampled parameter. Fixed parameters and those on a bound get
        no entry either: the data say nothing about them, so the config's own range should stay.
        """
        countries, uncertainties = {}, {}
        for country, fit in self.fits.items():
            countries[country] = {"growth": _growth_entry(fit, self.windows[country])}
            for name in PARAMETERS[fit.kind] if fit.kind != "trend" else ():
                entry = _normal(fit.params[name], fit.std_err[name], name)
                if entry is not None and fit.status[name] == "fitted":
                    uncertainties[f"countries.{country}.growth.{name}"] = entry
        return {"countries": countries, "uncertainties": uncertainties}

    def warnings(self) -> list[str]:
        """One line per parameter the data did not pin down (its estimate sits on a bound)."""
        return [
            f"{country} {name} = {fit.params[name]:g} is on its bound {BOUNDS[name]}: "
            "the window does not "
            f"identify it; consider --fix {name} (hold the config's value)"
            for country, fit in self.fits.items()
            for name, status in fit.status.items()
            if status == "at bound"
        ]

    def to_yaml(self) -> str:
        """:meth:`fragment` as YAML with a header saying where the numbers come from."""
        windows = ", ".join(f"{c} {s}-{e}" for c, (s, e) in self.windows.items())
        header = [
            f"Calibrated by 'scenarios calibrate' by least squares in log MVA ({windows}).",
            f"convergence g0 is the rate in the base year {self.base_year}; normals are truncated "
            "to sensible bounds.",
            *(f"WARNING: {w}" for w in self.warnings()),
        ]
        return "".join(f"# {line}\n" for line in header) + yaml.safe_dump(
            self.fragment(), sort_keys=False
        )


def _growth_entry(fit: Fit, window: tuple[int, int]) -> dict[str, Any]:
    if fit.kind == "trend":
        return {"kind": "trend", "window": list(window)}
    return {"kind": fit.kind, **{n: round(fit.params[n], 6) for n in PARAMETERS[fit.kind]}}


def _normal(mean: float, sd: float, name: str) -> dict[str, Any] | None:
    """A truncated normal entry, or None when the error is unknown or zero (nothing to sample)."""
    low, high = BOUNDS[name]
    if not (np.isfinite(sd) and sd > 0 and low < mean < high):
        return None
    return {"dist": "normal", "mean": round(mean, 6), "sd": round(sd, 6), "low": low, "high": high}


def calibrate(
    spec_or_name: Spec | str | Path,
    window: tuple[int, int] | None = None,
    *,
    fix: tuple[str, ...] = (),
    dataset: Dataset | None = None,
    bootstrap: int = 0,
    seed: int = 0,
) -> CalibrationResult:
    """Fit each modelled country's growth component (the config's kind) to its observed MVA.

    Parameters
    ----------
    spec_or_name
        A loaded :class:`Spec`, a config path or a shipped config name.
    window
        (start, end) years for every country; None = each country's longest history, from its
        first observed year to the base year.
    fix
        Parameter names held at the config's value where a country's component has them, e.g.
        ``("g_lr",)``: a long-run rate a few decades of data cannot identify.
    dataset
        Default: the config's dataset (the embedded one).
    bootstrap, seed
        Residual-bootstrap refits for the standard errors (0: from the Jacobian), and its seed.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    ConfigError
        The window ends before it starts or is too short, or a fixed parameter has no value.
    DataError
        The window starts before a country's data (the message names the first year available).

    Example
    -------
    >>> calibrate("baseline", (2004, 2015)).table  # doctest: +SKIP
    """
    check_option(bootstrap, "--bootstrap", minimum=0)
    check_seed(seed)
    spec, dataset = _spec_and_data(spec_or_name, dataset)
    _check_fixable(spec, fix)
    table = observed_mva(spec, dataset)
    base_year = spec.base_year or int(table.dropna().index.max())
    fits, windows = {}, {}
    for country, entry in spec.countries.items():
        span = window or (int(table[country].first_valid_index()), base_year)
        series = window_series(table, country, span, option="--window")
        fit = fit_growth(
            entry.growth.kind,
            series.index.to_numpy(),
            series.to_numpy(),
            fixed=_fixed(spec, country, fix),
            bootstrap=bootstrap,
            seed=seed,
        )
        fits[country], windows[country] = reanchor(fit, base_year), span
    return CalibrationResult(fits, windows, base_year)


def _check_fixable(spec: Spec, names: tuple[str, ...]) -> None:
    """Every ``--fix`` name is a parameter of at least one country's growth component."""
    known = sorted({p for entry in spec.countries.values() for p in PARAMETERS.get(entry.growth.kind, ())})
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise ConfigError("not a parameter of this config's growth components", path="--fix", value=name,
                              hint=(f"did you mean '{close[0]}'? " if close else "") + f"parameters: {', '.join(known)}")


def _fixed(spec: Spec, country: str, names: tuple[str, ...]) -> dict[str, float]:
    growth = spec.countries[country].growth
    held = {}
    for name in (n for n in names if n in PARAMETERS.get(growth.kind, ())):
        value = getattr(growth, name, None)
        if value is None:
            raise ConfigError(
                f"cannot fix {name!r}: the config gives no value",
                path=f"countries.{country}.growth.{name}",
                hint=f"set it in the config or drop '--fix {name}'",
            )
        held[name] = float(value)
    return held


# --- backtest -------------------------------------------------------------------------------------


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
    spec, dataset = _spec_and_data(spec_or_name, dataset)
    if test[0] <= fit[1]:
        raise ConfigError(
            f"test window {test[0]}-{test[1]} must start after the fit window {fit[0]}-{fit[1]}",
            path="--test",
            value=list(test),
            hint=f"e.g. --test {fit[1] + 1} {max(test[1], fit[1] + 2)}",
        )
    table = observed_mva(spec, dataset)
    frames = [_country_paths(table, country, fit, test) for country in spec.countries]
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


# --- presentation ---------------------------------------------------------------------------------

_STYLES = {
    "constant": ("#0072B2", "--"),
    "convergence": ("#D55E00", "--"),
    "trend": ("#009E73", "--"),
    "last_cagr": ("#CC79A7", ":"),
    "random_walk": ("#E69F00", ":"),
}
_LABELS = {
    "constant": "constant",
    "convergence": "convergence",
    "trend": "log-linear trend",
    "last_cagr": "naive: last 5-year CAGR",
    "random_walk": "naive: random walk with drift",
}


def plot_backtest(paths: pd.DataFrame, file: str | Path | None = None):
    """Projections against actuals, one panel per country (matplotlib imported here only).

    Parameters
    ----------
    paths
        The output of :func:`backtest_paths`.
    file
        Write the figure there (PNG) when given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    countries = list(dict.fromkeys(paths["country"]))
    ncols = min(2, len(countries))
    nrows = -(-len(countries) // ncols)
    height = (
        2.6 * nrows + 1.8
    )  # inches: panels, plus 0.65 for the titles and 1.15 for legend and source
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.5, height), dpi=150, squeeze=False)
    fig.subplots_adjust(
        left=0.1, right=0.98, top=1 - 0.65 / height, bottom=1.15 / height, hspace=0.45, wspace=0.2
    )
    (fit_start, fit_end), test = paths.attrs["fit"], paths.attrs["test"]
    for ax, country in zip(axes.flat, countries, strict=False):
        _panel(ax, paths[paths["country"] == country], test)
        title = f"{_country_title(country)}; config: {paths.attrs['kinds'][country]}"
        ax.set_title(title, fontsize=8.5)
    for ax in axes.flat[len(countries) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.2 / height),
        ncols=4,
        fontsize=7.5,
        frameon=False,
    )
    fig.suptitle(
        f"Backtest: growth fitted on {fit_start}-{fit_end}, projected {test[0]}-{test[1]} "
        f"from the {fit_end} level",
        fontsize=10,
    )
    fig.supylabel(f"MVA, {UNITS}", fontsize=8.5, x=0.01)
    fig.text(0.01, 0.008, SOURCE, fontsize=6, color="#555555", ha="left", va="bottom")
    if file is not None:
        fig.savefig(file)
    return fig


def _country_title(country: str) -> str:
    from scenarios.outputs.plotting.style import country_name

    if country == WORLD:
        return f"Rest of world ({WORLD})"
    return f"{country_name(country)} ({country})"


def _panel(ax: Any, paths: pd.DataFrame, test: tuple[int, int]) -> None:
    from matplotlib.ticker import MaxNLocator

    actual = paths[paths["method"] == "actual"]
    ax.plot(actual["year"], actual["mva"] / 1e6, color="black", lw=1.6, label="observed")
    ax.axvspan(*test, color="#eeeeee", zorder=0, label=f"test window {test[0]}-{test[1]}")
    for method, (color, style) in _STYLES.items():
        line = paths[paths["method"] == method]
        ax.plot(
            line["year"], line["mva"] / 1e6, color=color, ls=style, lw=1.2, label=_LABELS[method]
        )
    ax.set_xlabel("year", fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=7.5)
    ax.grid(alpha=0.3, lw=0.5)


def write_backtest(paths: pd.DataFrame, out_dir: str | Path) -> tuple[pd.DataFrame, list[Path]]:
    """Score ``paths`` and write ``backtest.csv`` and ``backtest.png`` into the folder ``out_dir``,
    atomically, like a run folder (only a folder the tool wrote is replaced).

    Returns
    -------
    (table, files)
        The :func:`score_backtest` table and the files written.
    """
    import matplotlib.pyplot as plt

    table = score_backtest(paths)
    out = write_run(Path(out_dir), {
        "backtest.csv": lambda p: table.to_csv(p, index=False),
        "backtest.png": lambda p: plt.close(plot_backtest(paths, p)),
    }, kind="backtest")
    return table, [out / "backtest.csv", out / "backtest.png"]


def backtest_rich_table(table: pd.DataFrame) -> Any:
    """The backtest as a rich Table: MAPE and CAGR error per country and method."""
    from rich.table import Table

    (fit_start, fit_end), (test_start, test_end) = _windows(table)
    rich = Table(
        title=f"Backtest: fitted {fit_start}-{fit_end}, projected {test_start}-{test_end} "
        "(* = the config's component)",
        title_justify="left",
    )
    for column in (
        "country",
        "method",
        "MAPE level",
        f"CAGR {test_start}-{test_end}",
        "actual",
        "error (pp)",
    ):
        rich.add_column(column, justify="left" if column in ("country", "method") else "right")
    for row in table.itertuples():
        rich.add_row(
            row.country,
            f"{row.method}{' *' if row.in_config else ''}",
            f"{row.mape:.2%}",
            f"{row.cagr_projected:.2%}",
            f"{row.cagr_actual:.2%}",
            f"{row.cagr_error * 100:+.2f}",
        )
    return rich


def backtest_section(table: pd.DataFrame) -> str:
    """An HTML ``<section>`` for the report: MAPE and CAGR error per country and method.

    The best method of each country (lowest MAPE) is in bold; the config's component is marked *.
    """
    (fit_start, fit_end), (test_start, test_end) = _windows(table)
    header = "".join(f"<th>{html.escape(_LABELS[m])}</th>" for m in (*COMPONENTS, *BENCHMARKS))
    body = "".join(_html_row(group) for _, group in table.groupby("country", sort=False))
    return (
        '<section class="backtest">\n<h2>Backtest of baseline growth</h2>\n'
        f"<p>Each method is fitted on {fit_start}-{fit_end} and projects {test_start}-{test_end} "
        f"from the {fit_end} observation. Cells: MAPE of the MVA level / error of the "
        f"{test_start}-{test_end} CAGR (projected minus observed, percentage points). "
        "Bold: lowest MAPE; *: the config's component.</p>\n"
        f"<table>\n<thead><tr><th>country</th>{header}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
        "</section>\n"
    )


def _windows(table: pd.DataFrame) -> tuple[tuple[int, int], tuple[int, int]]:
    first = table.iloc[0]
    return (int(first["fit_start"]), int(first["fit_end"])), (
        int(first["test_start"]),
        int(first["test_end"]),
    )


def _html_row(group: pd.DataFrame) -> str:
    best = group.loc[group["mape"].idxmin(), "method"]
    cells = []
    for row in group.itertuples():
        text = f"{row.mape:.1%} / {row.cagr_error * 100:+.2f}{' *' if row.in_config else ''}"
        cells.append(f"<td><b>{text}</b></td>" if row.method == best else f"<td>{text}</td>")
    return f"<tr><th>{html.escape(str(group['country'].iloc[0]))}</th>{''.join(cells)}</tr>\n"
