"""Global sensitivity analysis: one adapter over SALib, results as xarray.

Every method samples SALib's design in the unit cube ``[0, 1]^d`` and maps it through each
parameter's ``ppf``, so non-uniform distributions are respected; the analyzers see the
unit-cube design. The model is called once, vectorised, on the whole parameter matrix.

Sobol' indices assume independent parameters: config ``correlations`` are not applied here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np
import pandas as pd
import xarray as xr
from SALib.analyze import delta as delta_analyze
from SALib.analyze import fast as fast_analyze
from SALib.analyze import morris as morris_analyze
from SALib.analyze import pawn as pawn_analyze
from SALib.analyze import rbd_fast as rbd_fast_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import fast_sampler, latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy.stats import norm

from scenarios.errors import ConfigError, ModelError
from scenarios.sampling.designs import Seed, to_params
from scenarios.sampling.distributions import Distribution

Outputs = dict[str, np.ndarray]
_PAIRWISE = {"S2", "S2_conf"}


class ConvergenceWarning(UserWarning):
    """Sensitivity indices still moved between the last two sample sizes."""


# Samplers: (problem, n, rng) -> unit-cube design. Analyzers: (problem, X, y, seed, conf) -> dict.
# SALib tests some seeds with `if seed:`, so analyzers always get a nonzero int.


def _sobol_sample(
    problem: dict, n: int, rng: np.random.Generator, second_order: bool = False
) -> np.ndarray:
    if n & (n - 1):
        up = 1 << n.bit_length()
        raise ConfigError(
            f"Sobol' analysis needs n a power of 2, not {n}",
            value=n,
            hint=f"use n={up // 2} or n={up}",
        )
    return sobol_sample.sample(problem, n, calc_second_order=second_order, seed=rng)


def _sobol(
    problem: dict,
    X: np.ndarray,
    y: np.ndarray,
    seed: int,
    conf: float,
    resamples: int,
    second_order: bool = False,
) -> dict:
    """SALib's ``sobol.analyze``, number for number: its normalisation, estimators and bootstrap
    draws. Each resampled block is gathered once, not once per index, and the bootstrap of the
    pairs reuses the resampled first-order indices, so second order costs little more than first.
    """
    d = problem["num_vars"]
    n = y.size // (2 * d + 2 if second_order else d + 2)
    y = (y - y.mean()) / y.std()
    A, B, AB, BA = sobol_analyze.separate_output_values(y, d, n, second_order)
    r = np.random.default_rng(seed).integers(n, size=(n, resamples))
    z = norm.ppf(0.5 + conf / 2)
    boot = _Bootstrap(r, A[r], B[r], [], [])
    spread = np.ptp(np.r_[boot.A, boot.B]) != 0.0
    result = sobol_analyze.create_Si_dict(d, resamples, False, second_order)
    for j in range(d):
        ABj = AB[r, j]
        S1j = sobol_analyze.first_order(boot.A, ABj, boot.B)
        STj = sobol_analyze.total_order(boot.A, ABj, boot.B)
        result["S1"][j] = sobol_analyze.first_order(A, AB[:, j], B)
        result["ST"][j] = sobol_analyze.total_order(A, AB[:, j], B)
        result["S1_conf"][j] = z * S1j.std(ddof=1) if spread else 0.0
        result["ST_conf"][j] = z * STj.std(ddof=1) if spread else 0.0
        if second_order:  # kept for the pairs only: d resampled blocks of n x resamples
            boot.AB.append(ABj)
            boot.S1.append(S1j)
    if second_order:
        _second_order(result, A, B, AB, BA, boot, z)
    return result


class _Bootstrap(NamedTuple):
    """Bootstrap draws ``r`` (n, resamples) and the resampled blocks and first-order indices."""

    r: np.ndarray
    A: np.ndarray
    B: np.ndarray
    AB: list[np.ndarray]
    S1: list[np.ndarray]


def _second_order(result: dict, A, B, AB, BA, boot: _Bootstrap, z: float) -> None:
    """S2 and its bootstrap half-width, as ``sobol.second_order`` computes them pair by pair."""
    d = len(boot.AB)
    both = np.r_[boot.A, boot.B]
    y_var = np.var(both, axis=0) if np.ptp(both) > np.finfo(float).eps else np.zeros(both.shape[1])
    A_times_B = boot.A * boot.B
    for j in range(d):
        BAj = BA[boot.r, j]
        for k in range(j + 1, d):
            result["S2"][j, k] = sobol_analyze.second_order(A, AB[:, j], AB[:, k], BA[:, j], B)
            Vjk = np.divide(
                np.mean(BAj * boot.AB[k] - A_times_B, axis=0),
                y_var,
                out=np.zeros_like(y_var),
                where=y_var > np.finfo(float).eps,
            )
            result["S2_conf"][j, k] = z * (Vjk - boot.S1[j] - boot.S1[k]).std(ddof=1)


def _first_order_rows(d: int, rows: int) -> np.ndarray:
    """Rows of a second-order Saltelli design (blocks A, AB_1..AB_d, BA_1..BA_d, B) that form
    the first-order design (A, AB_1..AB_d, B). S1 and ST from them differ from the whole design's
    only through the centring of the outputs (by about 1e-9 on the Ishigami function)."""
    block = np.r_[0 : d + 1, 2 * d + 1]
    starts = np.arange(0, rows, 2 * d + 2)
    return (starts[:, None] + block[None, :]).ravel()


def _morris_sample(problem: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    return morris_sample.sample(problem, n, num_levels=4, seed=rng)


def _morris(
    problem: dict, X: np.ndarray, y: np.ndarray, seed: int, conf: float, resamples: int
) -> dict:
    return morris_analyze.analyze(
        problem, X, y, conf_level=conf, num_levels=4, seed=seed, num_resamples=resamples
    )


def _fast_sample(problem: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    return fast_sampler.sample(problem, n, M=4, seed=rng)


def _fast(
    problem: dict, X: np.ndarray, y: np.ndarray, seed: int, conf: float, resamples: int
) -> dict:
    return fast_analyze.analyze(
        problem, y, M=4, conf_level=conf, seed=seed, num_resamples=resamples
    )


def _latin_sample(problem: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    return latin.sample(problem, n, seed=rng)


def _rbd_fast(
    problem: dict, X: np.ndarray, y: np.ndarray, seed: int, conf: float, resamples: int
) -> dict:
    return rbd_fast_analyze.analyze(
        problem, X, y, M=10, conf_level=conf, seed=seed, num_resamples=resamples
    )


def _delta(
    problem: dict, X: np.ndarray, y: np.ndarray, seed: int, conf: float, resamples: int
) -> dict:
    si = delta_analyze.analyze(problem, X, y, conf_level=conf, seed=seed, num_resamples=resamples)
    # SALib 1.6 renamed `delta` to `delta_balanced` and added raw and step variants; the
    # step variant splits X at 0, meaningless in the unit cube, so its notes are dropped.
    key = "delta_balanced" if "delta_balanced" in si else "delta"
    notes = [
        f"{p}: {n.strip('; ')}"
        for p, n in zip(problem["names"], si.get("notes", []), strict=False)
        if n and not n.startswith("Step:")
    ]
    return {
        "delta": si[key],
        "delta_conf": si[f"{key}_conf"],
        "S1": si["S1"],
        "S1_conf": si["S1_conf"],
        "notes": notes,
    }


def _pawn(
    problem: dict, X: np.ndarray, y: np.ndarray, seed: int, conf: float, resamples: int
) -> dict:
    return pawn_analyze.analyze(problem, X, y, S=10, seed=seed)  # no bootstrap


@dataclass(frozen=True)
class Method:
    """A SALib sampler and analyzer pair, with what the adapter reports from it.

    Attributes
    ----------
    sample, analyze : callable
        ``(problem, n, rng) -> unit design`` and
        ``(problem, X, y, seed, conf_level, resamples) -> dict`` (``resamples``: bootstrap
        resamples of the confidence intervals).
    indices : tuple of str
        Variables reported, in order; ``*_conf`` are confidence half-widths.
    main : tuple of str
        Indices watched by the convergence check.
    block : callable
        Rows of the design per unit of ``n``, given the number of parameters.
    nested : bool
        Whether the first ``m * block(d)`` rows of a design of size ``n`` are a valid design
        of size ``m`` (a Sobol' prefix, whole Morris trajectories, a random subsample for the
        given-data methods); then the convergence check needs no new model runs.
    min_n : int
        Smallest ``n`` the method works with.
    relative : bool
        Whether indices are in output units (Morris) and are compared after dividing by
        their largest value.
    caveat : str
        A note on the method, stored with its results.
    """

    sample: Callable[[dict, int, np.random.Generator], np.ndarray]
    analyze: Callable[[dict, np.ndarray, np.ndarray, int, float, int], dict]
    indices: tuple[str, ...]
    main: tuple[str, ...]
    block: Callable[[int], int]
    nested: bool = True
    min_n: int = 64
    relative: bool = False
    caveat: str = ""


METHODS: dict[str, Method] = {
    "sobol": Method(
        _sobol_sample,
        _sobol,
        ("S1", "S1_conf", "ST", "ST_conf"),
        ("S1", "ST"),
        lambda d: d + 2,
        min_n=4,
    ),
    "morris": Method(
        _morris_sample,
        _morris,
        ("mu", "mu_star", "mu_star_conf", "sigma"),
        ("mu_star",),
        lambda d: d + 1,
        min_n=4,
        relative=True,
        caveat="mu, mu_star and sigma are in output units per unit-cube step",
    ),
    "fast": Method(
        _fast_sample,
        _fast,
        ("S1", "S1_conf", "ST", "ST_conf"),
        ("S1", "ST"),
        lambda d: d,
        nested=False,
        min_n=65,
        caveat="FAST confidence intervals are bootstrap estimates SALib calls "
        "unreliable; treat them as indicative",
    ),
    "rbd_fast": Method(_latin_sample, _rbd_fast, ("S1", "S1_conf"), ("S1",), lambda d: 1),
    "delta": Method(
        _latin_sample,
        _delta,
        ("delta", "delta_conf", "S1", "S1_conf"),
        ("delta",),
        lambda d: 1,
        min_n=128,
    ),
    "pawn": Method(
        _latin_sample,
        _pawn,
        ("minimum", "mean", "median", "maximum", "CV", "stdev"),
        ("median",),
        lambda d: 1,
        min_n=128,
    ),
}
"""Sensitivity methods by name."""

SOBOL_SECOND_ORDER = Method(
    partial(_sobol_sample, second_order=True),
    partial(_sobol, second_order=True),
    ("S1", "S1_conf", "ST", "ST_conf", "S2", "S2_conf"),
    ("S1", "ST"),
    lambda d: 2 * d + 2,
    min_n=4,
)
"""Sobol' with second-order indices: ``N (2d + 2)`` rows instead of ``N (d + 2)``."""

