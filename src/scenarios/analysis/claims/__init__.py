"""Claims: structured, testable statements of policy arguments (never ``eval``).

A claim names a metric (future: computed on a scenario's results, per sample; past: computed on the
data), a condition, and the source it comes from. `language` is what a claim may say, `parse`
reads and checks claim files, and `future` and `past` evaluate a claim's metric;
:mod:`scenarios.analysis.stress` turns that into probabilities, breakevens and PRIM boxes.
"""

from scenarios.analysis.claims.future import (
    FUTURE_METRICS,
    countries_read,
    future_metric,
    future_metric_by_year,
    metric_argument_problems,
    policy_effect,
    wilson_interval,
)
from scenarios.analysis.claims.language import (
    OPS,
    UNITS,
    Claim,
    ClaimFile,
    Condition,
    MetricRef,
    metric_label,
)
from scenarios.analysis.claims.parse import load_claims, resolve_claim_path, shipped_claim_files
from scenarios.analysis.claims.past import PAST_METRICS, past_metric

__all__ = [
    "FUTURE_METRICS",
    "OPS",
    "PAST_METRICS",
    "UNITS",
    "Claim",
    "ClaimFile",
    "Condition",
    "MetricRef",
    "countries_read",
    "future_metric",
    "future_metric_by_year",
    "load_claims",
    "metric_argument_problems",
    "metric_label",
    "past_metric",
    "policy_effect",
    "resolve_claim_path",
    "shipped_claim_files",
    "wilson_interval",
]
