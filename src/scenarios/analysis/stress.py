"""Stress-testing claims: probability with an interval (sampling adaptively), the assumptions
that drive the claim's metric, breakeven values, and PRIM boxes describing where it fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from scenarios.analysis.claims import (
    Claim,
    ClaimFile,
    Condition,
    load_claims,
    past_metric,
    resolve_claim_path,
    wilson_interval,
)
from scenarios.analysis.discovery import Box, find_box
from scenarios.analysis.evaluator import Evaluator, claim_outcome
from scenarios.config.checks import check_option, check_seed
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ScenariosError, in_file

GRID_POINTS = 41


@dataclass(frozen=True)
class Breakeven:
    """Where a claim flips as one assumption moves, the others at their medians."""

    parameter: str
    threshold: float
    value: float | None  # None: never flips in the range
    low: float
    high: float
    residual: float | None  # metric - threshold when re-run at ``value``
    grid: np.ndarray
    metric: np.ndarray

    def describe(self) -> str:
        if self.value is None:
            return f"{self.parameter}: never flips in [{self.low:.4g}, {self.high:.4g}]"
        return f"{self.parameter} = {self.value:.4g} (metric crosses {self.threshold:g})"


@dataclass
class ClaimResult:
    """Everything the stress test learned about one claim."""

    claim: Claim
    values: np.ndarray
    holds: np.ndarray
    samples: pd.DataFrame | None = None
    drivers: pd.DataFrame = field(default_factory=pd.DataFrame)
    breakevens: list[Breakeven] = field(default_factory=list)
    box: Box | None = None
    box_outcome: str = "fails"  # which outcome the PRIM box describes (the rarer one)
    curve: pd.DataFrame | None = None

    @property
    def n(self) -> int:
        return len(self.holds)

    @property
    def probability(self) -> float:
        return float(self.holds.mean())

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(int(self.holds.sum()), self.n)

    @property
    def verdict(self) -> str:
        """A line a reader can quote."""
        claim = self.claim
        if claim.scenario is None:
            value = float(self.values[0])
            text = f"{'holds' if self.holds[0] else 'fails'}: recomputed {value:.4g} ({claim.holds_if})"
            if claim.published is not None:
                text += (
                    f"; published {claim.published:g}, difference {value - claim.published:+.3g}"
                )
            return text
        low, high = self.interval
        text = f"holds in {self.probability:.0%} [{low:.0%}-{high:.0%}] of {self.n:,} futures"
        if self.probability == 0:
            return text + "; fails in every sampled future"
        if self.probability == 1:
            return text + "; holds in every sampled future"
        if self.box is not None and len(self.box.limits):
            where = "fails whenever" if self.box_outcome == "fails" else "holds mainly when"
            text += (
                f"; {where} {self.box.describe()} (PRIM box: coverage {self.box.coverage:.0%}, "
                f"density {self.box.density:.0%})"
            )
        return text


def sample_until(
    claim: Claim, evaluator: Evaluator, *, n: int, seed: int, ci_width: float, max_samples: int
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Draw batches of ``n`` futures until the Wilson interval is narrower than ``ci_width``."""
    frames, values, holds = [], [], []
    batch = 0
    while True:
        samples = evaluator.draw(n, seed + batch)
        v, h = claim_outcome(claim, evaluator, samples)
        frames.append(samples)
        values.append(v)
        holds.append(h)
        batch += 1
        all_holds = np.concatenate(holds)
        low, high = wilson_interval(int(all_holds.sum()), len(all_holds))
        if high - low <= ci_width or len(all_holds) + n > max_samples:
            break
    return pd.concat(frames, ignore_index=True), np.concatenate(values), np.concatenate(holds)


def drivers(samples: pd.DataFrame, values: np.ndarray) -> pd.DataFrame:
    """Spearman rank correlation of the claim's metric with each sampled assumption."""
    rows = []
    for name in samples.select_dtypes("number").columns:
        x = samples[name].to_numpy()
        if np.ptp(x) == 0 or np.ptp(values) == 0:
            continue
        rho = stats.spearmanr(x, values).statistic
        rows.append((name, float(rho)))
    table = pd.DataFrame(rows, columns=["parameter", "spearman"])
    return table.reindex(table["spearman"].abs().sort_values(ascending=False).index).reset_index(
        drop=True
    )


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


def _one_sided(condition: Condition, threshold: float) -> Condition:
    """``between`` split into its two edges; other conditions as they are."""
    if condition.op != "between":
        return condition
    return Condition(op=">=" if threshold == condition.low else "<=", value=threshold)