RESAMPLES = 100
"""Bootstrap resamples of the confidence intervals (SALib's default)."""
CHECK_RESAMPLES = 10
"""Resamples at the convergence checkpoints, whose intervals are not used."""
OVER_TIME_RESAMPLES = 20
"""Resamples of the yearly indices, whose intervals are indicative."""


def _method(name: str, second_order: bool = False) -> Method:
    if name not in METHODS:
        raise ConfigError(
            f"unknown sensitivity method '{name}'",
            value=name,
            hint=f"choose one of: {', '.join(METHODS)}",
        )
    if second_order and name != "sobol":
        raise ConfigError(
            f"second-order indices are computed by the sobol method, not {name}",
            path="--second-order",
            hint="use --method sobol, or drop --second-order",
        )
    return SOBOL_SECOND_ORDER if second_order else METHODS[name]


def _main_indices_design(
    spec: Method, d: int, unit: np.ndarray, outputs: Outputs
) -> tuple[Method, np.ndarray, Outputs]:
    """The method, design and outputs that the main indices need: a second-order Sobol' design
    reduced to its first-order rows (S1 and ST, without the pairs)."""
    if spec is not SOBOL_SECOND_ORDER:
        return spec, unit, outputs
    rows = _first_order_rows(d, len(unit))
    return METHODS["sobol"], unit[rows], {k: np.asarray(v)[rows] for k, v in outputs.items()}


