"""The answers of a solve: each target's lever value with its probability and interval, the
whole solution of one lever, and the sentence that says it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scenarios.analysis.claims import Claim
from scenarios.analysis.solve.levers import Lever


@dataclass(frozen=True)
class Answer:
    """One answer: for a target probability (``target``), or for the point run (``target`` None).

    ``value`` is the lever value found (None when nothing in the range makes the claim hold);
    ``probability`` and its 95 % Wilson interval are at ``value``, or at ``best_value``, where
    the range comes closest, when nothing is found. For the point run they are 1 or 0.
    ``value_maybe`` and ``value_sure`` bound the answer for sampling error: the values from which
    the target lies inside the interval, and from which the interval lies wholly above it.
    """

    target: float | None
    found: bool
    value: float | None
    probability: float
    ci_low: float
    ci_high: float
    n: int
    best_value: float
    at_bound: bool = False  # the claim already holds at the range's first value
    value_maybe: float | None = None  # from here the target is inside the 95 % interval
    value_sure: float | None = None  # from here the whole 95 % interval is above the target
    flat: bool = False  # the probability is the same at every value run

    @property
    def kind(self) -> str:
        return "point" if self.target is None else "ensemble"


@dataclass
class Solution:
    """What :func:`solve` learned about one claim and one lever (``levers`` holds it, as a
    :class:`scenarios.analysis.solve.GridSolution` holds its two)."""

    claim: Claim
    claim_file: Path
    levers: list[Lever]
    direction: str  # "smallest" or "largest" value of the (first) lever
    answers: list[Answer]
    curve: pd.DataFrame  # every evaluated value: lever value(s), probability, interval, n, point
    samples: int
    refine_samples: int
    seed: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def lever(self) -> Lever:
        return self.levers[0]

    def table(self) -> pd.DataFrame:
        """solve.csv: one row per answer."""
        rows = [
            {
                "claim": self.claim.id,
                "lever": self.lever.path,
                "kind": a.kind,
                "target": a.target,
                "direction": self.direction,
                "value": a.value,
                "probability": a.probability,
                "ci_low": a.ci_low,
                "ci_high": a.ci_high,
                "n": a.n,
                "found": a.found,
                "value_maybe": a.value_maybe,
                "value_sure": a.value_sure,
                "best_value": a.best_value,
                "range_low": self.lever.low,
                "range_high": self.lever.high,
                "units": self.lever.units,
                "seconds": round(self.seconds, 2),
            }
            for a in self.answers
        ]
        return pd.DataFrame(rows)

    def sentences(self) -> list[str]:
        """Each answer as a line a reader can quote."""
        return [describe_answer(self, a) for a in self.answers]


def _number(lever: Lever, value: float) -> str:
    return f"{round(value):,}" if lever.integer or abs(value) >= 100 else f"{value:.4g}"


def describe_answer(solution: Solution, answer: Answer) -> str:
    """One answer as a sentence: the value found with its probability and interval, or the plain
    statement that nothing in the range does, with the best probability reached."""
    lever, claim = solution.lever, solution.claim
    units = f" {lever.units}" if lever.units else ""
    span = f"[{_number(lever, lever.low)}, {_number(lever, lever.high)}]{units}"
    if answer.target is None:
        if not answer.found:
            return (
                f"point run: no {lever.label} in {span} makes {claim.id} hold "
                f"(not even at {_number(lever, answer.best_value)})"
            )
        where = " (the range's first value)" if answer.at_bound else ""
        return (
            f"point run: {claim.id} holds from {lever.label} = "
            f"{_number(lever, answer.value)}{units}{where} ({solution.direction} value)"
        )
    interval = f"[{answer.ci_low:.2f}-{answer.ci_high:.2f}]"
    if not answer.found:
        where = (
            "at every value run: the lever does not move it"
            if answer.flat
            else f"at {_number(lever, answer.best_value)}{units}"
        )
        return (
            f"P >= {answer.target:g}: no {lever.label} in {span} makes {claim.id} hold with "
            f"that probability; the most it reaches is P = {answer.probability:.2f} {interval} "
            f"{where}"
        )
    where = " (already at the range's first value)" if answer.at_bound else ""
    sure = (
        f"; the whole interval is above {answer.target:g} from {_number(lever, answer.value_sure)}"
        if answer.value_sure is not None and answer.value_sure != answer.value
        else ""
    )
    return (
        f"P >= {answer.target:g}: the {solution.direction} {lever.label} is "
        f"{_number(lever, answer.value)}{units}{where}: P = {answer.probability:.2f} {interval} "
        f"over {answer.n:,} futures{sure}"
    )
