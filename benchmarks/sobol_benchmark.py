"""Sobol' analysis at N = 2^14 on nnmi_full45, end to end, against a plain SALib script.

Run it as ``python benchmarks/sobol_benchmark.py``; prints a table and writes
``benchmarks/results/sobol.json``. nnmi_full45 declares nine uncertainties; a temporary config
extending it adds three (survival of US institutes after federal exit, growth of Germany and of
the rest of the world), so d = 9 and d = 12. Measured, each in the same run and for each d:

* the command a user types, ``scenarios sensitivity <config> -n 16384`` (S1 and ST: N (d + 2)
  design rows, each run for the scenario and its reference; indices over time, tornado, plots and
  report), as wall time of the process, and the same with ``--second-order``;
* ``run_sensitivity`` (the API: no plots), with the split of its time;
* the baseline, a plain script as a competent user writes it: SALib's ``sobol.sample``, the same
  model evaluation (scenario and reference, block by block, reduced to the same outputs) and
  SALib's ``sobol.analyze`` per output (S1 and ST, 100 bootstrap resamples; no convergence
  check, no yearly indices, no plots).
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

import numpy as np
import yaml
from rich.console import Console
from rich.table import Table

from scenarios import api
from scenarios.analysis.sensitivity.run import run_sensitivity
from scenarios.data import load_dataset

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


def _plain_salib_script(config: Path) -> dict[str, float]:
    """The baseline: SALib sample, the model on the design, SALib analyze per output."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from scenarios.analysis.sampling import validate_uncertainties
    from scenarios.analysis.sampling.designs import to_params
    from scenarios.analysis.sensitivity.run import EngineOutputs, key_outputs

    spec = api.load_config(config)
    dists = validate_uncertainties(spec.uncertainties, file=str(config))
    problem = {"num_vars": len(dists), "names": list(dists), "bounds": [[0.0, 1.0]] * len(dists)}
    engine = EngineOutputs(spec, str(config), key_outputs(spec), load_dataset(spec.data.path))
    started = time.perf_counter()
    unit = sobol_sample.sample(problem, N, calc_second_order=False, seed=spec.seed)
    params = to_params(dists, unit)
    sampled = time.perf_counter()
    values, _ = engine(params)
    modelled = time.perf_counter()
    for y in values.values():
        if np.ptp(y) > 0:
            sobol_analyze.analyze(problem, y, calc_second_order=False, seed=spec.seed)
    done = time.perf_counter()
    return {
        "total": done - started,
        "sample": sampled - started,
        "model": modelled - sampled,
        "analysis": done - modelled,
    }


def _measure(config: Path, tmp: Path, tag: str) -> dict:
    """Every figure of one config: command, API and the plain script, in this order."""
    command = _command(config, tmp / f"runs_{tag}")
    command_s2 = _command(config, tmp / f"runs_{tag}_s2", "--second-order")
    run = run_sensitivity(config, "sobol", N)
    plain = _plain_salib_script(config)
    d = len(run.dists)
    return {
        "parameters": d,
        "design_rows": int(run.indices.attrs["n_evaluations"]),
        "design_rows_second_order": N * (2 * d + 2),
        "outputs": int(run.indices.sizes["output"]),
        "command_seconds": command,
        "command_second_order_seconds": command_s2,
        "api_total_seconds": run.timings["total"],
        "api_model_seconds": run.timings["model"],
        "api_analysis_seconds": run.timings["analysis"],
        "api_over_time_seconds": run.timings["over_time"],
        "api_tornado_seconds": run.timings["tornado"],
        "plain_salib_seconds": plain["total"],
        "plain_salib_sample_seconds": plain["sample"],
        "plain_salib_model_seconds": plain["model"],
        "plain_salib_analysis_seconds": plain["analysis"],
        "command_speedup": plain["total"] / command,
        "api_speedup": plain["total"] / run.timings["total"],
        "converged": bool(run.analysis.converged.fillna(True).all()),
    }


def _table(figures: list[dict]) -> Table:
    table = Table(
        "measure",
        *[f"d = {f['parameters']} (s)" for f in figures],
        title="Sobol' benchmark: N = 2^14, nnmi_full45 (+ reference)",
        title_justify="left",
    )
    rows = (
        (
            "scenarios sensitivity (S1, ST; yearly indices, tornado, plots, report)",
            "command_seconds",
        ),
        ("  same with --second-order (S2 too)", "command_second_order_seconds"),
        ("run_sensitivity (API, no plots)", "api_total_seconds"),
        ("  model: scenario + reference on the design", "api_model_seconds"),
        ("  analysis: S1, ST with CIs, n/4 and n/2 checks", "api_analysis_seconds"),
        ("  indices in each projected year", "api_over_time_seconds"),
        ("  tornado", "api_tornado_seconds"),
        ("baseline: plain SALib script (sample, model, analyze)", "plain_salib_seconds"),
        ("  SALib sobol.sample", "plain_salib_sample_seconds"),
        ("  model", "plain_salib_model_seconds"),
        ("  SALib sobol.analyze per output", "plain_salib_analysis_seconds"),
    )
    for label, key in rows:
        table.add_row(label, *[f"{f[key]:.2f}" for f in figures])
    for label, key in (
        ("baseline / command (x faster)", "command_speedup"),
        ("baseline / API (x faster)", "api_speedup"),
    ):
        table.add_row(label, *[f"{f[key]:.2f}" for f in figures])
    return table


def main() -> dict:
    """Run the benchmark, print the table, write the JSON; returns the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        benchmark_config = _config(folder)
        figures = [
            _measure(folder / "nnmi_full45.yaml", folder, "d9"),
            _measure(benchmark_config, folder, "d12"),
        ]
    Console().print(_table(figures))
    result = {
        "N": N,
        "by_parameters": figures,
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}",
        "load_average": os.getloadavg(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(_rounded(result), indent=2) + "\n")
    return result


def _rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    main()
