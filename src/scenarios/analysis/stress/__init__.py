"""Stress-testing claims: probability with an interval (sampling adaptively), the assumptions
that drive the claim's metric, breakeven values, and PRIM boxes describing where it fails.

`evaluator` computes a claim's metric over sampled futures and samples until the interval is
narrow enough, `breakevens` finds where an assumption flips the claim, `run` stress-tests a claim
or a claim file, and `outcome` holds the result and its tables.
"""

from scenarios.analysis.stress.breakevens import GRID_POINTS, breakeven
from scenarios.analysis.stress.evaluator import (
    ClaimWorld,
    Evaluator,
    claim_outcome,
    drivers,
    held_keys,
    probability_curve,
    sample_until,
    scenario_path,
)
from scenarios.analysis.stress.outcome import (
    Breakeven,
    ClaimResult,
    breakeven_table,
    driver_table,
    summary_table,
)
from scenarios.analysis.stress.run import stress, stress_claim

__all__ = [
    "GRID_POINTS",
    "Breakeven",
    "ClaimResult",
    "ClaimWorld",
    "Evaluator",
    "breakeven",
    "breakeven_table",
    "claim_outcome",
    "driver_table",
    "drivers",
    "held_keys",
    "probability_curve",
    "sample_until",
    "scenario_path",
    "stress",
    "stress_claim",
    "summary_table",
]