@contextmanager
def _contained(notes: list[str]) -> Iterator[None]:
    """Run SALib without leaking its global state; its warnings become notes.

    Some analyzers reseed ``np.random`` or reset the warnings filter and formatter.
    """
    state, formatter = np.random.get_state(), warnings.formatwarning  # noqa: NPY002
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            np.random.set_state(state)  # noqa: NPY002
            warnings.formatwarning = formatter
    notes.extend(
        str(w.message).strip()
        for w in caught
        if not str(w.message).startswith("FAST confidence intervals")
    )


def _problem(names: list[str]) -> dict:
    if not names:
        raise ConfigError(
            "no uncertain parameters to analyse", hint="add entries under uncertainties:"
        )
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def _design(
    dists: dict[str, Distribution], spec: Method, method: str, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, pd.DataFrame, dict]:
    if n < spec.min_n:
        raise ConfigError(
            f"n={n} is too small for {method}", value=n, hint=f"use n >= {spec.min_n}"
        )
    problem = _problem(list(dists))
    unit = spec.sample(dict(problem), n, rng)  # SALib adds keys to the dict it is given
    return unit, to_params(dists, unit, clip=True), problem


def design(
    dists: dict[str, Distribution],
    method: str,
    n: int,
    *,
    seed: Seed = None,
    second_order: bool = False,
) -> tuple[pd.DataFrame, dict]:
    """Build the SALib design of a method, in real units.

    Parameters
    ----------
    dists : dict
        Dotted path -> distribution.
    method : str
        A key of :data:`METHODS`.
    n : int
        Base sample size as SALib defines it: Sobol' ``N`` (a power of 2; ``N (d + 2)`` rows,
        ``N (2d + 2)`` with ``second_order``),
        Morris trajectories (``n (d + 1)`` rows), FAST points per parameter (``n d`` rows, n > 64),
        Latin hypercube rows for rbd_fast, delta and pawn.
    seed : int, numpy.random.Generator or None
        Same seed, same design.
    second_order : bool
        Sobol' only: the design for second-order indices too.

    Returns
    -------
    params : pandas.DataFrame
        The parameter matrix, columns the dotted paths. Unbounded distributions are cut at
        their ``bounds()`` (0.1 % and 99.9 % quantiles).
    problem : dict
        SALib problem over the unit cube (bounds ``[0, 1]``), for :func:`analyze`.

    Examples
    --------
    >>> from scenarios.testing_models import ishigami_uncertainties
    >>> params, problem = design(ishigami_uncertainties(), "sobol", 8, seed=0)
    >>> params.shape
    (40, 3)
    """
    spec = _method(method, second_order)
    _, params, problem = _design(dists, spec, method, n, np.random.default_rng(seed))
    return params, problem


