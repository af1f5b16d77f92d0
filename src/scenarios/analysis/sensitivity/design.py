"""Designs: SALib's samplers in the unit cube, mapped through each parameter's ``ppf``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from scenarios.analysis.sampling.designs import Seed, to_params
from scenarios.analysis.sampling.distributions import Distribution
from scenarios.analysis.sensitivity.methods import Method, Outputs, find_method
from scenarios.errors import ConfigError, ModelError


def unit_problem(names: list[str]) -> dict:
    if not names:
        raise ConfigError(
            "no uncertain parameters to analyse", hint="add entries under uncertainties:"
        )
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def unit_design(
    dists: dict[str, Distribution], spec: Method, method: str, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, pd.DataFrame, dict]:
    if n < spec.min_n:
        raise ConfigError(
            f"n={n} is too small for {method}", value=n, hint=f"use n >= {spec.min_n}"
        )
    problem = unit_problem(list(dists))
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
    >>> from scenarios.analysis.sensitivity.testing_models import ishigami_uncertainties
    >>> params, problem = design(ishigami_uncertainties(), "sobol", 8, seed=0)
    >>> params.shape
    (40, 3)
    """
    spec = find_method(method, second_order)
    _, params, problem = unit_design(dists, spec, method, n, np.random.default_rng(seed))
    return params, problem


def as_unit_matrix(X: np.ndarray | pd.DataFrame) -> np.ndarray:
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


def evaluate_outputs(evaluate: Callable[[pd.DataFrame], Outputs], params: pd.DataFrame) -> Outputs:
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
