"""Indices year by year along model paths, and the one-at-a-time tornado table."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.sampling.designs import Seed, to_params
from scenarios.analysis.sampling.distributions import Distribution
from scenarios.analysis.sensitivity.design import (
    as_unit_matrix,
    evaluate_outputs,
    unit_design,
    unit_problem,
)
from scenarios.analysis.sensitivity.indices import analyze_rows, analyzer_seed, indices_dataset
from scenarios.analysis.sensitivity.methods import (
    OVER_TIME_RESAMPLES,
    Method,
    Outputs,
    find_method,
    main_indices_design,
)
from scenarios.analysis.sensitivity.study import SensitivityResult
from scenarios.errors import ConfigError, ModelError


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
    spec, rng = find_method(method, second_order), np.random.default_rng(seed)
    unit, params, problem = unit_design(dists, spec, method, n, rng)
    paths = evaluate_outputs(evaluate_paths, params)
    return _yearly_indices(
        spec, method, problem, unit, paths, years, int(rng.integers(2**31)), conf_level, resamples
    )


def over_time_of(
    result: SensitivityResult,
    paths: Outputs,
    years: Sequence[int],
    method: str = "sobol",
    *,
    conf_level: float = 0.95,
    second_order: bool = False,
    resamples: int = OVER_TIME_RESAMPLES,
) -> xr.Dataset:
    """:func:`over_time` on the design of an analysis already run: no new design is drawn.

    ``result`` comes from :func:`sensitivity` with the same ``method`` and ``second_order``;
    ``paths`` are the yearly paths of its design's rows. The numbers equal those of
    :func:`over_time` with that analysis' ``n`` and ``seed``.
    """
    if result.unit is None or result.analysis_seed is None:
        raise ModelError(
            "this sensitivity result does not keep its unit design",
            hint="pass a result of scenarios.analysis.sensitivity.sensitivity",
        )
    spec = find_method(method, second_order)
    problem = unit_problem(list(result.params.columns))
    paths = evaluate_outputs(lambda _: paths, result.params)
    return _yearly_indices(
        spec,
        method,
        problem,
        result.unit,
        paths,
        years,
        result.analysis_seed,
        conf_level,
        resamples,
    )


def _yearly_indices(
    spec: Method,
    method: str,
    problem: dict,
    unit: np.ndarray,
    paths: Outputs,
    years: Sequence[int],
    seed: int,
    conf_level: float,
    resamples: int,
) -> xr.Dataset:
    for out, y in paths.items():
        if y.shape != (len(unit), len(years)):
            raise ModelError(
                f"output '{out}' has shape {y.shape}, expected "
                f"{(len(unit), len(years))} (rows, years)",
                hint="return one row per sample and one column per year",
            )
    analyze_seed = analyzer_seed(seed)
    n_params = int(problem["num_vars"])
    main, unit, paths = main_indices_design(spec, n_params, unit, paths)
    outputs = list(paths)
    by_year = np.concatenate([paths[o].T for o in outputs])  # rows (output, year)
    values, notes = analyze_rows(
        main, problem, as_unit_matrix(unit), by_year, analyze_seed, conf_level, resamples
    )
    attrs = {"method": method, "conf_level": conf_level, "resamples": resamples}
    per_year = [
        indices_dataset(
            main,
            list(problem["names"]),
            len(unit),
            outputs,
            values[j :: len(years)],
            notes[j :: len(years)],
            attrs,
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
    names = list(unit_problem(list(dists))["names"])
    unit = np.full((1 + 2 * len(names), len(names)), 0.5)
    for k in range(len(names)):
        unit[1 + 2 * k, k], unit[2 + 2 * k, k] = low_q, high_q
    params = to_params(dists, unit, clip=True)
    frames = []
    for out, y in evaluate_outputs(evaluate, params).items():
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
