"""Rank correlation between uncertain parameters, induced with Iman-Conover.

Why Iman-Conover rather than a Gaussian copula: it only *reorders* each column of the
unit-cube sample, so every marginal is kept exactly, value for value. A Latin hypercube stays
a Latin hypercube, and the Monte Carlo marginals a user checks against the config are the ones
drawn. A Gaussian copula would redraw the values and lose the stratification of the design.

The target is a Spearman (rank) matrix. Iman-Conover matches the Pearson correlation of
normal scores, so each target r is converted to ``2 sin(pi r / 6)``, the Pearson correlation of
a bivariate normal whose Spearman correlation is r.

Config form::

    correlations:
      - [programs.manufacturing_usa.cost_per_institute, impact.rho, -0.4]
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import stats

from scenarios.analysis.memory import usable_cores
from scenarios.analysis.sampling.distributions import did_you_mean
from scenarios.errors import ConfigError, Problem

_EIG_TOL = 1e-8
THREADED_FROM = 1 << 16  # samples from which the columns are reordered on a thread each


def _pearson(spearman: np.ndarray) -> np.ndarray:
    return 2 * np.sin(np.pi * spearman / 6)


def _min_eig(spearman: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(_pearson(spearman))[0])


def _parse_pair(k: int, entry: object, names: list[str], file: str | None) -> list[Problem]:
    path = f"correlations[{k}]"
    shape_ok = isinstance(entry, Sequence) and not isinstance(entry, str) and len(entry) == 3
    if not shape_ok:
        return [
            Problem(
                "expected [path_a, path_b, rank_correlation]",
                file,
                path,
                entry,
                "write e.g. [impact.rho, impact.delta, -0.4]",
            )
        ]
    a, b, r = entry
    problems = [
        Problem(
            f"'{p}' is not an uncertain parameter",
            file,
            path,
            entry,
            f"{did_you_mean(str(p), names)}list it under uncertainties: first",
        )
        for p in (a, b)
        if p not in names
    ]
    if a == b:
        problems.append(
            Problem(
                "a parameter cannot be correlated with itself",
                file,
                path,
                entry,
                "name two different parameters",
            )
        )
    if isinstance(r, bool) or not isinstance(r, (int, float)) or not -1 < r < 1:
        problems.append(
            Problem(
                "rank correlation must be a number strictly between -1 and 1",
                file,
                path,
                r,
                "use e.g. 0.99 for a near-perfect correlation",
            )
        )
    return problems


def correlation_matrix(
    pairs: Sequence[Sequence], names: list[str], *, file: str | None = None
) -> np.ndarray:
    """Build and check the full rank-correlation matrix from pairwise entries.

    Parameters
    ----------
    pairs : sequence of (path_a, path_b, r)
        Target Spearman correlations; unlisted pairs are 0.
    names : list of str
        Uncertain parameter paths, in column order.
    file : str, optional
        Config file name, quoted in error messages.

    Returns
    -------
    numpy.ndarray
        Symmetric ``(len(names), len(names))`` matrix with a unit diagonal.

    Raises
    ------
    ConfigError
        For a malformed entry, an unknown path, a value outside (-1, 1), a pair listed twice,
        or correlations that cannot hold together (the matrix is not positive definite); the
        last names the pairs involved and the nearest valid value of each.

    Examples
    --------
    >>> correlation_matrix([["a", "b", -0.4]], ["a", "b", "c"])[0, 1]
    np.float64(-0.4)
    """
    problems = [p for k, e in enumerate(pairs) for p in _parse_pair(k, e, names, file)]
    if problems:
        raise ConfigError("invalid correlations", problems=problems)
    index = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    seen: dict[frozenset, int] = {}
    for k, (a, b, r) in enumerate(pairs):
        key = frozenset((a, b))
        if key in seen:
            problems.append(
                Problem(
                    f"pair {a} ~ {b} is also listed at correlations[{seen[key]}]",
                    file,
                    f"correlations[{k}]",
                    list(pairs[k]),
                    "keep one entry per pair",
                )
            )
        seen[key] = k
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = r
    if problems:
        raise ConfigError("invalid correlations", problems=problems)
    if _min_eig(matrix) <= _EIG_TOL:
        raise ConfigError(
            "inconsistent correlations", problems=_inconsistency(matrix, pairs, index, file)
        )
    return matrix


def _nearest_valid(matrix: np.ndarray, i: int, j: int) -> float | None:
    """Closest value (2 decimals) of entry (i, j) making the matrix valid, others unchanged."""
    trial = matrix.copy()
    valid = []
    for r in np.round(np.arange(-0.99, 1.0, 0.01), 2):
        trial[i, j] = trial[j, i] = r
        if _min_eig(trial) > _EIG_TOL:
            valid.append(r)
    return min(valid, key=lambda r: abs(r - matrix[i, j])) if valid else None


def _inconsistency(
    matrix: np.ndarray, pairs: Sequence[Sequence], index: dict[str, int], file: str | None
) -> list[Problem]:
    """One problem per listed pair taking part in the negative-eigenvalue direction."""
    values, vectors = np.linalg.eigh(_pearson(matrix))
    weight = np.abs(vectors[:, 0])
    involved = weight >= 0.2 * weight.max()
    chosen = [
        (k, e) for k, e in enumerate(pairs) if involved[index[e[0]]] and involved[index[e[1]]]
    ]
    problems = []
    for k, (a, b, r) in chosen or list(enumerate(pairs)):
        best = _nearest_valid(matrix, index[a], index[b])
        hint = (
            f"nearest valid value with the other pairs unchanged: {best:g}"
            if best is not None
            else "no value of this pair alone fixes it; relax the others"
        )
        problems.append(
            Problem(
                f"rank correlations {a} ~ {b} and the pairs sharing its parameters cannot all hold "
                f"(matrix not positive definite, smallest eigenvalue {values[0]:.3g})",
                file,
                f"correlations[{k}]",
                r,
                hint,
            )
        )
    return problems


def impose_rank_correlation(
    u: np.ndarray, target: np.ndarray, *, seed: int | np.random.Generator | None = None
) -> np.ndarray:
    """Reorder the columns of a unit-cube sample to a target rank correlation (Iman-Conover).

    Parameters
    ----------
    u : numpy.ndarray, shape (n, d)
        Sample in the unit cube.
    target : numpy.ndarray, shape (d, d)
        Target Spearman correlation, checked by :func:`correlation_matrix`.
    seed : int, numpy.random.Generator or None
        Randomness of the score permutation.

    Returns
    -------
    numpy.ndarray, shape (n, d)
        Each column a permutation of the same column of ``u``.

    Raises
    ------
    ConfigError
        When there are too few samples (n <= d + 1) to impose a correlation.
    """
    n, d = u.shape
    if n <= d + 1:
        raise ConfigError(
            f"{n} samples are too few to correlate {d} parameters",
            value=n,
            hint=f"use at least {d + 2} samples",
        )
    rng = np.random.default_rng(seed)
    scores = stats.norm.ppf(np.arange(1, n + 1) / (n + 1))
    s = np.column_stack([rng.permutation(scores) for _ in range(d)])
    # Whiten the scores' own sample correlation, then colour with the target.
    now = np.linalg.cholesky(np.corrcoef(s, rowvar=False))
    want = np.linalg.cholesky(_pearson(target))
    t = s @ np.linalg.inv(now).T @ want.T
    if n < THREADED_FROM:
        return np.column_stack(list(map(_reorder, u.T, t.T)))
    with ThreadPoolExecutor(min(d, usable_cores())) as pool:  # sorts release the GIL
        return np.column_stack(list(pool.map(_reorder, u.T, t.T)))


def _reorder(values: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """``values`` reordered to the ranks of ``scores``: the value of rank r where ``scores`` has
    rank r (the sorted values scattered by the argsort of ``scores``, its inverse permutation)."""
    reordered = np.empty_like(values)
    reordered[np.argsort(scores)] = np.sort(values)
    return reordered
