"""Two levers at once: the probability that a claim holds over a grid of both (every cell on
the same draws), and for each value of the first lever the grid value of the second from which
the claim holds with each target probability (and in the point run)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.analysis.claims import Claim, wilson_interval
from scenarios.analysis.solve.levers import Lever
from scenarios.analysis.solve.worlds import check_arguments, prepare
from scenarios.analysis.stress.evaluator import Evaluator, claim_outcome
from scenarios.data import Dataset


@dataclass
class GridSolution:
    """The probability over a grid of two levers, and the frontier for each target."""

    claim: Claim
    claim_file: Path
    levers: list[Lever]
    targets: list[float]
    grid: pd.DataFrame  # one row per cell: both values, probability, interval, n, point_holds
    direction: str  # of the second lever: "smallest" or "largest"
    samples: int
    seed: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def probability_grid(self) -> pd.DataFrame:
        """Probabilities as a table: first lever down, second lever across."""
        a, b = (lever.path for lever in self.levers)
        return self.grid.pivot(index=a, columns=b, values="probability")

    def table(self) -> pd.DataFrame:
        """solve.csv: per target (and the point run) and per value of the first lever, the
        second lever's grid value from which the claim holds (found False when none does)."""
        first, second = self.levers
        rows = []
        for target in [*self.targets, None]:
            for value, cells in self.grid.groupby(first.path, sort=True):
                order = cells.sort_values(second.path, ascending=self.direction == "smallest")
                met = order["point_holds"] if target is None else order["probability"] >= target
                hit = order[met.to_numpy()]
                cell = hit.iloc[0] if len(hit) else order.loc[order["probability"].idxmax()]
                rows.append(
                    {
                        "claim": self.claim.id,
                        "lever": second.path,
                        "given": f"{first.path}={value:g}",
                        "kind": "point" if target is None else "ensemble",
                        "target": target,
                        "direction": self.direction,
                        "value": cell[second.path] if len(hit) else None,
                        "probability": cell["probability"],
                        "ci_low": cell["ci_low"],
                        "ci_high": cell["ci_high"],
                        "n": 1 if target is None else int(cell["n"]),
                        "found": bool(len(hit)),
                        "best_value": cell[second.path],
                        "units": second.units,
                        "seconds": round(self.seconds, 2),
                    }
                )
        return pd.DataFrame(rows)

    def sentences(self) -> list[str]:
        """One line per target: the cells that reach it."""
        lines = []
        for target in self.targets:
            reached = (self.grid["probability"] >= target).sum()
            lines.append(
                f"P >= {target:g}: {reached} of {len(self.grid)} grid cells; best P = "
                f"{self.grid['probability'].max():.2f}"
            )
        return lines


def solve_grid(
    claim_file: str | Path,
    claim_id: str,
    levers: list[str],
    *,
    probabilities: list[float] | tuple[float, ...] = (0.5, 0.9),
    ranges: list[tuple[float, float]] | None = None,
    samples: int = 500,
    grid: int = 9,
    seed: int = 0,
    dataset: Dataset | None = None,
) -> GridSolution:
    """The probability that a claim holds over a ``grid`` x ``grid`` grid of two levers, every
    cell on the same ``samples`` draws (and the point run in each cell).

    Example
    -------
    >>> g = solve_grid("itif_full45", "full45_closes_gap",
    ...                ["programs.manufacturing_usa.new_institute_budget.total",
    ...                 "programs.manufacturing_usa.cap"],
    ...                ranges=[(0, 200000), (45, 500)])              # doctest: +SKIP
    >>> g.probability_grid()                                         # doctest: +SKIP
    """
    started = time.perf_counter()
    check_arguments(levers, probabilities, ranges, samples, grid, seed)
    claim, path, worlds, chosen = prepare(claim_file, claim_id, levers, ranges, dataset)
    matrix = Evaluator(claim, path, worlds.dataset, world=worlds.world({})).draw(samples, seed)
    first, second = chosen
    rows = []
    for a in first.grid(grid):
        for b in second.grid(grid):
            setting = {first.path: a, second.path: b}
            ensemble, _ = worlds.evaluators(setting)
            holds = claim_outcome(claim, ensemble, matrix)[1]
            low, high = wilson_interval(int(holds.sum()), len(holds))
            rows.append(
                {
                    first.path: a,
                    second.path: b,
                    "probability": float(holds.mean()),
                    "ci_low": low,
                    "ci_high": high,
                    "n": len(holds),
                    "point_holds": worlds.point_holds(setting),
                }
            )
    table = pd.DataFrame(rows)
    notes = [note for lever in chosen for note in lever.notes]
    notes += _not_monotone(table, first, second) + _not_monotone(table, second, first)
    by_second = table.groupby(second.path)["probability"].mean()
    direction = "smallest" if by_second.iloc[-1] >= by_second.iloc[0] else "largest"
    return GridSolution(
        claim,
        path,
        chosen,
        list(probabilities),
        table,
        direction,
        samples,
        seed,
        time.perf_counter() - started,
        notes,
    )


def _not_monotone(table: pd.DataFrame, along: Lever, given: Lever) -> list[str]:
    """A note when, at some value of ``given``, the probability both rises and falls ``along``."""
    for value, cells in table.groupby(given.path, sort=True):
        steps = np.diff(cells.sort_values(along.path)["probability"].to_numpy())
        if (steps > 0).any() and (steps < 0).any():
            return [
                f"the probability is not monotone in {along.path} (at {given.path} = {value:g}, "
                "among others): a frontier value is the first grid value that reaches the target"
            ]
    return []


def probability_surface(solution: GridSolution) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first lever values, second lever values, probability[first, second]) for a contour."""
    table = solution.probability_grid()
    return table.index.to_numpy(), table.columns.to_numpy(), table.to_numpy()
