"""The Python API; the command line is a thin layer over these functions.

>>> import scenarios
>>> result = scenarios.run("nnmi_full45")
>>> result.results["mva"].sel(country="USA", year=2035).item()   # doctest: +SKIP
"""

from __future__ import annotations

import importlib.metadata
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scenarios import __version__
from scenarios.config.checks import check_spec
from scenarios.config.load import apply_overrides, available_configs, config_hash, load_raw, resolve_config_path, validate
from scenarios.config.schema import Spec
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ConfigError
from scenarios.metrics import compute_metrics, delta_metrics
from scenarios.model.engine import run_model
from scenarios.model.inputs import Inputs, build_inputs
from scenarios.results import read_results, to_dataset, write_json, write_netcdf, write_run

DEPENDENCIES = ("numpy", "scipy", "pandas", "xarray", "SALib", "pydantic", "h5netcdf")


@dataclass
class Run:
    """One scenario run: the resolved spec, the results dataset and the metrics table."""

    spec: Spec
    results: xr.Dataset
    metrics: pd.DataFrame
    inputs: Inputs
    config_file: str
    samples: pd.DataFrame | None = None
    seconds: float = 0.0
    reference: Run | None = field(default=None, repr=False)

    @property
    def summary(self) -> pd.DataFrame:
        """The headline metrics, one row each (the terminal summary and summary.csv)."""
        return headline(self.metrics)


def load_config(name_or_path: str | Path, overrides: list[str] | None = None) -> Spec:
    """Load a scenario config (a path or a shipped name), apply overrides, validate.

    Raises
    ------
    ConfigError
        Naming the file, key path, bad value and a hint for every problem.
    """
    path = resolve_config_path(name_or_path)
    spec = validate(apply_overrides(load_raw(path), overrides or []), file=str(path))
    check_spec(spec, file=str(path))
    _uncertainties(spec, str(path))
    return spec


def _uncertainties(spec: Spec, file: str | None) -> dict:
    from scenarios.sampling import validate_uncertainties

    return validate_uncertainties(spec.uncertainties, file=file)


def draw_samples(spec: Spec, n: int, *, seed: int | None = None, method: str = "random",
                 file: str | None = None) -> pd.DataFrame:
    """The parameter matrix of an ensemble: one column per uncertain dotted path."""
    from scenarios.sampling import sample

    if n < 1:
        raise ConfigError("the number of samples must be at least 1", path="--samples", value=n)
    if not spec.uncertainties:
        raise ConfigError("this config declares no uncertainties to sample", file=file, path="uncertainties",
                          hint="add e.g. 'uncertainties: {impact.rho: {dist: uniform, low: 0.1, high: 0.6}}'")
    correlation = spec.correlations or None
    return sample(_uncertainties(spec, file), n, method=method, seed=spec.seed if seed is None else seed,
                  correlation=correlation)


def run(
    config: str | Path | Spec,
    *,
    overrides: list[str] | None = None,
    samples: int | pd.DataFrame | None = None,
    seed: int | None = None,
    method: str = "random",
    dataset: Dataset | None = None,
    with_reference: bool = True,
) -> Run:
    """Run a scenario: deterministic (point values) or an ensemble over its uncertainties.

    Parameters
    ----------
    config
        A config path, a shipped config name, or a loaded :class:`Spec`.
    overrides
        ``dotted.path=value`` strings applied before validation.
    samples
        None for one deterministic run; an int for an ensemble of that size drawn from the
        config's ``uncertainties``; or a ready parameter matrix (columns are dotted paths).
    seed
        Overrides the config's seed.
    method
        Ensemble design: ``random``, ``lhs`` or ``sobol``.
    with_reference
        Also run the config's ``reference`` scenario (same samples) and add delta metrics.
    """
    started = time.perf_counter()
    file = str(resolve_config_path(config)) if not isinstance(config, Spec) else "<Spec>"
    spec = config if isinstance(config, Spec) else load_config(config, overrides)
    if seed is not None:
        spec = spec.model_copy(update={"seed": seed})
    dataset = dataset or load_dataset(spec.data.path)
    inputs = build_inputs(spec, dataset)
    matrix = draw_samples(spec, samples, method=method, file=file) if isinstance(samples, int) else samples
    results = to_dataset(spec, inputs, run_model(spec, inputs, matrix), matrix)
    results.attrs.update(config_file=file, config_hash=config_hash(spec))
    metrics = compute_metrics(results, spec.metrics)
    reference = None
    if with_reference and spec.reference:
        reference = _run_reference(spec, file, matrix, dataset)
        metrics = pd.concat([metrics, _deltas(results, reference, spec)], ignore_index=True)
    return Run(spec, results, metrics, inputs, file, matrix, time.perf_counter() - started, reference)


