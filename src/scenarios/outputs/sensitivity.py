"""A sensitivity analysis on the terminal and on disk: the drivers table and
``runs/<name>_sensitivity/`` (indices, convergence, drivers, tornado table, yearly indices,
manifest, plots, report.html)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.table import Table

from scenarios import __version__
from scenarios.analysis import runs, sensitivity as gsa
from scenarios.analysis.sensitivity.run import (
    SensitivityRun,
    convergence_table,
    drivers,
)
from scenarios.config.load import config_hash
from scenarios.outputs.report import resolved_yaml, write_report
from scenarios.outputs.report.sensitivity import (
    SETTLED,
    driver_rows,
    report_section,
    sensitivity_answer,
)
from scenarios.results import write_json, write_netcdf, write_run


def drivers_rich_table(run: SensitivityRun) -> Table:
    """The leading drivers of each output as a rich table for the terminal."""
    header, rows = driver_rows(run)
    table = Table(
        title=f"{run.spec.name}: leading drivers ({run.method}, n={run.n}, "
        f"{run.indices.attrs['n_evaluations']:,} evaluations; ± 95 % CI)",
        title_justify="left",
        caption=SETTLED,
        caption_justify="left",
    )
    output, _, parameter, *indices, settled = header
    table.add_column(output, ratio=2, overflow="fold")
    table.add_column("#", no_wrap=True)
    table.add_column(parameter, ratio=5)
    for name in indices:
        table.add_column(name.removesuffix(" (± 95 % CI)"), no_wrap=True, justify="right")
    table.add_column(settled, no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


def manifest(run: SensitivityRun) -> dict:
    """What produced the folder: config, method, n, seed, versions, timings, convergence."""
    return {
        "scenario": run.spec.name,
        "config_file": run.config_file,
        "config": run.spec.model_dump(mode="json"),
        "config_hash": config_hash(run.spec),
        "method": run.method,
        "second_order": "S2" in run.indices,
        "n": run.n,
        "n_evaluations": int(run.indices.attrs["n_evaluations"]),
        "seed": run.seed,
        "outputs": {
            str(o): str(u)
            for o, u in zip(
                run.indices["output"].to_numpy(), run.indices["units"].to_numpy(), strict=True
            )
        },
        "converged": {
            k: None if pd.isna(v) else bool(v) for k, v in run.analysis.converged.items()
        },
        "warnings": list(run.warnings),
        "package_version": __version__,
        "seconds": {k: round(v, 3) for k, v in run.timings.items()},
    }


def _write_visuals(run: SensitivityRun, plots_dir: Path) -> None:
    """plots/*.png (two processes when a core is spare; the point run of the report meanwhile),
    then report.html beside the plots folder."""
    from scenarios.outputs.plotting.drivers import sensitivity_figures  # matplotlib: only here
    from scenarios.outputs.plotting.saving import save_figures, spare_processes
    from scenarios.outputs.plotting.sensitivity import CAPTIONS

    plots_dir.mkdir()
    note = f"Scenario {run.spec.name}; {run.method}, n = {run.n}, seed {run.seed}."
    jobs = sensitivity_figures(run.indices, run.over_time, run.tornado, note=note)
    figures = {name: plots_dir / f"{name}.png" for name, _ in jobs}
    point = save_figures(
        [(draw, figures[name]) for name, draw in jobs],
        spare_processes(),
        meanwhile=lambda: runs.run(run.spec, with_reference=False),
    )
    write_report(
        plots_dir.parent / "report.html",
        results=point.results,
        metrics=point.metrics,
        config_text=resolved_yaml(run.spec),
        plots=figures,
        captions=CAPTIONS,
        title=f"Sensitivity analysis: {run.spec.name}",
        extra_sections=[("Sensitivity analysis", report_section(run))],
        answer=sensitivity_answer(run),
    )


def write_sensitivity(
    run: SensitivityRun, out_dir: str | Path = "runs", *, plots: bool = True
) -> Path:
    """Write ``<out_dir>/<scenario>_sensitivity/`` atomically.

    Files: sensitivity.nc (indices with confidence half-widths), indices.csv, convergence.csv,
    drivers.csv, oat.csv (tornado), over_time.nc and over_time.csv, manifest.json, and with
    ``plots`` the plots/ folder and report.html.
    """
    writers = {
        "sensitivity.nc": lambda p: write_netcdf(run.indices, p),
        "indices.csv": lambda p: run.to_frame().to_csv(p, index=False),
        "convergence.csv": lambda p: convergence_table(run).to_csv(p, index=False),
        "drivers.csv": lambda p: drivers(run).to_csv(p, index=False),
        "oat.csv": lambda p: run.tornado.to_csv(p, index=False),
        "manifest.json": lambda p: write_json(manifest(run), p),
    }
    if run.over_time is not None:
        writers["over_time.nc"] = lambda p: write_netcdf(run.over_time, p)
        writers["over_time.csv"] = lambda p: gsa.to_frame(run.over_time).to_csv(p, index=False)
    if plots:
        writers["plots"] = lambda p: _write_visuals(run, p)
    return write_run(Path(out_dir) / run.name, writers, kind="sensitivity")
