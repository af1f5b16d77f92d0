"""Monte Carlo designs: draw in the unit cube, correlate ranks, then one ``ppf`` transform."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy.stats import qmc

from scenarios.analysis.memory import usable_cores
from scenarios.analysis.sampling.correlation import correlation_matrix, impose_rank_correlation
from scenarios.analysis.sampling.distributions import Distribution
from scenarios.errors import ConfigError

Seed = int | np.random.Generator | None


def _random(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    return rng.random((n, d))


def _lhs(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    return qmc.LatinHypercube(d=d, rng=rng).random(n)


def _sobol(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    if n & (n - 1):
        up = 1 << n.bit_length()
        raise ConfigError(
            f"a Sobol' design needs a power of 2 samples, not {n}",
            value=n,
            hint=f"use n={up // 2} or n={up}, or method 'lhs'",
        )
    return qmc.Sobol(d=d, scramble=True, rng=rng).random(n)


DESIGNS: dict[str, Callable[[int, int, np.random.Generator], np.ndarray]] = {
    "random": _random,
    "lhs": _lhs,
    "sobol": _sobol,
}
"""Unit-cube designs by name; each maps ``(n, d, rng)`` to an ``(n, d)`` array in [0, 1)."""


def unit_sample(n: int, d: int, *, method: str = "random", seed: Seed = None) -> np.ndarray:
    """Draw ``n`` points in the ``d``-dimensional unit cube.

    Parameters
    ----------
    n, d : int
        Number of samples and of dimensions.
    method : {"random", "lhs", "sobol"}
        Plain Monte Carlo, Latin hypercube, or scrambled Sobol' (``n`` a power of 2).
    seed : int, numpy.random.Generator or None
        Same seed, same sample; ``None`` draws fresh entropy.

    Returns
    -------
    numpy.ndarray, shape (n, d)

    Raises
    ------
    ConfigError
        Unknown method, ``n < 1``, or a Sobol' ``n`` that is not a power of 2.

    Examples
    --------
    >>> unit_sample(4, 2, method="lhs", seed=0).shape
    (4, 2)
    """
    if method not in DESIGNS:
        raise ConfigError(
            f"unknown sampling method '{method}'",
            value=method,
            hint=f"choose one of: {', '.join(DESIGNS)}",
        )
    if n < 1:
        raise ConfigError("the number of samples must be at least 1", value=n, hint="use n >= 1")
    return DESIGNS[method](n, d, np.random.default_rng(seed))


def to_params(dists: dict[str, Distribution], u: np.ndarray, *, clip: bool = False) -> pd.DataFrame:
    """Map a unit-cube sample to parameter values, one ``ppf`` per column.

    Parameters
    ----------
    dists : dict
        Dotted path -> distribution; column ``k`` of ``u`` feeds the ``k``-th entry.
    u : numpy.ndarray, shape (n, len(dists))
    clip : bool
        Keep numeric values within each distribution's ``bounds()``: designs that put points
        on the faces of the cube (Morris, FAST) would otherwise send an unbounded normal or
        log-normal to infinity or zero.

    Returns
    -------
    pandas.DataFrame
        Columns are the dotted paths, rows the samples.
    """
    paths, families = list(dists), list(dists.values())
    columns = _ppf_columns(families, u)
    if clip:
        for dist, x in zip(families, columns, strict=True):
            if x.dtype.kind == "f":
                np.clip(x, *dist.bounds(), out=x)
    if isinstance(columns, np.ndarray):  # one float block, rows the columns: no copy
        return pd.DataFrame(columns.T, columns=paths, copy=False)
    return pd.DataFrame(dict(zip(paths, columns, strict=True)))


PPF_CHUNK = 1 << 17
"""Samples per task when the ``ppf`` of a large sample is spread over threads."""


def _ppf_columns(dists: list[Distribution], u: np.ndarray) -> list[np.ndarray] | np.ndarray:
    """``dists[k].ppf(u[:, k])`` for every column k.

    A sample of more than one chunk is transformed chunk by chunk on a thread per core (the
    quantile functions work element by element, and their numpy and scipy kernels release the
    GIL), so the values are those of one call; the beta quantile of a PERT, about 1.5
    microseconds a value, is most of the time of a large draw. Its columns, when all float, are
    the rows of one (d, n) array, the block of the DataFrame made from them.
    """
    n = len(u)
    per_column = -(-n // PPF_CHUNK)
    workers = min(usable_cores(), len(dists) * per_column)
    if workers <= 1:
        return [dist.ppf(u[:, k]) for k, dist in enumerate(dists)]
    tasks = [
        (k, slice(start, start + PPF_CHUNK))
        for k in range(len(dists))
        for start in range(0, n, PPF_CHUNK)
    ]
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(lambda task: dists[task[0]].ppf(u[task[1], task[0]]), tasks))
    by_column = [parts[k * per_column : (k + 1) * per_column] for k in range(len(dists))]
    if any(part.dtype != np.float64 for part in parts):
        return [np.concatenate(column) for column in by_column]
    block = np.empty((len(dists), n))
    for row, column in zip(block, by_column, strict=True):
        np.concatenate(column, out=row)
    return block


def sample(
    dists: dict[str, Distribution],
    n: int,
    *,
    method: str = "random",
    seed: Seed = None,
    correlation: Sequence[Sequence] | None = None,
) -> pd.DataFrame:
    """Sample the uncertain parameters.

    Parameters
    ----------
    dists : dict
        Dotted path -> distribution, e.g. from :func:`validate_uncertainties`.
    n : int
        Number of samples.
    method : {"random", "lhs", "sobol"}
        Unit-cube design, see :func:`unit_sample`.
    seed : int, numpy.random.Generator or None
        Same seed, same sample (seed 0 is a seed like any other).
    correlation : list of [path_a, path_b, r], optional
        Target Spearman correlations, imposed on the unit-cube columns by Iman-Conover before
        the transform, so the marginals are exactly those of the uncorrelated design.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows; one column per dotted path, in the order of ``dists``.

    Examples
    --------
    >>> from scenarios.analysis.sampling import validate_uncertainties
    >>> d = validate_uncertainties({"impact.rho": {"dist": "uniform", "low": 0.1, "high": 0.6}})
    >>> sample(d, 8, method="lhs", seed=0).shape
    (8, 1)
    """
    rng = np.random.default_rng(seed)
    u = unit_sample(n, len(dists), method=method, seed=rng)
    if correlation:
        names = list(dists)
        target = correlation_matrix(correlation, names)
        cols = sorted({names.index(p) for a, b, _ in correlation for p in (a, b)})
        u[:, cols] = impose_rank_correlation(u[:, cols], target[np.ix_(cols, cols)], seed=rng)
    return to_params(dists, u)