def _run_reference(spec: Spec, file: str, matrix: pd.DataFrame | None, dataset: Dataset) -> Run:
    beside = Path(file).parent / f"{spec.reference}.yaml"
    ref_spec = load_config(beside if beside.exists() else spec.reference)
    ref_spec = ref_spec.model_copy(update={"seed": spec.seed, "horizon": spec.horizon, "base_year": spec.base_year})
    shared = None if matrix is None else matrix[[c for c in matrix.columns if c in ref_spec.uncertainties]]
    if shared is not None and shared.shape[1] == 0:
        shared = None
    return run(ref_spec, samples=shared, dataset=dataset, with_reference=False)


def _deltas(results: xr.Dataset, reference: Run, spec: Spec) -> pd.DataFrame:
    if set(results["country"].values) != set(reference.results["country"].values) or \
            list(results["program"].values) != list(reference.results["program"].values):
        raise ConfigError(f"reference scenario {spec.reference!r} models other countries or programs",
                          path="reference", value=spec.reference, hint="extend the same parent config")
    if reference.results.sizes["sample"] not in (1, results.sizes["sample"]):
        raise ConfigError("reference ensemble size differs", path="reference", value=spec.reference)
    ref = reference.results
    if ref.sizes["sample"] == 1 and results.sizes["sample"] > 1:
        ref = ref.isel(sample=np.zeros(results.sizes["sample"], dtype=int)).assign_coords(sample=results["sample"])
    return delta_metrics(results, ref, spec.metrics)


HEADLINE = ("mva", "cagr", "cagr_gap", "institutes_active", "spend_federal_cumulative", "bcr", "delta_mva")


def headline(metrics: pd.DataFrame) -> pd.DataFrame:
    """The headline rows of a metrics table (central statistic only)."""
    central = metrics["statistic"].isin(["value", "p50"])
    keep = metrics["metric"].isin(HEADLINE) & central
    return metrics.loc[keep].reset_index(drop=True)


def manifest(run_: Run) -> dict:
    """Everything needed to re-run: resolved config, hash, seed, versions, data vintage, timing."""
    versions = {}
    for name in DEPENDENCIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "scenario": run_.spec.name,
        "config_file": run_.config_file,
        "config": run_.spec.model_dump(mode="json"),
        "config_hash": config_hash(run_.spec),
        "seed": run_.spec.seed,
        "n_samples": int(run_.results.sizes["sample"]),
        "package_version": __version__,
        "dependencies": versions,
        "data_vintage": run_.inputs.data_vintage,
        "data_hash": run_.inputs.data_hash,
        "base_year": int(run_.inputs.base_year),
        "run_seconds": round(run_.seconds, 4),
    }


def save(run_: Run, out_dir: str | Path = "runs", *, plots: bool = True) -> Path:
    """Write ``<out_dir>/<name>/`` atomically: results.nc, metrics.csv, summary.csv, manifest.json
    (and the plots, report.html and IAMC export when ``plots``)."""
    writers = {
        "results.nc": lambda p: write_netcdf(run_.results, p),
        "metrics.csv": lambda p: run_.metrics.to_csv(p, index=False),
        "summary.csv": lambda p: run_.summary.to_csv(p, index=False),
        "manifest.json": lambda p: write_json(manifest(run_), p),
    }
    if plots:
        writers["plots"] = lambda p: _write_visuals(run_, p)
    return write_run(Path(out_dir) / run_.spec.name, writers)


def _write_visuals(run_: Run, plots_dir: Path) -> None:
    """plots/*.png, then report.html and iamc.csv/xlsx beside the plots folder."""
    from scenarios.iamc import write_iamc
    from scenarios.plotting import plot_run
    from scenarios.report import write_report

    plots_dir.mkdir()
    figures = plot_run(run_.results, run_.metrics, plots_dir)
    config_text = Path(run_.config_file).read_text() if Path(run_.config_file).exists() else ""
    write_report(plots_dir.parent / "report.html", results=run_.results, metrics=run_.metrics,
                 config_text=config_text, plots=figures)
    write_iamc(run_.results, plots_dir.parent)


def load_run(run_dir: str | Path) -> xr.Dataset:
    """The results dataset of a finished run folder."""
    return read_results(run_dir)
