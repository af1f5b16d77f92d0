"""Uncertain parameters: distributions, unit-cube designs, rank correlation."""

from scenarios.analysis.sampling.correlation import correlation_matrix, impose_rank_correlation
from scenarios.analysis.sampling.designs import DESIGNS, sample, to_params, unit_sample
from scenarios.analysis.sampling.distributions import (
    DISTRIBUTIONS,
    TAIL,
    Beta,
    Choice,
    Distribution,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    check_positive,
    validate_uncertainties,
)

__all__ = [
    "DESIGNS",
    "DISTRIBUTIONS",
    "TAIL",
    "Beta",
    "Choice",
    "Distribution",
    "LogNormal",
    "Normal",
    "Pert",
    "Triangular",
    "Uniform",
    "check_positive",
    "correlation_matrix",
    "impose_rank_correlation",
    "sample",
    "to_params",
    "unit_sample",
    "validate_uncertainties",
]
