"""A comparison's folder: delta.csv, the overlay plots and report.html."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr

from scenarios.outputs.plotting import plot_comparison
from scenarios.outputs.report import write_compare_report
from scenarios.results import write_run


def save_comparison(runs: dict[str, xr.Dataset], table: pd.DataFrame, out_dir: Path) -> Path:
    """Write ``<out_dir>/compare_<names>/`` atomically; ``table`` is the delta table."""

    def visuals(plots_dir: Path) -> None:
        plots_dir.mkdir()
        figures = plot_comparison(runs, plots_dir)
        write_compare_report(
            plots_dir.parent / "report.html",
            delta_table=table,
            plots=figures,
            names=list(runs),
            runs=runs,
        )

    writers = {"delta.csv": lambda p: table.to_csv(p, index=False), "plots": visuals}
    return write_run(out_dir / ("compare_" + "_vs_".join(runs)), writers, kind="compare")
