"""Sobol' analysis of a dozen parameters at N = 2^14, end to end, on nnmi_full45.

Run it as ``python benchmarks/sobol_benchmark.py``; prints a table and writes
``benchmarks/results/sobol.json``. nnmi_full45 declares nine uncertainties; a temporary config
extending it adds three (survival of US institutes after federal exit, growth of Germany and of
the rest of the world), so d = 12. Measured, each in the same run:

* the command a user types, ``scenarios sensitivity <config> -n 16384`` (S1 and ST: N (d + 2) =
  229,376 design rows, each run for the scenario and its reference; indices over time, tornado,
  plots and report), as wall time of the process;
* the same with ``--second-order`` (S2 too: N (2 d + 2) = 425,984 rows);
* the parts of the first, from ``run_sensitivity``'s own timings, and for comparison the bare
  engine on the whole design at once (``run_model``, scenario only: it allocates the full
  outputs, which the block-by-block evaluation never does).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from scenarios import api
from scenarios.analysis.sensitivity import design
from scenarios.analysis.sensitivity.run import run_sensitivity
from scenarios.data import load_dataset
from scenarios.model.engine import run_model
from scenarios.model.inputs import build_inputs

N = 2**14
EXTRA = {
    "programs.manufacturing_usa.survival": {"dist": "uniform", "low": 0.8, "high": 1.0},
    "countries.DEU.growth.g": {"dist": "normal", "mean": 0.01, "sd": 0.005},
    "countries.WLD.growth.g": {"dist": "normal", "mean": 0.025, "sd": 0.005},
}
RESULTS = Path(__file__).parent / "results" / "sobol.json"
TARGET_SECONDS = 30


def _config(folder: Path) -> Path:
    """nnmi_full45 and baseline copied into ``folder``, plus a child adding :data:`EXTRA`."""
    shipped = Path(str(resources.files("scenarios") / "configs"))
    for name in ("baseline.yaml", "nnmi_full45.yaml"):
        (folder / name).write_text((shipped / name).read_text())
    child = {"name": "nnmi_full45_benchmark", "extends": "nnmi_full45.yaml", "uncertainties": EXTRA}
    path = folder / "nnmi_full45_benchmark.yaml"
    path.write_text(yaml.safe_dump(child))
    return path


def _command(config: Path, out: Path, *flags: str) -> float:
    """Wall time of ``scenarios sensitivity`` as a user runs it (a fresh process)."""
    args = [
        sys.executable,
        "-m",
        "scenarios",
        "sensitivity",
        str(config),
        "-n",
        str(N),
        "--out",
        str(out),
        *flags,
    ]
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> dict:
    """Run the benchmark, print the table, write the JSON; returns the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(Path(tmp))
        command = _command(config, Path(tmp) / "runs")
        command_s2 = _command(config, Path(tmp) / "runs_s2", "--second-order")
        spec = api.load_config(config)
        run = run_sensitivity(config, "sobol", N)
    rows = int(run.indices.attrs["n_evaluations"])
    params, _ = design(run.dists, "sobol", N, seed=run.seed)
    inputs = build_inputs(spec, load_dataset(spec.data.path))
    tic = time.perf_counter()
    run_model(spec, inputs, params)
    kernel = time.perf_counter() - tic
    figures = {
        "parameters": len(run.dists),
        "N": N,
        "design_rows": rows,
        "design_rows_second_order": N * (2 * len(run.dists) + 2),
        "outputs": int(run.indices.sizes["output"]),
        "command_seconds": command,
        "command_second_order_seconds": command_s2,
        "api_total_seconds": run.timings["total"],
        "model_seconds": run.timings["model"],
        "engine_only_seconds": kernel,
        "salib_analyze_seconds": run.timings["analysis"],
        "over_time_seconds": run.timings["over_time"],
        "tornado_seconds": run.timings["tornado"],
        "converged": bool(run.analysis.converged.fillna(True).all()),
        "target_seconds": TARGET_SECONDS,
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}",
        "load_average": os.getloadavg(),
    }
    d = len(run.dists)
    table = Table(
        "measure",
        "seconds",
        title=f"Sobol' benchmark: d = {d} parameters, N = 2^14, nnmi_full45 (+ reference)",
        title_justify="left",
    )
    for label, value in (
        (f"scenarios sensitivity -n {N} (S1, ST; {rows:,} rows; plots and report)", command),
        (
            f"  same with --second-order (S2 too; {figures['design_rows_second_order']:,} rows)",
            command_s2,
        ),
        ("run_sensitivity (API), S1 and ST", run.timings["total"]),
        (
            "  model: scenario + reference on the design, reduced to the outputs",
            run.timings["model"],
        ),
        ("  for comparison: run_model on the whole design at once, scenario only", kernel),
        (
            f"  SALib analyze ({figures['outputs']} outputs, with n/4 and n/2 checks)",
            run.timings["analysis"],
        ),
        ("  indices in each projected year (3 paths)", run.timings["over_time"]),
        ("  tornado", run.timings["tornado"]),
    ):
        table.add_row(label, f"{value:.1f}")
    table.caption = (
        f"target: the analysis end to end within {TARGET_SECONDS} s; all indices "
        f"settled: {'yes' if figures['converged'] else 'no'}"
    )
    Console().print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}, indent=2
        )
        + "\n"
    )
    return figures


if __name__ == "__main__":
    main()
