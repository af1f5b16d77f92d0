"""The Python API, a facade that composes the layers below; the command line is a thin layer
over these functions, and nothing below imports this module.

>>> import scenarios
>>> result = scenarios.run("nnmi_full45")
>>> result.results["mva"].sel(country="USA", year=2035).item()   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr
from pydantic import ValidationError

from scenarios.analysis.audit import audit as _audit
from scenarios.analysis.claims import resolve_claim_path
from scenarios.analysis.comparison import check_comparable, delta_table, read_run_folder
from scenarios.analysis.ensemble import run_chunked
from scenarios.analysis.memory import ensemble_bytes, memory_budget
from scenarios.analysis.metrics import HEADLINE, headline
from scenarios.analysis.runs import (
    Run,
    draw_samples,
    load_config,
    manifest,
    off_centre,
    run,
    run_from_manifest,
)
from scenarios.analysis.sensitivity.run import run_sensitivity
from scenarios.analysis.solve import (
    GridSolution,
    Solution,
    check_arguments,
    solve as _solve,
    solve_grid,
)
from scenarios.analysis.stress import (
    stress as _stress,
)
from scenarios.config.load import available_configs
from scenarios.config.schema import MetricSettings, Spec
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ConfigError
from scenarios.files import check_free_space
from scenarios.model.inputs import build_inputs
from scenarios.results import (
    read_results,
    sampled_bytes,
    write_json,
    write_netcdf,
    write_run,
)

__all__ = [
    "HEADLINE",
    "Run",
    "audit",
    "available_configs",
    "compare",
    "draw_samples",
    "headline",
    "load_config",
    "load_run",
    "manifest",
    "off_centre",
    "run",
    "run_ensemble",
    "run_from_manifest",
    "save",
    "save_sensitivity",
    "save_solve",
    "save_stress",
    "sensitivity",
    "solve",
    "stress",
]


def save(
    run_: Run,
    out_dir: str | Path = "runs",
    *,
    plots: bool = True,
    iamc_quantiles: tuple[float, ...] = (0.05, 0.5, 0.95),
) -> Path:
    """Write ``<out_dir>/<name>/`` atomically: results.nc, metrics.csv, summary.csv, manifest.json
    (and the plots, report.html and IAMC export when ``plots``; an ensemble's IAMC export adds
    the ``iamc_quantiles`` as scenarios of their own)."""
    writers = {
        "results.nc": lambda p: write_netcdf(run_.results, p),
        "metrics.csv": lambda p: run_.metrics.to_csv(p, index=False),
        "summary.csv": lambda p: run_.summary.to_csv(p, index=False),
        "manifest.json": lambda p: write_json(manifest(run_), p),
    }
    if plots:
        writers["plots"] = lambda p: _write_visuals(run_, p, iamc_quantiles)
    run_dir = Path(out_dir) / run_.spec.name
    check_free_space(run_dir, run_.results.nbytes, f"the run's results.nc ({run_dir.name})")
    return write_run(run_dir, writers)


def _write_visuals(run_: Run, plots_dir: Path, iamc_quantiles: tuple[float, ...]) -> None:
    """plots/*.png, then report.html and iamc.csv/xlsx beside the plots folder."""
    from scenarios.outputs.iamc import write_iamc
    from scenarios.outputs.plotting import plot_run
    from scenarios.outputs.report import (
        point_section,
        policy_section,
        resolved_yaml,
        write_report,
    )

    plots_dir.mkdir()
    figures = plot_run(run_.results, run_.metrics, plots_dir)
    lead = [] if run_.reference is None else [policy_section(run_.policy, run_.reference.spec.name)]
    if run_.point is not None:
        lead.append(point_section(run_.point))
    write_report(
        plots_dir.parent / "report.html",
        results=run_.results,
        metrics=run_.metrics,
        config_text=resolved_yaml(run_.spec),
        plots=figures,
        lead=lead,
        reference=None if run_.reference is None else run_.reference.spec.name,
    )
    write_iamc(run_.results, plots_dir.parent, quantiles=iamc_quantiles)


def load_run(run_dir: str | Path) -> xr.Dataset:
    """The results dataset of a finished run folder."""
    return read_results(run_dir)


def stress(
    claim_file: str | Path,
    *,
    samples: int = 500,
    seed: int = 0,
    ci_width: float = 0.05,
    max_samples: int = 8000,
    overrides: list[str] | None = None,
):
    """Stress-test every claim of a claim file; see :func:`scenarios.analysis.stress.stress`.

    ``overrides`` (``dotted.path=value``) change each claim's scenario as ``--set`` does (a
    policy lever the scenario alone, any other key its reference too; a sampled key is held).
    """
    return _stress(
        claim_file,
        samples=samples,
        seed=seed,
        ci_width=ci_width,
        max_samples=max_samples,
        overrides=overrides,
    )


def solve(
    claim_file: str | Path,
    claim: str,
    lever: str | list[str],
    *,
    probability: float | list[float] = (0.5, 0.9),
    range: tuple[float, float] | list[tuple[float, float]] | None = None,
    samples: int | None = None,
    seed: int = 0,
    grid: int | None = None,
    refine: int = 4,
) -> Solution | GridSolution:
    """What would it take: the smallest (or largest) value of a policy lever at which a claim
    holds with probability at least ``probability``, and in the point run; with two levers, the
    probability over a grid of both. See :func:`scenarios.analysis.solve.solve` and
    :func:`scenarios.analysis.solve.solve_grid`.

    Parameters
    ----------
    claim_file
        A claim file or a shipped claim file's name (``itif_full45``).
    claim
        The claim's id.
    lever
        A dotted config path of the claim's scenario, or a list of two.
    probability
        One target probability or several.
    range
        (low, high) of the lever, or one pair per lever; default 0 to ten times its value.
    samples
        Futures of the scan (default 1,000 for one lever, 500 for two).
    grid
        Values per lever on the scan (default 17 for one lever, 9 for two).

    Examples
    --------
    >>> s = solve("itif_full45", "full45_completes_network",
    ...           "programs.manufacturing_usa.new_institute_budget.total",
    ...           probability=0.9, range=(0, 10000))                 # doctest: +SKIP
    >>> s.table()                                                    # doctest: +SKIP
    """
    levers = [lever] if isinstance(lever, str) else list(lever)
    targets = [probability] if isinstance(probability, int | float) else list(probability)
    ranges = None if range is None else _ranges(range, len(levers))
    if len(levers) == 2:
        return solve_grid(
            claim_file,
            claim,
            levers,
            probabilities=targets,
            ranges=ranges,
            samples=500 if samples is None else samples,
            grid=9 if grid is None else grid,
            seed=seed,
        )
    samples = 1000 if samples is None else samples
    grid = 17 if grid is None else grid
    check_arguments(levers, targets, ranges, samples, grid, seed)
    return _solve(
        claim_file,
        claim,
        levers[0],
        probabilities=targets,
        bounds=None if ranges is None else ranges[0],
        samples=samples,
        refine=refine,
        grid=grid,
        seed=seed,
    )


def _ranges(given, n: int) -> list[tuple[float, float]]:
    """One (low, high) per lever from a pair or a list of pairs."""
    pairs = [given] if len(given) == 2 and not isinstance(given[0], list | tuple) else given
    return [(float(low), float(high)) for low, high in pairs]


def save_solve(solution: Solution | GridSolution, out_dir: str | Path = "runs") -> Path:
    """Write ``<out_dir>/solve_<claim>/`` atomically: solve.csv, curve.csv or grid.csv,
    answers.txt, plots and report.html."""
    from scenarios.outputs.solve import save_solve as write  # matplotlib, on first use

    return write(solution, out_dir)


def save_stress(claim_results: list, claim_file: str | Path, out_dir: str | Path = "runs") -> Path:
    """Write ``<out_dir>/stress_<file>/``: claims.csv, drivers.csv, breakevens.csv, verdicts.txt,
    plots and report.html, atomically."""
    from scenarios.outputs.stress import save_stress as write  # matplotlib, on first use

    return write(claim_results, resolve_claim_path(claim_file), Path(out_dir))


def _load_or_run(item: str | Path, out_dir: Path) -> tuple[str, xr.Dataset, dict]:
    """A finished run folder, or a config that is run (and saved) first."""
    if Path(item).is_dir():
        return read_run_folder(Path(item))
    result = run(item)
    save(result, out_dir)
    return result.spec.name, result.results, result.spec.model_dump(mode="json")


def compare(items: list[str | Path], *, out_dir: str | Path = "runs") -> tuple[pd.DataFrame, Path]:
    """Compare two or more runs (folders, or configs run first) against the first; write
    ``<out_dir>/compare_<names>/`` with delta.csv, overlay plots and report.html."""
    if len(items) < 2:
        raise ConfigError(
            "compare needs two or more runs or configs", value=[str(i) for i in items]
        )
    out_dir = Path(out_dir)
    loaded = [_load_or_run(item, out_dir) for item in items]
    runs = {name: results for name, results, _ in loaded}
    if len(runs) < len(loaded):
        raise ConfigError(
            "two of the runs have the same scenario name", value=[n for n, _, _ in loaded]
        )
    check_comparable(runs)
    try:
        settings = MetricSettings.model_validate(loaded[0][2].get("metrics", {}))
    except ValidationError:
        raise ConfigError(
            "the manifest's metrics settings are invalid",
            file=str(Path(items[0]) / "manifest.json"),
            path="config.metrics",
            hint="run the scenario again to write a new manifest",
        ) from None
    table = delta_table(runs, settings)

    from scenarios.outputs.comparison import save_comparison  # matplotlib, on first use

    path = save_comparison(runs, table, out_dir)
    return table, path


def sensitivity(
    config: str | Path | Spec,
    *,
    method: str = "sobol",
    n: int = 1024,
    seed: int | None = None,
    outputs: list[str] | None = None,
    overrides: list[str] | None = None,
    over_time: bool = True,
    second_order: bool = False,
    scheduler: str | None = None,
    dataset: Dataset | None = None,
):
    """Global sensitivity analysis of a scenario's key outputs over its ``uncertainties``.

    The scenario (and its reference) run on the design, a block of rows at a time; outputs
    are US MVA in 2035 and its gain vs the reference, the CHN-USA CAGR gap 2025-2035 and its
    change, the crossover year, Manufacturing USA institutes in 2035 and its cumulative federal
    spend, plus ``outputs`` (``"name=mva,country=JPN,year=2030"``). Convergence warnings are in
    ``.warnings``. ``second_order`` (Sobol') adds pairwise indices; ``scheduler`` (a
    dask.distributed address) runs the design on a cluster. See
    :func:`scenarios.analysis.sensitivity.run.run_sensitivity`.

    Examples
    --------
    >>> result = sensitivity("nnmi_full45", method="sobol", n=1024)  # doctest: +SKIP
    >>> result.to_frame()                                            # doctest: +SKIP
    """
    return run_sensitivity(
        config,
        method,
        n,
        seed=seed,
        outputs=outputs or (),
        overrides=overrides,
        over_time=over_time,
        second_order=second_order,
        scheduler=scheduler,
        dataset=dataset,
    )


def save_sensitivity(result, out_dir: str | Path = "runs", *, plots: bool = True) -> Path:
    """Write ``<out_dir>/<name>_sensitivity/`` atomically: sensitivity.nc, indices.csv,
    convergence.csv, drivers.csv, oat.csv, over_time.nc/.csv, manifest.json, plots, report.html."""
    from scenarios.outputs.sensitivity import write_sensitivity

    return write_sensitivity(result, out_dir, plots=plots)


def run_ensemble(
    config: str | Path | Spec,
    *,
    overrides: list[str] | None = None,
    samples: int | None = None,
    seed: int | None = None,
    method: str = "random",
    chunks: int | None = None,
    scheduler: str | None = None,
    out_dir: str | Path = "runs",
):
    """:func:`run` in memory, or chunked along ``sample`` with dask when ``chunks`` or a
    ``scheduler`` address is given, or when the ensemble would not fit in memory
    (:func:`scenarios.analysis.memory.memory_budget`).

    Returns a :class:`Run` (not yet saved), or a :class:`scenarios.analysis.ensemble.ChunkedRun` already
    written to ``<out_dir>/<name>/`` (results.zarr, metric_values.zarr, metrics.csv, summary.csv,
    manifest.json). See :func:`scenarios.analysis.ensemble.run_chunked`.
    """
    if chunks is None and scheduler is None:
        if samples is None:
            return run(config, overrides=overrides, samples=samples, seed=seed, method=method)
        spec = config if isinstance(config, Spec) else load_config(config, overrides)
        inputs = build_inputs(spec, load_dataset(spec.data.path))
        needed = ensemble_bytes(
            samples,
            len(inputs.projected_years) + 1,
            len(spec.countries),
            len(spec.programs),
            with_reference=bool(spec.reference),
        )
        if needed <= memory_budget():
            check_free_space(
                Path(out_dir),
                sampled_bytes(
                    samples,
                    len(inputs.projected_years) + 1,
                    len(spec.countries),
                    len(spec.programs),
                    len(spec.uncertainties),
                ),
                f"{samples:,} samples' results.nc",
            )
            return run(config, overrides=overrides, samples=samples, seed=seed, method=method)
    if samples is None:
        raise ConfigError(
            "--chunks and --scheduler split an ensemble: give --samples", path="--samples"
        )
    return run_chunked(
        config,
        overrides=overrides,
        samples=samples,
        seed=seed,
        method=method,
        chunks=chunks,
        scheduler=scheduler,
        out_dir=out_dir,
    )


def audit(*, data: str | Path | None = None, out_dir: str | Path | None = "runs") -> pd.DataFrame:
    """Recompute every published figure of the sources that the data reach; see :mod:`scenarios.analysis.audit`.

    Parameters
    ----------
    data
        A dataset folder (default: the embedded dataset).
    out_dir
        Where ``audit/`` is written (figures.csv, report.html, manifest.json); None writes nothing.

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``id, text, source, published, unit, recomputed, reproduces,
        difference, reproduced_by`` and more (:data:`scenarios.analysis.audit.COLUMNS`).

    Examples
    --------
    >>> table = audit(out_dir=None)
    >>> table.set_index("id").loc["chn_growth_2023", "verdict"]
    'reproduces'
    """
    from scenarios.outputs.audit import save_audit

    dataset = load_dataset(data)
    table = _audit(dataset)
    if out_dir is not None:
        save_audit(table, dataset, out_dir)
    return table
