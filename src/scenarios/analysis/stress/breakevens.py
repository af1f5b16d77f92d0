"""Breakevens: where one assumption, the others at their medians, flips a claim."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize

from scenarios.analysis.claims import (
    Condition,
)
from scenarios.analysis.stress.outcome import Breakeven

GRID_POINTS = 41


def breakeven(
    evaluate: Callable[[pd.DataFrame], np.ndarray],
    dists: dict,
    parameter: str,
    threshold: float,
    condition: Condition | None = None,
) -> Breakeven:
    """Move one assumption across its range (others at their medians) and find where the claim
    flips: a grid brackets the flip, then Brent's method on a continuous metric, or bisection on
    the claim's outcome where the metric moves in steps (institute counts); re-run to verify."""
    medians = {name: dist.median() for name, dist in dists.items()}
    low, high = (float(b) for b in dists[parameter].bounds())
    grid = np.linspace(low, high, GRID_POINTS)
    condition = condition or Condition(op=">=", value=threshold)

    def metric_at(values: np.ndarray) -> np.ndarray:
        frame = pd.DataFrame({name: [median] * len(values) for name, median in medians.items()})
        frame[parameter] = values
        return evaluate(frame)

    metric = metric_at(grid)
    outcome = condition.holds(metric)
    flips = np.flatnonzero(outcome[:-1] != outcome[1:])
    if len(flips) == 0 or not np.all(np.isfinite(metric)):
        return Breakeven(parameter, threshold, None, low, high, None, grid, metric)
    a, b = grid[flips[0]], grid[flips[0] + 1]
    gap_a, gap_b = metric[flips[0]] - threshold, metric[flips[0] + 1] - threshold
    xtol = 1e-10 * max(1.0, abs(high))
    if gap_a * gap_b < 0:
        value = optimize.brentq(
            lambda x: float(metric_at(np.array([x]))[0] - threshold), a, b, xtol=xtol
        )
    else:
        value = _bisect_outcome(
            lambda x: bool(condition.holds(metric_at(np.array([x])))[0]), a, b, xtol
        )
    return Breakeven(
        parameter,
        threshold,
        float(value),
        low,
        high,
        float(metric_at(np.array([value]))[0] - threshold),
        grid,
        metric,
    )


def _bisect_outcome(holds: Callable[[float], bool], a: float, b: float, xtol: float) -> float:
    """The point in [a, b] where ``holds`` changes (it differs at a and b)."""
    at_a = holds(a)
    while b - a > xtol:
        middle = 0.5 * (a + b)
        if holds(middle) == at_a:
            a = middle
        else:
            b = middle
    return b


def one_sided(condition: Condition, threshold: float) -> Condition:
    """``between`` split into its two edges; other conditions as they are."""
    if condition.op != "between":
        return condition
    return Condition(op=">=" if threshold == condition.low else "<=", value=threshold)
