"""Sensitivity analysis of a scenario: what is analysed, one engine call per design.

The package's SALib adapter knows nothing of the engine. `engine_outputs` names the outputs in the
vocabulary of claims (:class:`scenarios.analysis.claims.MetricRef`) and evaluates them for a
parameter matrix with runs of the scenario and of its reference scenario, a block of rows at a
time (:func:`scenarios.analysis.blockwise.evaluate`); :mod:`scenarios.outputs.sensitivity` writes
``runs/<name>_sensitivity/``.

Example
-------
>>> from scenarios.analysis.sensitivity.run import run_sensitivity
>>> result = run_sensitivity("nnmi_full45", "sobol", 1024, seed=1)      # doctest: +SKIP
>>> result.to_frame()                                                    # doctest: +SKIP
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis import runs, sensitivity as gsa
from scenarios.analysis.claims import MetricRef
from scenarios.analysis.sampling import Distribution, validate_uncertainties
from scenarios.analysis.sensitivity.engine_outputs import (
    GAP_PATH,
    PATH_PREFIX,
    UNITS,
    US_PROGRAM,
    EngineOutputs,
    key_outputs,
    output_name,
    output_units,
    parse_output,
)
from scenarios.config.checks import check_seed
from scenarios.config.load import resolve_config_path
from scenarios.config.schema import Spec
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ConfigError
from scenarios.progress import steps
from scenarios.results import MONEY

# the names of engine_outputs are found here too, beside the run that measures them
__all__ = [
    "GAP_PATH",
    "PATH_PREFIX",
    "UNITS",
    "US_PROGRAM",
    "EngineOutputs",
    "SensitivityRun",
    "convergence_table",
    "drivers",
    "key_outputs",
    "output_name",
    "output_units",
    "parse_output",
    "run_sensitivity",
]


@dataclass(frozen=True)
class SensitivityRun:
    """A scenario's sensitivity analysis, ready to be written.

    Attributes
    ----------
    spec : Spec
        The scenario analysed.
    config_file : str
        Its config file (``"<Spec>"`` for a spec passed in).
    method, n, seed
        The SALib method, base sample size and seed.
    dists : dict
        The uncertain parameters and their distributions.
    analysis : scenarios.analysis.sensitivity.SensitivityResult
        Indices (with a ``units`` coordinate on ``output``), convergence check, design, outputs.
    over_time : xarray.Dataset or None
        Indices of the yearly paths (US MVA or its gain vs the reference, CHN-USA MVA gap).
    tornado : pandas.DataFrame
        One-at-a-time swings, see :func:`scenarios.analysis.sensitivity.one_at_a_time`.
    warnings : tuple of str
        Convergence warnings and caveats, shown on the terminal and in the report.
    timings : dict
        Seconds: ``model`` (engine on the full design), ``analysis`` (SALib, with the convergence
        checkpoints), ``over_time``, ``tornado``, ``total``.
    """

    spec: Spec
    config_file: str
    method: str
    n: int
    seed: int
    dists: dict[str, Distribution]
    analysis: gsa.SensitivityResult
    over_time: xr.Dataset | None
    tornado: pd.DataFrame
    warnings: tuple[str, ...]
    timings: dict[str, float]

    @property
    def indices(self) -> xr.Dataset:
        """Dims ``(output, parameter)``, see :func:`scenarios.analysis.sensitivity.analyze`."""
        return self.analysis.indices

    @property
    def name(self) -> str:
        """Folder name: ``<scenario>_sensitivity``."""
        return f"{self.spec.name}_sensitivity"

    def to_frame(self) -> pd.DataFrame:
        """Tidy indices: ``output, parameter, index, value, conf, units`` (indices.csv)."""
        frame = gsa.to_frame(self.indices)
        return frame.assign(units=frame["output"].map(self.indices["units"].to_series()))


def _units(ds: xr.Dataset, units: dict[str, str]) -> xr.Dataset:
    return ds.assign_coords(units=("output", [units[str(o)] for o in ds["output"].to_numpy()]))


def run_sensitivity(
    config: str | Path | Spec,
    method: str = "sobol",
    n: int = 1024,
    *,
    seed: int | None = None,
    outputs: Sequence[MetricRef | str] = (),
    overrides: list[str] | None = None,
    dataset: Dataset | None = None,
    over_time: bool = True,
    second_order: bool = False,
    scheduler: str | None = None,
) -> SensitivityRun:
    """Global sensitivity analysis of a scenario's key outputs over its ``uncertainties``.

    Parameters
    ----------
    config : str, Path or Spec
        A config path, a shipped config name, or a loaded spec.
    method : str
        A key of :data:`scenarios.analysis.sensitivity.METHODS`.
    n : int
        Base sample size (Sobol': a power of 2; the design has ``n (2 d + 2)`` rows).
    seed : int, optional
        Seeds the design and the bootstrap; default the config's seed.
    outputs : sequence of MetricRef or str
        Outputs besides :func:`key_outputs`; strings as in :func:`parse_output`.
    overrides : list of str, optional
        ``dotted.path=value`` overrides of the config.
    dataset : Dataset, optional
        Default: the config's dataset.
    over_time : bool
        Also compute the indices of every projected year of the yearly paths (from the same
        model results: no extra engine run).
    second_order : bool
        Sobol' only: also second-order indices (a design of ``n (2 d + 2)`` rows, not
        ``n (d + 2)``, and a slower analysis).
    scheduler : str, optional
        A dask.distributed scheduler address (``tcp://host:8786``): the design's blocks run on
        that cluster, with the same numbers.

    Returns
    -------
    SensitivityRun

    Raises
    ------
    ConfigError
        For an unknown method, a bad ``n``, a config without uncertainties or a bad output.
    """
    started = time.perf_counter()
    if seed is not None:
        check_seed(seed)
    file = "<Spec>" if isinstance(config, Spec) else str(resolve_config_path(config))
    spec = config if isinstance(config, Spec) else runs.load_config(config, overrides)
    seed = spec.seed if seed is None else seed
    held = runs.held_keys(spec, overrides or [])
    dists = {
        k: v
        for k, v in validate_uncertainties(spec.uncertainties, file=file).items()
        if k not in held
    }
    if not dists:
        raise ConfigError(
            "--set holds every uncertain parameter: nothing is left to analyse",
            file=file,
            path="--set",
            value=list(held),
            hint="leave at least one of the config's uncertainties free",
        )
    refs = [parse_output(o) if isinstance(o, str) else o for o in outputs]
    refs = list({output_name(r): r for r in [*key_outputs(spec), *refs]}.values())
    engine = EngineOutputs(
        spec, file, refs, dataset or load_dataset(spec.data.path), scheduler, overrides
    )
    model_seconds: list[float] = []
    paths: list[dict[str, np.ndarray]] = []

    def evaluate(params: pd.DataFrame) -> dict[str, np.ndarray]:
        tic = time.perf_counter()
        values, yearly = engine(params)
        model_seconds.append(time.perf_counter() - tic)
        paths.append(yearly)  # the first call is the full design; FAST adds checkpoint designs
        return values

    notes = [f"{key} is held by --set: it is left out of the analysis" for key in held]
    if spec.correlations:
        notes.append(
            "config correlations are not applied: the indices assume independent parameters"
        )
    tic = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", gsa.ConvergenceWarning)
        with steps(f"{method}: design, runs and indices", total=None):
            analysis = gsa.sensitivity(
                dists, evaluate, method, n, seed=seed, second_order=second_order
            )
    analysis_seconds = time.perf_counter() - tic - sum(model_seconds)
    for w in caught:
        if issubclass(w.category, gsa.ConvergenceWarning):
            notes.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    units = {output_name(r): output_units(r) for r in refs}
    analysis = replace(
        analysis, indices=_never_notes(_units(analysis.indices, units), refs, spec.horizon)
    )
    tic = time.perf_counter()
    yearly = (
        _over_time(analysis, paths[0], engine.years, method, second_order) if over_time else None
    )
    over_time_seconds, tic = time.perf_counter() - tic, time.perf_counter()
    tornado = gsa.one_at_a_time(dists, lambda p: engine(p)[0])
    timings = {
        "model": model_seconds[0],
        "analysis": analysis_seconds,
        "over_time": over_time_seconds,
        "tornado": time.perf_counter() - tic,
        "total": time.perf_counter() - started,
    }
    return SensitivityRun(
        spec, file, method, n, seed, dists, analysis, yearly, tornado, tuple(notes), timings
    )


def _never_notes(indices: xr.Dataset, refs: Sequence[MetricRef], horizon: int) -> xr.Dataset:
    """A crossover that happens in no sample is "not by <horizon>", not a constant year."""
    crossovers = {output_name(r) for r in refs if r.name == "crossover_year"}
    never = (
        f"not by {horizon} in any sample: no assumption within its range brings the crossover "
        "inside the horizon; indices are undefined"
    )
    notes = [
        never if out in crossovers and f"output is constant ({horizon + 1})" in note else note
        for out, note in zip(indices["output"].to_numpy(), indices["note"].to_numpy(), strict=True)
    ]
    return indices.assign_coords(note=("output", notes))


def _over_time(
    analysis: gsa.SensitivityResult,
    paths: dict[str, np.ndarray],
    years: np.ndarray,
    method: str,
    second_order: bool,
) -> xr.Dataset:
    """Indices of each projected year, from the paths already computed on the same design."""
    yearly = gsa.over_time_of(analysis, paths, years, method, second_order=second_order)
    return _units(yearly, {k: MONEY for k in paths})


def convergence_table(run: SensitivityRun) -> pd.DataFrame:
    """The main indices at n/4, n/2 and n side by side (convergence.csv).

    Columns ``output, parameter, index, n=.., n=.., n=.., change, converged``; ``change`` is the
    absolute change from n/2 to n, ``converged`` the adapter's verdict for the output.
    """
    long = run.analysis.convergence
    if long.empty:
        return long
    wide = long.pivot_table(
        index=["output", "parameter", "index"],
        columns="n",
        values="value",
        aggfunc="first",
        sort=False,
    )
    wide.columns = [f"n={c}" for c in wide.columns]
    wide["change"] = (wide.iloc[:, -1] - wide.iloc[:, -2]).abs()
    wide = wide.reset_index()
    return wide.assign(converged=wide["output"].map(run.analysis.converged))


def drivers(run: SensitivityRun, top: int = 3) -> pd.DataFrame:
    """The leading parameters of each output, ranked by the method's last main index (Sobol': ST).

    Parameters whose index is below 1 % of the output's largest are left out.

    Returns
    -------
    pandas.DataFrame
        ``output, rank, parameter`` and each main index with its ``_conf`` half-width.
    """
    ds, main = run.indices, gsa.METHODS[run.method].main
    rows = []
    for output in ds["output"].to_numpy():
        ranked = ds[main[-1]].sel(output=output).to_series().dropna()
        ranked = ranked[ranked >= 0.01 * ranked.max()].sort_values(ascending=False, kind="stable")
        for rank, parameter in enumerate(ranked.index[:top], 1):
            row = {"output": output, "rank": rank, "parameter": parameter}
            for k in (k for name in main for k in (name, f"{name}_conf") if k in ds):
                row[k] = float(ds[k].sel(output=output, parameter=parameter))
            rows.append(row)
    return pd.DataFrame(rows, columns=["output", "rank", "parameter"] if not rows else None)
