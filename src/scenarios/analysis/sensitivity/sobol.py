"""Sobol' indices as SALib computes them, number for number, with a faster bootstrap."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample
from scipy.stats import norm

from scenarios.errors import ConfigError


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
    return sobol_sample.sample(problem, n, calc_second_order=second_order, seed=rng)


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
