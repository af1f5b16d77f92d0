"""What a stress test finds: a claim's probability, interval, verdict, breakevens; the tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scenarios.analysis.claims import (
    Claim,
    wilson_interval,
)
from scenarios.analysis.discovery import Box


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
