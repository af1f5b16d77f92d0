"""Probability distributions of uncertain parameters, as validated config models.

Every distribution maps unit-cube values to parameter values through ``ppf``; samplers draw
in the unit cube and call ``ppf`` once (see :mod:`scenarios.analysis.sampling.designs`).

Config form (one entry per dotted parameter path)::

    uncertainties:
      programs.manufacturing_usa.cost_per_institute: {dist: uniform, low: 55, high: 140}
      impact.rho: {dist: normal, mean: 0.3, sd: 0.1, low: 0.0, high: 1.0}

`families` defines the distributions; `validation` turns a config's ``uncertainties`` mapping
into them, with problems that name the key and what would be valid.
"""

from scenarios.analysis.sampling.distributions.families import (
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
)
from scenarios.analysis.sampling.distributions.validation import (
    check_positive,
    did_you_mean,
    validate_uncertainties,
)

__all__ = [
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
    "did_you_mean",
    "validate_uncertainties",
]