def probability_curve(claim: Claim, evaluator: Evaluator, samples: pd.DataFrame) -> pd.DataFrame:
    """P(condition met by year y) for each year up to the claim's year."""
    years = evaluator.years_until(claim.metric.year)
    met = claim.holds_if.holds(evaluator(samples, years))
    by_year = np.maximum.accumulate(met, axis=1).mean(axis=0)
    return pd.DataFrame({"year": years, "probability": by_year})


def stress_claim(
    claim: Claim,
    claim_file: Path,
    dataset: Dataset,
    *,
    samples: int = 500,
    seed: int = 0,
    ci_width: float = 0.05,
    max_samples: int = 8000,
    n_breakeven: int = 3,
    overrides: list[str] | None = None,
) -> ClaimResult:
    """Stress-test one claim (past claims: a recomputation from the data); ``overrides`` change
    a future claim's world as ``--set`` does (:class:`ClaimWorld`)."""
    if claim.scenario is None:
        try:
            value = past_metric(dataset, claim.metric)
        except ScenariosError as exc:
            raise in_file(exc, str(claim_file)) from None
        return ClaimResult(claim, np.array([value]), claim.holds_if.holds(np.array([value])))
    evaluator = Evaluator(claim, claim_file, dataset, overrides)
    matrix, values, holds = sample_until(
        claim, evaluator, n=samples, seed=seed, ci_width=ci_width, max_samples=max_samples
    )
    result = ClaimResult(claim, values, holds, matrix, drivers(matrix, values))
    leading = [p for p in result.drivers["parameter"].head(n_breakeven)]
    result.breakevens = [
        breakeven(evaluator, evaluator.dists, p, t, _one_sided(claim.holds_if, t))
        for p in leading
        for t in claim.holds_if.thresholds
    ]
    result.box_outcome = "fails" if holds.mean() >= 0.5 else "holds"
    result.box = find_box(matrix, ~holds if result.box_outcome == "fails" else holds)
    if claim.metric.by_year:
        result.curve = probability_curve(claim, evaluator, matrix)
    return result


def stress(
    path: str | Path,
    *,
    samples: int = 500,
    seed: int = 0,
    ci_width: float = 0.05,
    max_samples: int = 8000,
    dataset: Dataset | None = None,
    overrides: list[str] | None = None,
) -> list[ClaimResult]:
    """Stress-test every claim in a claim file.

    ``overrides`` (``dotted.path=value``) change each future claim's scenario as ``--set``
    does: a policy lever the scenario alone, any other key its reference too; a sampled key is
    held at the value.

    Example
    -------
    >>> results = stress("configs/claims/itif_full45.yaml")   # doctest: +SKIP
    >>> print(results[0].verdict)                              # doctest: +SKIP
    """
    check_option(samples, "--samples", minimum=1)
    check_option(max_samples, "--max-samples", minimum=1)
    check_option(ci_width, "--ci-width", minimum=0, maximum=1, integer=False, above=True)
    check_seed(seed)
    path = resolve_claim_path(path)
    claim_file: ClaimFile = load_claims(path)
    dataset = dataset or load_dataset()
    return [
        stress_claim(
            c,
            path,
            dataset,
            samples=samples,
            seed=seed,
            ci_width=ci_width,
            max_samples=max_samples,
            overrides=overrides,
        )
        for c in claim_file.claims
    ]


def summary_table(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per claim: probability, interval, futures, recomputed and published values, verdict."""
    rows = []
    for r in results:
        low, high = r.interval
        rows.append(
            {
                "claim": r.claim.id,
                "scenario": r.claim.scenario or "(data)",
                "probability": r.probability,
                "ci_low": low,
                "ci_high": high,
                "n": r.n,
                "metric_p50": float(np.median(r.values)),
                "published": r.claim.published,
                "source": r.claim.source,
                "verdict": r.verdict,
            }
        )
    return pd.DataFrame(rows)


def driver_table(results: list[ClaimResult]) -> pd.DataFrame:
    """Spearman drivers of every claim, long format."""
    frames = [r.drivers.assign(claim=r.claim.id) for r in results if len(r.drivers)]
    columns = ["claim", "parameter", "spearman"]
    return (
        pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    )


def breakeven_table(results: list[ClaimResult]) -> pd.DataFrame:
    """Every breakeven: claim, parameter, threshold, value (empty: never flips), range, residual."""
    rows = [
        {
            "claim": r.claim.id,
            "parameter": b.parameter,
            "threshold": b.threshold,
            "breakeven": b.value,
            "range_low": b.low,
            "range_high": b.high,
            "residual_at_breakeven": b.residual,
        }
        for r in results
        for b in r.breakevens
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "claim",
            "parameter",
            "threshold",
            "breakeven",
            "range_low",
            "range_high",
            "residual_at_breakeven",
        ],
    )
