"""A whole sensitivity analysis: the design, one vectorised evaluation, the indices, and the
check that they settled (the main indices recomputed at n/4 and n/2)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.sampling.designs import Seed
from scenarios.analysis.sampling.distributions import Distribution
from scenarios.analysis.sensitivity.design import evaluate_outputs, unit_design
from scenarios.analysis.sensitivity.indices import analyze_with, to_frame
from scenarios.analysis.sensitivity.methods import (
    CHECK_RESAMPLES,
    RESAMPLES,
    Method,
    Outputs,
    find_method,
    main_indices_design,
)


class ConvergenceWarning(UserWarning):
    """Sensitivity indices still moved between the last two sample sizes."""


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
    unit : numpy.ndarray or None
        The design in the unit cube (what the analyzers see).
    analysis_seed : int or None
        The seed the indices' bootstrap was drawn from (after the design, from ``seed``).
    """

    indices: xr.Dataset
    convergence: pd.DataFrame
    converged: pd.Series
    params: pd.DataFrame
    outputs: Outputs
    unit: np.ndarray | None = None
    analysis_seed: int | None = None

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
    >>> from scenarios.analysis.sensitivity.testing_models import ishigami, ishigami_uncertainties
    >>> res = sensitivity(ishigami_uncertainties(), lambda p: {"y": ishigami(p)}, n=2048, seed=1)
    >>> res.indices["ST"].sel(output="y").to_series().idxmax()
    'x1'
    """
    spec, rng = find_method(method, second_order), np.random.default_rng(seed)
    unit, params, problem = unit_design(dists, spec, method, n, rng)
    outputs = evaluate_outputs(evaluate, params)
    analyze_seed = int(rng.integers(2**31))
    indices = analyze_with(
        spec, method, problem, unit, outputs, analyze_seed, conf_level, RESAMPLES
    )
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
            sub_unit, sub_params, _ = unit_design(dists, spec, method, m, rng)
            sub_out = evaluate_outputs(evaluate, sub_params)
        main, sub_unit, sub_out = main_indices_design(spec, len(dists), sub_unit, sub_out)
        steps.append(
            analyze_with(
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
    return SensitivityResult(indices, convergence, converged, params, outputs, unit, analyze_seed)


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
