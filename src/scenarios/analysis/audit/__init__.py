"""The published-figure audit: every figure of the sources that the data can reach, recomputed.

Figures are data (``data/published_figures.yaml``): the number as printed, its unit and qualifier,
and a structured recipe (a kind of computation, its countries and years, never ``eval``). Each
figure is recomputed on the basis its source states (the headline) and on every alternative an
analyst would try: each edition and source of the series, current and constant prices, the years
shifted one each way and, for shares of the world, each world total (the UN's countries summed,
or the World Bank's World as published). A figure *reproduces* when the headline recomputation
lies in the interval its printed precision allows ("1.5" is [1.45, 1.55)).

`registry` is the schema of the figures file, `recompute` the kinds of figure and the bases they
are recomputed on, and `compare` loads the registry and compares each recomputation with the
printed number (`audit`).
"""

from scenarios.analysis.audit.compare import COLUMNS, audit, audit_figure, load_registry
from scenarios.analysis.audit.recompute import (
    KINDS,
    SHIFTS,
    UNIT_SCALE,
    Basis,
    Compute,
    Data,
    Kind,
    alternatives,
    cagr,
    evaluate,
    growth,
    headline,
    per_capita,
    share,
)
from scenarios.analysis.audit.registry import REGISTRY, Figure, Input, Recipe, Registry

__all__ = [
    "COLUMNS",
    "KINDS",
    "REGISTRY",
    "SHIFTS",
    "UNIT_SCALE",
    "Basis",
    "Compute",
    "Data",
    "Figure",
    "Input",
    "Kind",
    "Recipe",
    "Registry",
    "alternatives",
    "audit",
    "audit_figure",
    "cagr",
    "evaluate",
    "growth",
    "headline",
    "load_registry",
    "per_capita",
    "share",
]