def _as_unit_matrix(X: np.ndarray | pd.DataFrame) -> np.ndarray:
    # The analyzers use X only through the order of each column (rbd_fast, delta, pawn) or
    # which column a Morris step changed; a monotone ppf preserves both, so real units work.
    if isinstance(X, pd.DataFrame):
        X = np.column_stack(
            [
                col.to_numpy(float) if pd.api.types.is_numeric_dtype(col) else pd.factorize(col)[0]
                for _, col in X.items()
            ]
        ).astype(float)
    return np.asarray(X, dtype=float)


def _degenerate(y: np.ndarray) -> str:
    bad = int(np.sum(~np.isfinite(y)))
    if bad:
        return f"{bad} of {y.size} model results are not finite; indices not computed"
    if np.ptp(y) <= 1e-12 * np.max(np.abs(y)):
        return (
            f"output is constant ({y[0]:g}) across all samples: it depends on none of the "
            "parameters; indices are undefined"
        )
    return ""


def _analyze_one(
    spec: Method,
    problem: dict,
    X: np.ndarray,
    y: np.ndarray,
    seed: int,
    conf: float,
    resamples: int,
) -> tuple[dict[str, np.ndarray], str]:
    d = problem["num_vars"]
    note = _degenerate(y)
    if note:
        return {k: np.full((d, d) if k in _PAIRWISE else d, np.nan) for k in spec.indices}, note
    notes: list[str] = []
    with _contained(notes):
        result = spec.analyze(dict(problem), X, y, seed, conf, resamples)
    notes.extend(result.get("notes", []))
    values = {k: np.asarray(result[k], dtype=float) for k in spec.indices}
    return values, "; ".join(dict.fromkeys(notes))


