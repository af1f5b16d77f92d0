"""Sobol' analysis of a dozen parameters at N = 2^14, end to end, on nnmi_full45.

Run it as ``python benchmarks/sobol_benchmark.py``; prints a table and writes
``benchmarks/results/sobol.json``. nnmi_full45 declares nine uncertainties; a temporary config
extending it adds three (survival of US institutes after federal exit, growth of Germany and of
the rest of the world), so the design has N (2 d + 2) = 2^14 x 26 = 425,984 rows, each run for
the scenario and for its reference.
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from importlib import resources
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table

from scenarios import api
from scenarios.data import load_dataset
from scenarios.model.engine import run_model
from scenarios.model.inputs import build_inputs
from scenarios.gsa import design
from scenarios.sensitivity_run import run_sensitivity

N = 2**14
EXTRA = {
    "programs.manufacturing_usa.survival": {"dist": "uniform", "low": 0.8, "high": 1.0},
    "countries.DEU.growth.g": {"dist": "normal", "mean": 0.01, "sd": 0.005},
    "countries.WLD.growth.g": {"dist": "normal", "mean": 0.025, "sd": 0.005},
}
RESULTS = Path(__file__).parent / "results" / "sobol.json"


def _config(folder: Path) -> Path:
    """nnmi_full45 and baseline copied into ``folder``, plus a child adding :data:`EXTRA`."""
    shipped = Path(str(resources.files("scenarios") / "configs"))
    for name in ("baseline.yaml", "nnmi_full45.yaml"):
        (folder / name).write_text((shipped / name).read_text())
    child = {"name": "nnmi_full45_benchmark", "extends": "nnmi_full45.yaml",
             "uncertainties": EXTRA}
    path = folder / "nnmi_full45_benchmark.yaml"
    path.write_text(yaml.safe_dump(child))
    return path


def main() -> dict:
    """Run the benchmark, print the table, write the JSON; returns the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(Path(tmp))
        spec = api.load_config(config)
        started = time.perf_counter()
        run = run_sensitivity(config, "sobol", N, over_time=False)
        wall = time.perf_counter() - started
    rows = int(run.indices.attrs["n_evaluations"])
    params, _ = design(run.dists, "sobol", N, seed=run.seed)
    inputs = build_inputs(spec, load_dataset(spec.data.path))
    tic = time.perf_counter()
    run_model(spec, inputs, params)
    kernel = time.perf_counter() - tic
    figures = {
        "parameters": len(run.dists),
        "N": N,
        "evaluations": rows,
        "outputs": int(run.indices.sizes["output"]),
        "total_seconds": wall,
        "model_seconds": run.timings["model"],
        "kernel_seconds": kernel,
        "salib_analyze_seconds": run.timings["analysis"],
        "tornado_seconds": run.timings["tornado"],
        "evaluations_per_second": rows / run.timings["model"],
        "converged": bool(run.analysis.converged.fillna(True).all()),
        "machine": f"{platform.machine()}, python {platform.python_version()}",
    }
    table = Table("measure", "value", title=f"Sobol' benchmark: {len(run.dists)} parameters, "
                  f"N = 2^14, nnmi_full45 (+ reference)", title_justify="left")
    for label, value in (
        ("total wall time (sample, run, analyze)", f"{wall:.1f} s"),
        ("model: engine on the full matrix, scenario + reference", f"{run.timings['model']:.1f} s"),
        ("  of which kernel only (run_model, scenario)", f"{kernel:.1f} s"),
        (f"SALib analyze ({figures['outputs']} outputs, with n/4 and n/2 checks)",
         f"{run.timings['analysis']:.1f} s"),
        ("evaluations (design rows, each scenario + reference)", f"{rows:,}"),
        ("evaluations per second (model)", f"{figures['evaluations_per_second']:,.0f}"),
        ("all indices settled", "yes" if figures["converged"] else "no"),
    ):
        table.add_row(label, value)
    Console().print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({k: round(v, 3) if isinstance(v, float) else v
                                   for k, v in figures.items()}, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
