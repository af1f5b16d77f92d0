"""Global sensitivity analysis: one adapter over SALib, results as xarray.

Every method samples SALib's design in the unit cube ``[0, 1]^d`` and maps it through each
parameter's ``ppf``, so non-uniform distributions are respected; the analyzers see the
unit-cube design. The model is called once, vectorised, on the whole parameter matrix.

Sobol' indices assume independent parameters: config ``correlations`` are not applied here.

- :mod:`~.methods`: the registry of methods (:data:`METHODS`); :mod:`~.sobol`: Sobol' itself;
- :mod:`~.design`: designs in real units; :mod:`~.indices`: indices of a design's results;
- :mod:`~.study`: a whole analysis with its convergence check;
- :mod:`~.yearly`: indices along yearly paths, and the tornado table.
- :mod:`~.engine_outputs` and :mod:`~.run`: a scenario's outputs and its sensitivity run.
"""

from scenarios.analysis.sensitivity.design import design
from scenarios.analysis.sensitivity.indices import analyze, to_frame
from scenarios.analysis.sensitivity.methods import (
    CHECK_RESAMPLES,
    METHODS,
    OVER_TIME_RESAMPLES,
    RESAMPLES,
    SOBOL_SECOND_ORDER,
    Method,
    Outputs,
)
from scenarios.analysis.sensitivity.study import ConvergenceWarning, SensitivityResult, sensitivity
from scenarios.analysis.sensitivity.yearly import one_at_a_time, over_time, over_time_of

__all__ = [
    "CHECK_RESAMPLES",
    "METHODS",
    "OVER_TIME_RESAMPLES",
    "RESAMPLES",
    "SOBOL_SECOND_ORDER",
    "ConvergenceWarning",
    "Method",
    "Outputs",
    "SensitivityResult",
    "analyze",
    "design",
    "one_at_a_time",
    "over_time",
    "over_time_of",
    "sensitivity",
    "to_frame",
]
