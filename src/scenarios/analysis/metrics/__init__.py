"""Metrics on result datasets: CAGR, gaps, ratios, shares, crossover years, intensity, BCR, deltas.

Each metric function takes a results ``xarray.Dataset`` and returns a ``DataArray`` over ``sample``
(and sometimes ``country``). :func:`compute_metrics` gathers the configured set into the long
``metrics.csv`` table: ``scenario, metric, country, start, end, statistic, value, units``.

`measures` holds the metric functions, `sets` the metrics a run reports (as configured), and
`table` their statistics in the long table, the deltas and the headline.
"""

from scenarios.analysis.metrics.measures import (
    WORLD,
    benefit_cost_ratio,
    cagr,
    cagr_gap,
    crossover_year,
    intensity_index,
    mva_ratio,
    program_intensity,
    world_share,
)
from scenarios.analysis.metrics.sets import SPEND, Metric, bcr_metrics, metric_deltas, metric_set
from scenarios.analysis.metrics.table import (
    COLUMNS,
    HEADLINE,
    LONG_NAMES,
    QUANTILES,
    compute_metrics,
    delta_metrics,
    headline,
    long_name,
    point_vs_ensemble,
    summarize,
)

__all__ = [
    "COLUMNS",
    "HEADLINE",
    "LONG_NAMES",
    "QUANTILES",
    "SPEND",
    "WORLD",
    "Metric",
    "bcr_metrics",
    "benefit_cost_ratio",
    "cagr",
    "cagr_gap",
    "compute_metrics",
    "crossover_year",
    "delta_metrics",
    "headline",
    "intensity_index",
    "long_name",
    "metric_deltas",
    "metric_set",
    "mva_ratio",
    "point_vs_ensemble",
    "program_intensity",
    "summarize",
    "world_share",
]