def analyze(
    problem: dict,
    X: np.ndarray | pd.DataFrame,
    Y: Outputs,
    method: str,
    *,
    seed: Seed = None,
    conf_level: float = 0.95,
    second_order: bool = False,
    resamples: int = RESAMPLES,
) -> xr.Dataset:
    """Compute sensitivity indices of each output from a design and its model results.

    Parameters
    ----------
    problem : dict
        From :func:`design`.
    X : numpy.ndarray or pandas.DataFrame
        The unit-cube design, or the parameter matrix from :func:`design` (categorical
        columns are coded in order of appearance; Morris ``mu`` signs then follow that order).
    Y : dict of str -> numpy.ndarray
        Output name -> one value per design row.
    method : str
        The method the design was built for, a key of :data:`METHODS`.
    seed : int, numpy.random.Generator or None
        Seeds the bootstrap confidence intervals.
    conf_level : float
        Confidence level of the ``*_conf`` half-widths.
    second_order : bool
        Sobol' only: the design has second-order rows; also compute ``S2``.
    resamples : int
        Bootstrap resamples of the confidence intervals.

    Returns
    -------
    xarray.Dataset
        Dims ``(output, parameter)`` (``S2``: ``(output, parameter, parameter_2)``); one
        variable per index of the method; a ``note`` coordinate on ``output`` says why an
        output has NaN indices (constant or non-finite results) and relays SALib's warnings.
        Attributes: ``method``, ``n``, ``n_evaluations``, ``conf_level``, ``resamples``,
        ``caveat``.

    Raises
    ------
    ModelError
        When an output does not have one value per design row.
    """
    spec = _method(method, second_order)
    return _analyze(spec, method, problem, X, Y, seed, conf_level, resamples)


