"""What would it take: the value of a policy lever at which a claim holds with probability at
least p over its scenario's uncertainty ensemble, and in the point run.

Every lever value runs on the same draws of the uncertain parameters (common random numbers), so
the probability moves only with the lever: where the model is monotone in the lever, so is the
probability. A coarse grid over the range brackets each answer; a larger ensemble (``refine`` x
``samples`` futures) then bisects the bracket, so the answer's probability and its interval come
from more futures than the scan. Nothing is extrapolated past the range: when no value in it
makes the claim hold, the answer says so with the best probability reached and where.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.analysis.claims import wilson_interval
from scenarios.analysis.solve.answers import Answer, Solution
from scenarios.analysis.solve.levers import Lever
from scenarios.analysis.solve.worlds import LeverWorlds, check_arguments, prepare
from scenarios.analysis.stress.evaluator import (
    Evaluator,
    claim_outcome,
)
from scenarios.config.checks import check_option
from scenarios.data import Dataset

BISECTION_STEPS = 12
"""Halvings of a grid step: an answer's precision is the range / (grid - 1) / 4096."""


@dataclass
class _Scan:
    """Outcomes of the claim at lever values on one parameter matrix (common random numbers)."""

    worlds: LeverWorlds
    matrix: pd.DataFrame
    holds: dict[float, np.ndarray] = field(default_factory=dict)

    def outcome(self, path: str, value: float) -> np.ndarray:
        if value not in self.holds:
            ensemble, _ = self.worlds.evaluators({path: value})
            self.holds[value] = claim_outcome(self.worlds.claim, ensemble, self.matrix)[1]
        return self.holds[value]

    def probability(self, path: str, value: float) -> float:
        return float(self.outcome(path, value).mean())


def _bisect(holds, fails_at: float, holds_at: float, lever: Lever) -> float:
    """The value next to ``fails_at`` from which ``holds`` is true, between the two."""
    for _ in range(BISECTION_STEPS):
        if lever.integer and abs(holds_at - fails_at) <= 1:
            break
        middle = 0.5 * (fails_at + holds_at)
        middle = float(round(middle)) if lever.integer else middle
        if holds(middle):
            holds_at = middle
        else:
            fails_at = middle
    return holds_at


def _ordered(grid: np.ndarray, direction: str) -> np.ndarray:
    return grid if direction == "smallest" else grid[::-1]


def _direction(probabilities: np.ndarray, points: np.ndarray) -> str:
    """``smallest`` when the claim holds more often as the lever rises, else ``largest``."""
    for series in (probabilities, points.astype(float)):
        if series[-1] != series[0]:
            return "smallest" if series[-1] > series[0] else "largest"
    half = len(probabilities) // 2
    rising = probabilities[half:].mean() >= probabilities[:half].mean()
    return "smallest" if rising else "largest"


def _threshold(
    met: Callable[[float], bool], order: np.ndarray, i: int, lever: Lever
) -> float | None:
    """The first value along ``order`` from which ``met`` holds, starting from the scan's crossing
    at ``order[i]`` (the larger ensemble may put it a grid step away: the bracket moves first)."""
    hold, fail = i, i - 1
    while hold < len(order) and not met(order[hold]):
        hold += 1
    if hold == len(order):
        return None
    while fail >= 0 and met(order[fail]):
        fail -= 1
    return order[0] if fail < 0 else _bisect(met, order[fail], order[hold], lever)


def _solve_target(
    target: float, lever: Lever, grid: np.ndarray, coarse: _Scan, fine: _Scan, direction: str
) -> Answer:
    order = _ordered(grid, direction)
    p = np.array([coarse.probability(lever.path, v) for v in order])
    reached = np.flatnonzero(p >= target)
    i = int(reached[0]) if len(reached) else len(order) - 1

    def interval(v: float) -> tuple[float, float]:
        holds = fine.outcome(lever.path, v)
        return wilson_interval(int(holds.sum()), len(holds))

    value = (
        _threshold(lambda v: fine.probability(lever.path, v) >= target, order, i, lever)
        if len(reached)
        else None
    )
    maybe = _threshold(lambda v: interval(v)[1] >= target, order, i, lever)
    sure = _threshold(lambda v: interval(v)[0] >= target, order, i, lever)
    if value is None:
        best = max(order, key=lambda v: fine.probability(lever.path, v))
        answer = _answer(target, None, fine, lever, best, (maybe, sure))
        return replace(answer, flat=bool(np.ptp(p) == 0))
    return _answer(target, value, fine, lever, value, (maybe, sure), at_bound=value == order[0])


def _answer(
    target: float,
    value: float | None,
    scan: _Scan,
    lever: Lever,
    best: float,
    within: tuple[float | None, float | None],
    *,
    at_bound: bool = False,
) -> Answer:
    holds = scan.outcome(lever.path, best)
    low, high = wilson_interval(int(holds.sum()), len(holds))
    return Answer(
        target,
        value is not None,
        value,
        float(holds.mean()),
        low,
        high,
        len(holds),
        best,
        at_bound,
        *within,
    )


