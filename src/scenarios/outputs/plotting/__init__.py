"""Plots of scenario results: one module per plot family, each ``(results, *, ax=None) -> Axes``.

Importing this package imports matplotlib; ``import scenarios`` does not import it.
"""

from scenarios.outputs.plotting.cagr import plot_cagr_gap
from scenarios.outputs.plotting.compare import (
    plot_compare_institutes,
    plot_compare_mva,
    plot_compare_mva_delta,
    plot_compare_spend,
)
from scenarios.outputs.plotting.gap import plot_mva_ratio
from scenarios.outputs.plotting.institutes import plot_institutes_active
from scenarios.outputs.plotting.intensity import plot_intensity_index
from scenarios.outputs.plotting.mva import plot_mva_paths
from scenarios.outputs.plotting.spend import plot_spend
from scenarios.outputs.plotting.standard import plot_comparison, plot_run

__all__ = [
    "plot_cagr_gap",
    "plot_compare_institutes",
    "plot_compare_mva",
    "plot_compare_mva_delta",
    "plot_compare_spend",
    "plot_comparison",
    "plot_institutes_active",
    "plot_intensity_index",
    "plot_mva_paths",
    "plot_mva_ratio",
    "plot_run",
    "plot_spend",
]
