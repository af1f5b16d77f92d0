"""Sobol' indices as SALib computes them, number for number, with a faster bootstrap."""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.util import scale_samples
from scipy.stats import norm, qmc
from threadpoolctl import threadpool_limits

from scenarios.errors import ConfigError

PIECE_VALUES = 2**21
"""Outputs are analysed a few at a time, about this many of their values each: the temporaries
(outputs x parameters x n) stay a few MB, and memory freed by one piece serves the next (fresh
memory costs about as much as the arithmetic done on it)."""
NO_VARIANCE = 1e-12
"""Variance of a standardized output (or of one bootstrap resample of it) taken as none."""


def sample(
    problem: dict, n: int, rng: np.random.Generator, second_order: bool = False
) -> np.ndarray:
    if n & (n - 1):
        up = 1 << n.bit_length()
        raise ConfigError(
            f"Sobol' analysis needs n a power of 2, not {n}",
            value=n,
            hint=f"use n={up // 2} or n={up}",
        )
    return saltelli(problem, n, rng, second_order)


def saltelli(
    problem: dict, n: int, rng: np.random.Generator, second_order: bool = False
) -> np.ndarray:
    """SALib's ``sobol.sample`` (Saltelli's scheme on a scrambled Sobol' sequence), value for
    value, built with array operations instead of SALib's loop over rows: for each base point
    the blocks A, AB_1..AB_d (A with column j from B), [BA_1..BA_d,] B."""
    d = problem["num_vars"]
    base = qmc.Sobol(d=2 * d, scramble=True, seed=rng).random(n)
    A, B = base[:, None, :d], base[:, None, d:]
    swap = np.eye(d, dtype=bool)[None]
    blocks = [A, np.where(swap, B, A), *([np.where(swap, A, B)] if second_order else []), B]
    return scale_samples(np.concatenate(blocks, axis=1).reshape(-1, d), problem)


def analyze(
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


def analyze_many(
    problem: dict, X: np.ndarray, Y: np.ndarray, seed: int, conf: float, resamples: int
) -> dict:
    """:func:`analyze` of a first-order design for many outputs at once (``Y``: one row per output).

    S1 and ST are SALib's, number for number. The bootstrap takes SALib's resamples, drawn once
    for all outputs, and sums each resample as counts times values: matrix products over every
    output and parameter. Its half-widths equal SALib's to rounding (about 1e-15 absolute).
    The products are small (tens of outputs by 100 resamples): one BLAS thread runs them in a
    few milliseconds, where threads waiting on a busy core took up to 0.3 s each.
    Returns ``{index: array (outputs, d)}``.
    """
    d = problem["num_vars"]
    n = Y.shape[1] // (d + 2)
    draws = np.random.default_rng(seed).integers(n, size=(n, resamples))
    counts = np.bincount((draws + n * np.arange(resamples)).ravel(), minlength=n * resamples)
    counts = counts.reshape(resamples, n).T.astype(float)  # (n, resamples)
    z = norm.ppf(0.5 + conf / 2)
    step = max(1, PIECE_VALUES // Y.shape[1])
    with threadpool_limits(limits=1, user_api="blas"):
        parts = [_indices_of(Y[c : c + step], d, counts, z) for c in range(0, len(Y), step)]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _indices_of(Y: np.ndarray, d: int, counts: np.ndarray, z: float) -> dict:
    """S1, ST and their half-widths of a few outputs; arrays laid out (output, parameter, row),
    so that every mean runs along contiguous rows as SALib's do on its 1-D arrays."""
    k, n = len(Y), counts.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an output with no variance: NaN
        return _indices_or_nan(Y, d, counts, z, k, n)


def _indices_or_nan(Y: np.ndarray, d: int, counts: np.ndarray, z: float, k: int, n: int) -> dict:
    """:func:`_indices_of`, NaN where an output does not vary over the A and B rows (a rare event
    seen only in the mixed rows, or never): the indices divide by that variance, and a resample
    without it is left out of the half-width. Outputs are standardized, so variance is in units
    of the output's own: :data:`NO_VARIANCE` is rounding."""
    standard = (Y - Y.mean(axis=1, keepdims=True)) / Y.std(axis=1, keepdims=True)
    blocks = standard.reshape(k, n, d + 2)
    A, B = blocks[:, :, 0].copy(), blocks[:, :, d + 1].copy()
    AB = np.ascontiguousarray(blocks[:, :, 1 : d + 1].transpose(0, 2, 1))
    A_, B_ = A[:, None, :], B[:, None, :]
    both = np.concatenate([A, B], axis=1)
    first = B_ * (AB - A_)
    total = (A_ - AB) ** 2
    var = np.var(both, axis=1)[:, None]
    var[var <= NO_VARIANCE] = np.nan
    result = {"S1": np.mean(first, axis=2) / var, "ST": 0.5 * np.mean(total, axis=2) / var}
    mean = (A @ counts + B @ counts) / (2 * n)
    boot_var = ((A * A) @ counts + (B * B) @ counts) / (2 * n) - mean**2  # (output, resample)
    boot_var[boot_var <= NO_VARIANCE] = np.nan
    for name, terms, scale in (("S1", first, 1.0), ("ST", total, 0.5)):
        sums = (terms.reshape(-1, n) @ counts).reshape(k, d, -1)  # one BLAS product, not k
        boot = scale * sums / n / boot_var[:, None, :]
        half_width = z * np.nanstd(boot, axis=2, ddof=1)
        result[f"{name}_conf"] = np.where(np.isnan(var), np.nan, half_width)
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


def first_order_rows(d: int, rows: int) -> np.ndarray:
    """Rows of a second-order Saltelli design (blocks A, AB_1..AB_d, BA_1..BA_d, B) that form
    the first-order design (A, AB_1..AB_d, B). S1 and ST from them differ from the whole design's
    only through the centring of the outputs (by about 1e-9 on the Ishigami function)."""
    block = np.r_[0 : d + 1, 2 * d + 1]
    starts = np.arange(0, rows, 2 * d + 2)
    return (starts[:, None] + block[None, :]).ravel()