def _solve_point(lever: Lever, grid: np.ndarray, worlds: LeverWorlds, direction: str) -> Answer:
    order = _ordered(grid, direction)
    outcome = np.array([worlds.point_holds({lever.path: v}) for v in order])
    reached = np.flatnonzero(outcome)
    if len(reached) == 0:
        return Answer(None, False, None, 0.0, 0.0, 0.0, 1, order[-1])
    i = int(reached[0])
    value = (
        order[0]
        if i == 0
        else _bisect(lambda v: worlds.point_holds({lever.path: v}), order[i - 1], order[i], lever)
    )
    return Answer(None, True, value, 1.0, 1.0, 1.0, 1, value, at_bound=i == 0)


def monotone_warning(lever: Lever, values: np.ndarray, probabilities: np.ndarray) -> list[str]:
    """A warning when the probability (on common random numbers) both rises and falls."""
    steps = np.diff(probabilities)
    if (steps > 0).any() and (steps < 0).any():
        k = int(np.argmax(-steps if probabilities[-1] >= probabilities[0] else steps))
        return [
            f"the probability is not monotone in {lever.path}: it goes from "
            f"{probabilities[k]:.3f} at {values[k]:.4g} to {probabilities[k + 1]:.3f} at "
            f"{values[k + 1]:.4g}; each answer is the first crossing in the solving direction"
        ]
    return []


def _curve(lever: Lever, scan: _Scan, worlds: LeverWorlds, grid: np.ndarray) -> pd.DataFrame:
    rows = []
    for value in sorted(scan.holds):
        holds = scan.holds[value]
        low, high = wilson_interval(int(holds.sum()), len(holds))
        rows.append(
            {
                lever.path: value,
                "probability": float(holds.mean()),
                "ci_low": low,
                "ci_high": high,
                "n": len(holds),
                "point_holds": worlds.point_holds({lever.path: value}),
                "grid": bool(np.isin(value, grid)),
            }
        )
    return pd.DataFrame(rows)


def solve(
    claim_file: str | Path,
    claim_id: str,
    lever: str,
    *,
    probabilities: list[float] | tuple[float, ...] = (0.5, 0.9),
    bounds: tuple[float, float] | None = None,
    samples: int = 1000,
    refine: int = 4,
    grid: int = 17,
    seed: int = 0,
    dataset: Dataset | None = None,
) -> Solution:
    """The value of a policy lever at which a claim holds with probability at least each of
    ``probabilities``, and the value at which it holds in the point run.

    Parameters
    ----------
    claim_file
        A claim file or a shipped claim file's name (``itif_full45``).
    claim_id
        The claim's ``id`` in that file (a claim with a scenario).
    lever
        A dotted config path of the claim's scenario (a ``--set`` path).
    probabilities
        Target probabilities, each in (0, 1].
    bounds
        (low, high) to search; default 0 to ten times the scenario's value (a year: the
        history's start to the horizon).
    samples, refine
        Futures of the scan; the ensemble that bisects each bracket has ``refine`` times more.
    grid
        Lever values on the scan.
    seed
        Seed of the draws, common to every lever value.

    Returns
    -------
    Solution
        ``answers`` (one per target, then the point run), ``curve`` (every value run),
        ``table()`` (solve.csv) and ``sentences()``.

    Raises
    ------
    ConfigError
        Unknown claim id or lever (the hint lists valid ones), a claim about the data, a bad
        range, probability or sample size.

    Example
    -------
    >>> s = solve("itif_full45", "full45_completes_network",
    ...           "programs.manufacturing_usa.new_institute_budget.total",
    ...           bounds=(0, 10000))                                 # doctest: +SKIP
    >>> print(s.sentences()[-1])                                     # doctest: +SKIP
    """
    started = time.perf_counter()
    check_arguments(
        [lever], probabilities, None if bounds is None else [bounds], samples, grid, seed
    )
    check_option(refine, "--refine", minimum=1)
    claim, path, worlds, (chosen,) = prepare(
        claim_file, claim_id, [lever], None if bounds is None else [bounds], dataset
    )
    base = Evaluator(claim, path, worlds.dataset, world=worlds.world({}))
    coarse = _Scan(worlds, base.draw(samples, seed))
    fine = _Scan(worlds, base.draw(samples * refine, seed))
    values = chosen.grid(grid)
    scanned = np.array([coarse.probability(chosen.path, v) for v in values])
    points = np.array([worlds.point_holds({chosen.path: v}) for v in values])
    direction = _direction(scanned, points)
    answers = [_solve_target(p, chosen, values, coarse, fine, direction) for p in probabilities]
    answers.append(_solve_point(chosen, values, worlds, direction))
    curve = pd.concat(
        [
            _curve(chosen, coarse, worlds, values).assign(ensemble="scan"),
            _curve(chosen, fine, worlds, values).assign(ensemble="refine"),
        ],
        ignore_index=True,
    )
    return Solution(
        claim,
        path,
        [chosen],
        direction,
        answers,
        curve,
        samples,
        samples * refine,
        seed,
        time.perf_counter() - started,
        chosen.notes + monotone_warning(chosen, values, scanned),
    )