def _analyze(
    spec: Method,
    method: str,
    problem: dict,
    X: np.ndarray | pd.DataFrame,
    Y: Outputs,
    seed: Seed,
    conf_level: float,
    resamples: int,
) -> xr.Dataset:
    if not Y:
        raise ModelError("no outputs to analyse", hint="pass {output name: values}")
    X = _as_unit_matrix(X)
    rows, names = X.shape[0], list(problem["names"])
    seed_int = int(np.random.default_rng(seed).integers(1, 2**31 - 1))
    values, notes = {}, {}
    for out, y in Y.items():
        y = np.asarray(y, dtype=float).ravel()
        if y.size != rows:
            raise ModelError(
                f"output '{out}' has {y.size} values for {rows} design rows",
                hint="evaluate must return one value per row of the parameter matrix",
            )
        values[out], notes[out] = _analyze_one(spec, problem, X, y, seed_int, conf_level, resamples)
    outputs = list(Y)
    data = {
        k: (
            ("output", "parameter", "parameter_2") if k in _PAIRWISE else ("output", "parameter"),
            np.stack([values[o][k] for o in outputs]),
        )
        for k in spec.indices
    }
    coords = {
        "output": outputs,
        "parameter": names,
        "note": ("output", [notes[o] for o in outputs]),
    }
    if _PAIRWISE & set(spec.indices):
        coords["parameter_2"] = names
    attrs = {
        "method": method,
        "n": rows // spec.block(len(names)),
        "n_evaluations": rows,
        "conf_level": conf_level,
        "resamples": resamples,
        "caveat": spec.caveat,
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def _evaluate(evaluate: Callable[[pd.DataFrame], Outputs], params: pd.DataFrame) -> Outputs:
    result = evaluate(params)
    if not isinstance(result, dict):
        raise ModelError(
            f"evaluate returned {type(result).__name__}, not a dict",
            hint="return {output name: array with one value per row}",
        )
    outputs = {k: np.asarray(v, dtype=float) for k, v in result.items()}
    for name, y in outputs.items():
        if y.ndim == 0 or len(y) != len(params):
            raise ModelError(
                f"output '{name}' has {y.size} values for {len(params)} parameter rows",
                hint="evaluate must return one value (or path) per row of the parameter matrix",
            )
    return outputs


@dataclass(frozen=True)
class SensitivityResult:
    """Indices of a sensitivity analysis, with the design and the convergence check.

    Attributes
    ----------
    indices : xarray.Dataset
        See :func:`analyze`.
    convergence : pandas.DataFrame
        Columns ``output, parameter, n, index, value``: the main indices at n/4, n/2 and n.
    converged : pandas.Series
        Nullable boolean per output; NA when it could not be checked (constant output,
        n too small, or the check was switched off).
    params : pandas.DataFrame
        The parameter matrix the model was evaluated on.
    outputs : dict of str -> numpy.ndarray
        The model results, one value per row of ``params``.
    """

    indices: xr.Dataset
    convergence: pd.DataFrame
    converged: pd.Series
    params: pd.DataFrame
    outputs: Outputs

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of the indices, see :func:`to_frame`."""
        return to_frame(self.indices)


def _main_frame(ds: xr.Dataset, spec: Method) -> pd.DataFrame:
    frames = [
        ds[k].drop_vars("note").to_series().rename("value").reset_index().assign(index=k)
        for k in spec.main
    ]
    return pd.concat(frames, ignore_index=True).assign(n=ds.attrs["n"])


def _shift(a: xr.DataArray, b: xr.DataArray, relative: bool) -> xr.DataArray:
    """Largest absolute change over parameters, per output."""
    if relative:
        a, b = a / a.max("parameter"), b / b.max("parameter")
    return abs(a - b).max("parameter", skipna=False)


def sensitivity(
    dists: dict[str, Distribution],
    evaluate: Callable[[pd.DataFrame], Outputs],
    method: str = "sobol",
    n: int = 1024,
    *,
    seed: Seed = None,
    check_convergence: bool = True,
    conf_level: float = 0.95,
    tolerance: float = 0.05,
    second_order: bool = False,
) -> SensitivityResult:
    """Run a global sensitivity analysis: design, one vectorised evaluation, analysis.

    Parameters
    ----------
    dists : dict
        Dotted path -> distribution.
    evaluate : callable
        ``params DataFrame -> {output: array, one value per row}``; called once on the whole
        design (plus once per checkpoint for FAST, whose designs do not nest).
    method : str
        A key of :data:`METHODS`.
    n : int
        Base sample size, see :func:`design`.
    seed : int, numpy.random.Generator or None
        Same seed, same design and confidence intervals.
    check_convergence : bool
        Recompute the main indices on the first n/4 and n/2 of the design and warn when they
        moved by more than ``tolerance`` between n/2 and n (their confidence intervals are not
        used, so they take :data:`CHECK_RESAMPLES` bootstrap resamples).
    conf_level : float
        Confidence level of the ``*_conf`` half-widths.
    tolerance : float
        Largest acceptable absolute change of a main index (Morris: relative to the largest).
    second_order : bool
        Sobol' only: also second-order indices ``S2`` (design ``N (2d + 2)`` rows).

    Returns
    -------
    SensitivityResult

    Warns
    -----
    ConvergenceWarning
        When an output's main index moved by more than ``tolerance`` between n/2 and n, or the
        check was asked for but n is too small to make it.

    Examples
    --------
    >>> from scenarios.testing_models import ishigami, ishigami_uncertainties
    >>> res = sensitivity(ishigami_uncertainties(), lambda p: {"y": ishigami(p)}, n=2048, seed=1)
    >>> res.indices["ST"].sel(output="y").to_series().idxmax()
    'x1'
    """
    spec, rng = _method(method, second_order), np.random.default_rng(seed)
    unit, params, problem = _design(dists, spec, method, n, rng)
    outputs = _evaluate(evaluate, params)
    analyze_seed = int(rng.integers(2**31))
    indices = _analyze(spec, method, problem, unit, outputs, analyze_seed, conf_level, RESAMPLES)
    converged = pd.Series(pd.NA, index=list(outputs), dtype="boolean", name="converged")
    checkpoints = [m for m in (n // 4, n // 2) if m >= spec.min_n] if check_convergence else []
    if check_convergence and len(checkpoints) < 2:
        warnings.warn(
            f"n={n} is too small to check the convergence of {method} indices; "
            f"use n >= {4 * spec.min_n}",
            ConvergenceWarning,
            stacklevel=2,
        )
    steps = []
    for m in checkpoints:
        if spec.nested:
            rows = m * spec.block(len(dists))
            sub_unit, sub_out = unit[:rows], {k: v[:rows] for k, v in outputs.items()}
        else:
            sub_unit, sub_params, _ = _design(dists, spec, method, m, rng)
            sub_out = _evaluate(evaluate, sub_params)
        main, sub_unit, sub_out = _main_indices_design(spec, len(dists), sub_unit, sub_out)
        steps.append(
            _analyze(
                main, method, problem, sub_unit, sub_out, analyze_seed, conf_level, CHECK_RESAMPLES
            )
        )
    if len(checkpoints) == 2:
        shift = xr.concat(
            [_shift(indices[k], steps[1][k], spec.relative) for k in spec.main], "index"
        ).max("index", skipna=False)
        converged[:] = [pd.NA if np.isnan(s) else s <= tolerance for s in shift.to_numpy()]
        _warn_unconverged(shift, indices, method, n, tolerance)
    convergence = (
        pd.concat([_main_frame(ds, spec) for ds in [*steps, indices]], ignore_index=True)[
            ["output", "parameter", "n", "index", "value"]
        ]
        if steps
        else pd.DataFrame(columns=["output", "parameter", "n", "index", "value"])
    )
    return SensitivityResult(indices, convergence, converged, params, outputs)


def _warn_unconverged(
    shift: xr.DataArray, indices: xr.Dataset, method: str, n: int, tolerance: float
) -> None:
    pairs = zip(indices["output"].to_numpy(), shift.to_numpy(), strict=True)
    moved = [f"'{o}' ({s:.3f})" for o, s in pairs if s > tolerance]
    if moved:
        warnings.warn(
            f"{method} indices have not converged: between n={n // 2} and n={n} the main index "
            f"moved by more than {tolerance} for output {', '.join(moved)}; "
            f"increase n (e.g. n={4 * n})",
            ConvergenceWarning,
            stacklevel=3,
        )


def to_frame(indices: xr.Dataset) -> pd.DataFrame:
    """Tidy table of sensitivity indices.

    Parameters
    ----------
    indices : xarray.Dataset
        From :func:`analyze`, :func:`sensitivity` or :func:`over_time`.

    Returns
    -------
    pandas.DataFrame
        Columns ``output, parameter[, year], index, value, conf``; second-order indices have
        parameter ``"a:b"`` (each pair once); ``conf`` is NaN where the method gives none.
    """
    order = {p: i for i, p in enumerate(indices["parameter"].values)}
    frames = []
    for name, da in indices.data_vars.items():
        if str(name).endswith("_conf"):
            continue
        conf = indices.get(f"{name}_conf", xr.full_like(da, np.nan))
        df = pd.DataFrame(
            {"value": da.drop_vars("note").to_series(), "conf": conf.drop_vars("note").to_series()}
        ).reset_index()
        if "parameter_2" in da.dims:
            df = df[df["parameter"].map(order) < df["parameter_2"].map(order)]
            df = df.assign(parameter=df["parameter"] + ":" + df["parameter_2"])
        frames.append(df.assign(index=name))
    columns = [
        "output",
        "parameter",
        *(["year"] if "year" in indices.dims else []),
        "index",
        "value",
        "conf",
    ]
    return pd.concat(frames, ignore_index=True)[columns]


def over_time(
    dists: dict[str, Distribution],
    evaluate_paths: Callable[[pd.DataFrame], Outputs],
    years: Sequence[int],
    method: str = "sobol",
    n: int = 1024,
    *,
    seed: Seed = None,
    conf_level: float = 0.95,
    second_order: bool = False,
    resamples: int = OVER_TIME_RESAMPLES,
) -> xr.Dataset:
    """Main sensitivity indices of each year of model paths (no ``S2``).

    Parameters
    ----------
    dists : dict
        Dotted path -> distribution.
    evaluate_paths : callable
        ``params DataFrame -> {output: array of shape (rows, len(years))}``, called once.
    years : sequence of int
        Labels of the path columns.
    method, n, seed, conf_level, second_order
        As in :func:`sensitivity` (``second_order`` selects the design, not the indices).
    resamples : int
        Bootstrap resamples of each year's confidence intervals.

    Returns
    -------
    xarray.Dataset
        As :func:`analyze`, with a ``year`` dimension; ``note`` has dims ``(output, year)``
        (observed years, identical in every sample, have NaN indices and a note).
    """
    spec, rng = _method(method, second_order), np.random.default_rng(seed)
    unit, params, problem = _design(dists, spec, method, n, rng)
    paths = _evaluate(evaluate_paths, params)
    for out, y in paths.items():
        if y.shape != (len(params), len(years)):
            raise ModelError(
                f"output '{out}' has shape {y.shape}, expected "
                f"{(len(params), len(years))} (rows, years)",
                hint="return one row per sample and one column per year",
            )
    analyze_seed = int(rng.integers(2**31))
    main, unit, paths = _main_indices_design(spec, len(dists), unit, paths)
    per_year = [
        _analyze(
            main,
            method,
            problem,
            unit,
            {k: v[:, j] for k, v in paths.items()},
            analyze_seed,
            conf_level,
            resamples,
        )
        for j in range(len(years))
    ]
    ds = xr.concat(
        per_year,
        dim=pd.Index(list(years), name="year"),
        coords="different",
        compat="equals",
        join="exact",
        combine_attrs="override",
    )
    return ds.transpose("output", "parameter", ..., "year")


def one_at_a_time(
    dists: dict[str, Distribution],
    evaluate: Callable[[pd.DataFrame], Outputs],
    *,
    low_q: float = 0.05,
    high_q: float = 0.95,
) -> pd.DataFrame:
    """Tornado table: each parameter at a low and a high quantile, the others at their medians.

    Parameters
    ----------
    dists : dict
        Dotted path -> distribution.
    evaluate : callable
        ``params DataFrame -> {output: array}``, called once on ``1 + 2 d`` rows.
    low_q, high_q : float
        Quantiles of the low and high settings, ``0 <= low_q < high_q <= 1``.

    Returns
    -------
    pandas.DataFrame
        Columns ``output, parameter, low_value, high_value, y_low, y_high, y_center, swing``
        (``swing = |y_high - y_low|``), largest swing first within each output.
    """
    if not 0 <= low_q < high_q <= 1:
        raise ConfigError(
            "need 0 <= low_q < high_q <= 1",
            value=(low_q, high_q),
            hint="use e.g. low_q=0.05, high_q=0.95",
        )
    names = list(_problem(list(dists))["names"])
    unit = np.full((1 + 2 * len(names), len(names)), 0.5)
    for k in range(len(names)):
        unit[1 + 2 * k, k], unit[2 + 2 * k, k] = low_q, high_q
    params = to_params(dists, unit, clip=True)
    frames = []
    for out, y in _evaluate(evaluate, params).items():
        frame = pd.DataFrame(
            {
                "output": out,
                "parameter": names,
                "low_value": [params[p].iloc[1 + 2 * k] for k, p in enumerate(names)],
                "high_value": [params[p].iloc[2 + 2 * k] for k, p in enumerate(names)],
                "y_low": y[1::2],
                "y_high": y[2::2],
                "y_center": y[0],
            }
        )
        frame["swing"] = (frame["y_high"] - frame["y_low"]).abs()
        frames.append(frame.sort_values("swing", ascending=False, kind="stable"))
    return pd.concat(frames, ignore_index=True)
