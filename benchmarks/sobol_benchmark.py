"""Sobol' analysis at N = 2^14 with 9 and 12 parameters, end to end, against a plain SALib script.

Run it as ``python benchmarks/sobol_benchmark.py [--repeats 3]``; prints a table and writes
``benchmarks/results/sobol.json``. The configs are nnmi_full45 and its baseline copied into a
temporary folder, the baseline's uncertainties cut to exactly 9 (:data:`NINE`, their
distributions as shipped) and 12 (:data:`TWELVE`, one of them :data:`ADDED`). The same outputs
are analysed everywhere: the key outputs of the scenario (7, four of them against its reference).

Measured for each d, the repeats interleaved (one round: each measure once), medians reported:

* ``scenarios sensitivity <config> -n 16384`` as a user types it, a fresh process: S1 and ST
  on N (d + 2) design rows, each run for the scenario and its reference, indices in each
  projected year, tornado, CSV and NetCDF files, plots and report; and the same with
  ``--no-plots``. The command's own split (model, analysis, yearly indices) is read from the
  ``seconds`` of its manifest; plots and report are the difference between the two commands;
  start-up and files the rest.
* ``run_sensitivity`` (the API, in this process: no plots, no files) with its split.
* the baseline, a plain script as a competent user writes it: SALib's ``sobol.sample``, the same
  vectorised model evaluation (scenario and reference, block by block, reduced to the same
  outputs) and SALib's ``sobol.analyze`` per output (S1 and ST, 100 bootstrap resamples; no
  convergence check, no yearly indices, no plots). It is timed in-process: its imports and
  start-up are not counted, the command's are.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from rich.console import Console
from rich.table import Table

from scenarios import api
from scenarios.analysis.sensitivity.run import run_sensitivity
from scenarios.data import load_dataset

N = 2**14
NINE = (
    "impact.rho",
    "impact.delta",
    "countries.CHN.growth.g_lr",
    "countries.USA.growth.g",
    "programs.manufacturing_usa.cost_per_institute",
    "programs.manufacturing_usa.match_ratio",
    "programs.china_mic.cost_per_institute",
    "programs.manufacturing_usa.sustainment",
    "programs.china_mic.base_funding.scale",
)
TWELVE = (*NINE, "countries.CHN.growth.tau", "programs.china_mic.plan.pace_after")
ADDED = {"programs.manufacturing_usa.survival": {"dist": "uniform", "low": 0.8, "high": 1.0}}
RESULTS = Path(__file__).parent / "results" / "sobol.json"
INDEX_KEYS = ("S1", "S1_conf", "ST", "ST_conf")


def _configs(folder: Path) -> dict[int, Path]:
    """nnmi_full45 with exactly 9 and 12 uncertainties: ``{d: config path}``."""
    shipped = Path(str(resources.files("scenarios") / "configs"))
    baseline = yaml.safe_load((shipped / "baseline.yaml").read_text())
    uncertainties = {**baseline["uncertainties"], **ADDED}
    variants = {
        9: {k: uncertainties[k] for k in NINE},
        12: {k: uncertainties[k] for k in (*TWELVE, *ADDED)},
    }
    paths = {}
    for d, chosen in variants.items():
        if len(chosen) != d:
            raise SystemExit(f"the baseline's uncertainties changed: {len(chosen)}, not {d}")
        sub = folder / f"d{d}"
        sub.mkdir()
        pairs = [c for c in baseline.get("correlations", []) if set(c[:2]) <= set(chosen)]
        config = {**baseline, "uncertainties": chosen, "correlations": pairs}
        (sub / "baseline.yaml").write_text(yaml.safe_dump(config))
        (sub / "nnmi_full45.yaml").write_text((shipped / "nnmi_full45.yaml").read_text())
        paths[d] = sub / "nnmi_full45.yaml"
    return paths


def _command(config: Path, n: int, out: Path, *flags: str) -> dict[str, float]:
    """Wall time of ``scenarios sensitivity`` as a user runs it, and its manifest's split."""
    args = [sys.executable, "-m", "scenarios", "sensitivity", str(config), "-n", str(n)]
    started = time.perf_counter()
    subprocess.run([*args, "--out", str(out), "--quiet", *flags], check=True)
    wall = time.perf_counter() - started
    manifest = json.loads((out / "nnmi_full45_sensitivity" / "manifest.json").read_text())
    return {"wall": wall, **manifest["seconds"]}


def _api(config: Path, n: int) -> dict[str, float]:
    run = run_sensitivity(config, "sobol", n)
    return {**run.timings, "rows": int(run.indices.attrs["n_evaluations"]), "d": len(run.dists)}


def _plain_salib_script(config: Path, n: int, out: Path | None = None) -> dict[str, float]:
    """The baseline: SALib sample, the model on the design, SALib analyze per output (and, given
    ``out``, the indices written to that CSV)."""
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
    unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=spec.seed)
    params = to_params(dists, unit)
    sampled = time.perf_counter()
    values, _ = engine(params)
    modelled = time.perf_counter()
    indices = {
        name: sobol_analyze.analyze(problem, y, calc_second_order=False, seed=spec.seed)
        for name, y in values.items()
        if np.ptp(y) > 0
    }
    done = time.perf_counter()
    if out is not None:  # as the script's user keeps them: one CSV of S1, ST and their CIs
        rows = [
            {"output": name, "parameter": p, **{k: float(si[k][j]) for k in INDEX_KEYS}}
            for name, si in indices.items()
            for j, p in enumerate(dists)
        ]
        pd.DataFrame(rows).to_csv(out, index=False)
    return {
        "total": done - started,
        "sample": sampled - started,
        "model": modelled - sampled,
        "analysis": done - modelled,
    }


