"""The sensitivity methods: a SALib sampler and analyzer pair per name, in one registry.

Samplers: ``(problem, n, rng) -> unit-cube design``. Analyzers: ``(problem, X, y, seed, conf,
resamples) -> dict``. SALib tests some seeds with ``if seed:``, so analyzers always get a
nonzero int.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from SALib.analyze import (
    delta as delta_analyze,
    fast as fast_analyze,
    morris as morris_analyze,
    pawn as pawn_analyze,
    rbd_fast as rbd_fast_analyze,
)
from SALib.sample import fast_sampler, latin, morris as morris_sample

from scenarios.analysis.sensitivity import sobol
from scenarios.errors import ConfigError

Outputs = dict[str, np.ndarray]
"""Output name -> one value (or one path) per design row."""


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
    analyze_many : callable or None
        ``(problem, X, Y, seed, conf_level, resamples) -> {index: (outputs, d) array}`` for many
        outputs at once (``Y``: one row per output), equal to ``analyze`` output by output.
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
    analyze_many: Callable[[dict, np.ndarray, np.ndarray, int, float, int], dict] | None = None


METHODS: dict[str, Method] = {
    "sobol": Method(
        sobol.sample,
        sobol.analyze,
        ("S1", "S1_conf", "ST", "ST_conf"),
        ("S1", "ST"),
        lambda d: d + 2,
        min_n=4,
        analyze_many=sobol.analyze_many,
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
    partial(sobol.sample, second_order=True),
    partial(sobol.analyze, second_order=True),
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


def find_method(name: str, second_order: bool = False) -> Method:
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


def main_indices_design(
    spec: Method, d: int, unit: np.ndarray, outputs: Outputs
) -> tuple[Method, np.ndarray, Outputs]:
    """The method, design and outputs that the main indices need: a second-order Sobol' design
    reduced to its first-order rows (S1 and ST, without the pairs)."""
    if spec is not SOBOL_SECOND_ORDER:
        return spec, unit, outputs
    rows = sobol.first_order_rows(d, len(unit))
    return METHODS["sobol"], unit[rows], {k: np.asarray(v)[rows] for k, v in outputs.items()}
