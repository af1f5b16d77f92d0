"""The engine driven by EMA Workbench: one call of :func:`scenarios.model.engine.run_model` per
experiment, as EMA Workbench runs a model.

The experiments are the engine's own parameter matrix (one EMA ``Scenario`` per row), so that
both sides compute the same ensemble and :func:`run` can check EMA's outcomes against the
vectorized engine. Every one of the engine's 24 arrays is an ``ArrayOutcome`` (years base..horizon).
EMA Workbench is an optional benchmark dependency (``pip install ".[bench]"``); :func:`available`
says why it cannot be used when it is not.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from scenarios.model.engine import run_model

_MODEL: dict = {}  # spec, inputs and the parameter names; set before the evaluator starts (forked workers inherit it)


def available() -> str | None:
    """None when ema_workbench imports, else the reason it does not."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # its optional back ends (ipyparallel, mpi) warn on import
            import ema_workbench  # noqa: F401
    except Exception as exc:  # any failure to import is a reason to skip the row
        return (
            f"ema_workbench does not import ({type(exc).__name__}: {exc}); pip install '.[bench]'"
        )
    return None


def _name(path: str) -> str:
    """An EMA parameter name for a dotted path (EMA passes parameters as keyword arguments)."""
    return path.replace(".", "__")


def _outcomes(out) -> dict[str, np.ndarray]:
    """The engine's 24 arrays of one sample, by outcome name."""
    arrays = {
        f"{table}__{c}": getattr(out, table)[c]
        for table in ("mva", "mva_baseline", "capital")
        for c in out.mva
    }
    arrays |= {
        f"{key}__{f}": getattr(result, f)
        for key, result in out.programs.items()
        for f in ("launched", "active", "spend_federal", "spend_total")
    }
    return arrays


def model_function(**experiment: float) -> dict[str, np.ndarray]:
    """One experiment: the engine on a one-row parameter matrix; its arrays as outcomes."""
    paths = _MODEL["paths"]
    row = pd.DataFrame({path: [experiment[_name(path)]] for path in paths})
    out = run_model(_MODEL["spec"], _MODEL["inputs"], row)
    return {name: values[0] for name, values in _outcomes(out).items()}


def run(spec, inputs, matrix: pd.DataFrame, processes: int | None = None) -> dict:
    """EMA Workbench on the rows of ``matrix``: sequential (``processes`` None) or its
    multiprocessing evaluator. Returns the seconds of the experiments (the worker pool's start
    apart, as ``pool_start_s``), experiments per second and the largest relative difference of
    its outcomes from the vectorized engine's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import (
            ArrayOutcome,
            Model,
            MultiprocessingEvaluator,
            RealParameter,
            Scenario,
            SequentialEvaluator,
        )
    paths = list(matrix.columns)
    _MODEL.update(spec=spec, inputs=inputs, paths=paths)
    reference = run_model(spec, inputs, matrix)
    names = list(_outcomes(reference))
    model = Model("scenarios", function=model_function)
    model.uncertainties = [
        RealParameter(_name(p), float(matrix[p].min()), float(matrix[p].max()) + 1e-12)
        for p in paths
    ]
    model.outcomes = [ArrayOutcome(name) for name in names]
    experiments = [
        Scenario(name=i, **{_name(p): float(v) for p, v in zip(paths, row, strict=True)})
        for i, row in enumerate(matrix.to_numpy())
    ]
    evaluator = (
        SequentialEvaluator(model)
        if processes is None
        else MultiprocessingEvaluator(model, n_processes=processes)
    )
    opened = time.perf_counter()
    with evaluator:  # a multiprocessing evaluator starts its worker pool here
        started = time.perf_counter()
        design, outcomes = evaluator.perform_experiments(scenarios=experiments, log_progress=True)
        seconds = time.perf_counter() - started
    start_up = started - opened
    order = np.argsort(design["scenario"].astype(int).to_numpy())  # the rows as EMA returned them
    expected = dict(zip(names, _outcomes(reference).values(), strict=True))
    worst = max(
        float(
            np.max(
                np.abs(outcomes[name][order] - expected[name])
                / np.maximum(np.abs(expected[name]), 1e-300)
            )
        )
        for name in names
    )
    return {
        "experiments": len(matrix),
        "processes": processes or 1,
        "seconds": seconds,
        "pool_start_s": start_up,
        "experiments_per_s": len(matrix) / seconds,
        "max_rel_diff_from_engine": worst,
    }
