"""Scenario discovery with PRIM (the ``prim`` package): where in the assumption space does a
claim fail? One box, chosen on the peeling trajectory's coverage-density trade-off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Box:
    """A PRIM box: the restricted dimensions and how well the box describes the cases of interest."""

    limits: pd.DataFrame  # index: restricted parameter; columns: min, max (inside the box)
    coverage: float  # share of all cases of interest that fall inside the box
    density: float  # share of the box's points that are cases of interest
    mass: float  # share of all points inside the box
    trajectory: pd.DataFrame  # coverage, density, mass, res dim per peeling step
    chosen: int  # index of the chosen step in the trajectory
    bounds: pd.DataFrame  # the sampled range of every parameter (min, max)

    def describe(self, digits: int = 3) -> str:
        """Plain words: ``rho < 0.21 and tau > 12``."""
        parts = []
        for name, row in self.limits.iterrows():
            low, high = self.bounds.loc[name, "min"], self.bounds.loc[name, "max"]
            span = high - low
            lower = row["min"] > low + 1e-9 * span
            upper = row["max"] < high - 1e-9 * span
            if lower and upper:
                parts.append(f"{row['min']:.{digits}g} < {name} < {row['max']:.{digits}g}")
            elif lower:
                parts.append(f"{name} > {row['min']:.{digits}g}")
            elif upper:
                parts.append(f"{name} < {row['max']:.{digits}g}")
        return " and ".join(parts) if parts else "(no restriction)"


MIN_CASES = 10  # fewer cases of interest than this describe noise, not a region
SIGNIFICANCE = (
    0.05  # restrictions whose quasi-p-value exceeds this are dropped (as EMA Workbench does)
)


def _choose(trajectory: pd.DataFrame) -> int:
    """The step that balances coverage and density best (their harmonic mean, as an F-score)."""
    coverage, density = trajectory["coverage"].to_numpy(), trajectory["density"].to_numpy()
    score = 2 * coverage * density / np.maximum(coverage + density, 1e-12)
    return int(np.argmax(score))


def find_box(
    x: pd.DataFrame, cases: np.ndarray, *, peel_alpha: float = 0.05, mass_min: float = 0.05
) -> Box | None:
    """Run PRIM on numeric inputs ``x`` for the boolean cases of interest; None if there are
    fewer than ``MIN_CASES`` of them (or no other cases).

    The box is the peeling step with the best coverage-density balance, keeping only the
    restrictions that are statistically significant; coverage and density are those of that box.
    """
    import prim

    cases = np.asarray(cases, dtype=bool)
    numeric = x.select_dtypes("number")
    numeric = numeric.loc[:, numeric.max() > numeric.min()]  # columns that vary
    if cases.sum() < MIN_CASES or (~cases).sum() == 0 or numeric.shape[1] == 0:
        return None
    finder = prim.Prim(
        numeric.reset_index(drop=True),
        cases.astype(float),
        threshold=0.5,
        threshold_type=">",
        peel_alpha=peel_alpha,
        mass_min=mass_min,
    )
    box = finder.find_box()
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    chosen = _choose(trajectory)
    box.select(chosen)
    significant = box.limits[box.limits["qp values"].astype(float) <= SIGNIFICANCE]
    limits = significant[["min", "max"]].astype(float)
    inside = _inside(numeric, limits)
    coverage = float(cases[inside].sum() / cases.sum())
    density = float(cases[inside].mean()) if inside.any() else 0.0
    bounds = pd.DataFrame({"min": numeric.min(), "max": numeric.max()})
    return Box(limits, coverage, density, float(inside.mean()), trajectory, chosen, bounds)


def _inside(x: pd.DataFrame, limits: pd.DataFrame) -> np.ndarray:
    inside = np.ones(len(x), dtype=bool)
    for name, row in limits.iterrows():
        values = x[name].to_numpy()
        inside &= (values >= row["min"]) & (values <= row["max"])
    return inside
