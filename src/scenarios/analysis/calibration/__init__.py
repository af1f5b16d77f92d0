"""Calibration of the baseline growth components on observed MVA, and backtests out of sample:
:mod:`~.fit` (one component, one series), :mod:`~.config_fit` (every country of a config) and
:mod:`~.backtesting` (scores against naive benchmarks)."""

from scenarios.analysis.calibration.backtesting import (
    backtest,
    backtest_paths,
    naive_rates,
    score_backtest,
)
from scenarios.analysis.calibration.config_fit import CalibrationResult, calibrate
from scenarios.analysis.calibration.fit import (
    Fit,
    cagr,
    fit_growth,
    growth_rates,
    log_path,
    mape,
    project,
    reanchor,
)

__all__ = [
    "CalibrationResult",
    "Fit",
    "backtest",
    "backtest_paths",
    "cagr",
    "calibrate",
    "fit_growth",
    "growth_rates",
    "log_path",
    "mape",
    "naive_rates",
    "project",
    "reanchor",
    "score_backtest",
]