def _plain_salib_process(config: Path, n: int, out: Path) -> dict[str, float]:
    """The plain script as its user runs it, ``python script.py``: a fresh process, its imports
    counted, the indices written to a CSV."""
    args = [
        sys.executable,
        __file__,
        "--plain-script",
        str(config),
        "-n",
        str(n),
        "--results",
        str(out),
    ]
    started = time.perf_counter()
    subprocess.run(args, check=True)
    return {"wall": time.perf_counter() - started}


def _median(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


def _measure(config: Path, n: int, tmp: Path, repeats: int) -> dict:
    """Every figure of one config, ``repeats`` interleaved rounds, medians."""
    rounds: dict[str, list[dict[str, float]]] = {
        "cli": [],
        "cli_no_plots": [],
        "api": [],
        "plain": [],
        "plain_process": [],
    }
    for i in range(repeats):
        rounds["cli"].append(_command(config, n, tmp / f"plots{i}"))
        rounds["cli_no_plots"].append(_command(config, n, tmp / f"bare{i}", "--no-plots"))
        rounds["api"].append(_api(config, n))
        rounds["plain"].append(_plain_salib_script(config, n))
        rounds["plain_process"].append(_plain_salib_process(config, n, tmp / f"plain{i}.csv"))
    cli, bare, run, plain, script = (
        _median(rounds[k]) for k in ("cli", "cli_no_plots", "api", "plain", "plain_process")
    )
    return {
        "parameters": int(run["d"]),
        "design_rows": int(run["rows"]),
        "command": cli,
        "command_no_plots": bare,
        "plots_and_report": cli["wall"] - bare["wall"],
        "command_start_and_files": bare["wall"] - bare["total"],
        "api": run,
        "plain_salib": plain,
        "plain_salib_process": script,
        "command_speedup": plain["total"] / cli["wall"],
        "command_no_plots_speedup": plain["total"] / bare["wall"],
        "api_speedup": plain["total"] / run["total"],
        "process_speedup": script["wall"] / cli["wall"],
        "process_no_plots_speedup": script["wall"] / bare["wall"],
        "walls": {
            k: [round(r["wall"] if "wall" in r else r["total"], 2) for r in v]
            for k, v in rounds.items()
        },
    }


ROWS = (
    ("scenarios sensitivity (S1, ST, yearly, tornado, files, plots, report)", "command", "wall"),
    ("  model: scenario + reference on the design", "command", "model"),
    ("  analysis: S1, ST with CIs, n/4 and n/2 checks", "command", "analysis"),
    ("  indices in each projected year", "command", "over_time"),
    ("  plots and report (minus the --no-plots command)", None, "plots_and_report"),
    ("  start-up, files (rest of the --no-plots command)", None, "command_start_and_files"),
    ("scenarios sensitivity --no-plots", "command_no_plots", "wall"),
    ("run_sensitivity (API: no plots, no files)", "api", "total"),
    ("  model", "api", "model"),
    ("  analysis", "api", "analysis"),
    ("  indices in each projected year", "api", "over_time"),
    ("baseline: plain SALib script (sample, model, analyze)", "plain_salib", "total"),
    ("  SALib sobol.sample and ppf", "plain_salib", "sample"),
    ("  model", "plain_salib", "model"),
    ("  SALib sobol.analyze per output", "plain_salib", "analysis"),
    ("baseline as a process: python script.py (imports, CSV)", "plain_salib_process", "wall"),
    ("baseline / command (x faster)", None, "command_speedup"),
    ("baseline / command --no-plots (x faster)", None, "command_no_plots_speedup"),
    ("baseline / API (x faster)", None, "api_speedup"),
    ("baseline as a process / command (x faster)", None, "process_speedup"),
    ("baseline as a process / command --no-plots (x faster)", None, "process_no_plots_speedup"),
)


def _table(figures: list[dict], n: int) -> Table:
    table = Table(
        "measure (seconds, medians)",
        *[f"d = {f['parameters']}" for f in figures],
        title=f"Sobol' benchmark: N = {n:,}, nnmi_full45 and its reference",
        title_justify="left",
    )
    for label, part, key in ROWS:
        table.add_row(label, *[f"{(f[part] if part else f)[key]:.2f}" for f in figures])
    return table


def main(repeats: int = 3, n: int = N, results: Path = RESULTS) -> dict:
    """Run the benchmark, print the table, write the JSON to ``results``; returns the figures."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        figures = [
            _measure(config, n, folder / f"runs_d{d}", repeats)
            for d, config in _configs(folder).items()
        ]
    Console().print(_table(figures, n))
    result = {
        "N": n,
        "repeats": repeats,
        "by_parameters": figures,
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}",
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(_rounded(result), indent=2) + "\n")
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("-n", type=int, default=N, help="Sobol' base sample size")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the JSON file written")
    parser.add_argument(
        "--plain-script", type=Path, help="only run the plain SALib script on this config"
    )
    args = parser.parse_args()
    if args.plain_script:
        _plain_salib_script(args.plain_script, args.n, args.results)
    else:
        main(args.repeats, args.n, args.results)
