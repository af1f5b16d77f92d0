"""Engine benchmarks: ``python benchmarks/run.py`` prints one table and writes benchmarks/results/engine.json.

Everything is measured in the same run, on this machine, and set against the engine
(:func:`scenarios.model.engine.run_model` on baseline and nnmi_full45, 10^3 to 10^6 samples):

* **tight kernel** (``benchmarks/kernels.py``): the same arithmetic as a competent numpy programmer
  writes it (year-major, in place, outputs allocated once), whole and in blocks of the engine's
  block size. Before any timing it is checked against the engine bit for bit on all 24 output
  arrays (the float64 bits compared as integers): on every shipped config (total and federal
  spend, no impact; 1 and 2,000 samples; whole and in blocks) and on each timed ensemble at every
  size; a difference stops the run. A config whose impact component the kernel lacks is left out
  of that check, the component named in the output. Its time includes :func:`kernels.tight_inputs`, so that both
  start from the same spec, inputs and parameter matrix (the inputs alone are in the JSON);
* **engine and tight kernel in reused memory**: each writing into outputs it has already paged in
  (the engine's :class:`~scenarios.model.engine.Memory`, as sensitivity and stress blocks use it;
  the kernel's arrays allocated once), in rounds of their own: the arithmetic alone. At 10^6 samples
  a fresh call's time is mostly page faults, whose cost on this virtual machine moves from call to
  call (the same call took 1.2 s to 7 s, mostly system time, the slow calls falling on whichever
  method came at a given place in the round), so this ratio is the steadier of the two;
* **per-sample Python loop** of the same model: its rate on 300 samples (checked against the
  engine to 1e-12), its time at n samples being n / rate;
* **EMA Workbench** driving the engine, one call per experiment, on 2,000 experiments of the
  baseline ensemble, sequential and with its multiprocessing evaluator on 2 processes
  (``benchmarks/ema.py``; skipped with the reason printed when ``ema_workbench`` does not import:
  ``pip install ".[bench]"``); its time at n samples is n / its rate;
* **memory-bandwidth floor**: the time to write the outputs' bytes (24 arrays of n x (T+1)
  float64) once, as ``numpy.empty(...).fill(1.0)`` into fresh memory (what any call that returns
  new arrays must at least do: obtain the pages and store every byte once, with no reads and no
  arithmetic; like the engine's outputs, a fresh ``numpy.empty``, so past the C allocator's mmap
  threshold its first touch pays the page faults, below it the allocator may hand back pages it
  kept), and as ``fill`` into memory already touched (the floor for an engine that reuses its
  output buffers);
* **reference job** (``benchmarks/reference_job.py``): the engine's 24 arrays of the baseline
  ensemble written once with plain xarray to NetCDF (h5netcdf), against the **CLI run** of the
  same ensemble, ``scenarios run baseline --samples N --seed 1 --no-plots``; both are child
  processes, timed by wall clock, their peak resident memory from the operating system
  (``os.wait4``: the child's own rusage, the child started from a small launcher process so that
  the benchmark's own memory does not count), at 10^4 and 10^5 samples (and 10^6 without --quick);
* how the engine's time grows with samples, projected years and countries, and the engine side of
  a Sobol' analysis of 12 parameters at N = 2^14 (without --quick).

In-process times are medians of repeated calls, the methods' calls interleaved round by round (a
busy spell of the machine falls on all of them alike), with the garbage collector off while a
call runs (as ``timeit`` times them). The two floors are timed in rounds of their own: at 10^6
samples the call right after the reused-memory floor (3.5 GB written) took 0.3-0.4 s longer,
whichever method it was (the engine first in the round: 1.31 s against 0.98 s for the kernel in
blocks; the kernel first: 1.45 s against 1.22 s for the engine), which made the engine's ratio
at 10^6 depend on the order of the calls; in-process peak memory is tracemalloc's (the largest total
of traced allocations during a call). Each row of the table gives its time over the engine's at the same
size and, for the run-level rows, its time and peak memory over the reference job's.

Options: ``--check`` (only the bit-for-bit and loop checks, on every shipped config: seconds),
``--quick`` (10^3 to 10^5 samples, reference job and CLI at 10^4 and 10^5, no Sobol' run: a few
minutes), ``--max-samples N``, ``--engine-only`` (the engine, tight kernel, loop and floor rows
and their ratios only, printed, not written: a few minutes to 10^6 samples).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import ema  # noqa: E402
from kernels import (  # noqa: E402
    UncoveredImpact,
    allocate_outputs,
    compare_bits,
    tight_inputs,
    tight_kernel,
)
from per_sample_loop import extract, python_loop  # noqa: E402

from scenarios import api  # noqa: E402
from scenarios.config.load.shipped import available_configs  # noqa: E402
from scenarios.data import load_dataset  # noqa: E402
from scenarios.model.engine import BLOCK, Memory, run_model  # noqa: E402
from scenarios.model.inputs import build_inputs  # noqa: E402

RESULTS = HERE / "results" / "engine.json"
LOOP_SAMPLES = 300  # the Python loop runs this many samples; its rate does not depend on n
EMA_EXPERIMENTS = 2_000
EMA_PROCESSES = 2
OUTPUT_ARRAYS = 24  # 4 countries x 3 tables + 3 programs x 4 arrays, in both scenarios


def timed(fn, repeat: int) -> float:
    """Median seconds of ``repeat`` calls, timed as ``timeit`` does: the garbage collector is off
    while a call runs, so a collection of other objects is not charged to it."""
    seconds = []
    for _ in range(repeat):
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            seconds.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return float(np.median(seconds))


def timed_together(fns: dict, repeat: int) -> dict[str, float]:
    """Median seconds of each function, the calls interleaved (one round calls each once), so
    that a busy spell of the machine falls on all of them alike and their ratios stay fair. The
    order turns by one place each round: at 10^6 samples the slow page faults of this virtual
    machine fell on calls by their place in the round, not by what they were."""
    seconds: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for round_ in range(repeat):
        turn = round_ % len(names)
        for name in names[turn:] + names[:turn]:
            fn = fns[name]
            gc.disable()
            try:
                start = time.perf_counter()
                fn()
                seconds[name].append(time.perf_counter() - start)
            finally:
                gc.enable()
    return {name: float(np.median(values)) for name, values in seconds.items()}


def peak_bytes(fn) -> int:
    """tracemalloc's peak of traced allocations during one call."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def repeats(n: int) -> int:
    """Rounds at ``n`` samples: at 10^6, one round per place of the four calls timed together."""
    return 21 if n <= 10_000 else 5 if n <= 100_000 else 4


def load(name: str, **update):
    """A shipped config (with ``update`` applied to its spec) and its model inputs."""
    spec = api.load_config(name)
    if update:
        spec = spec.model_copy(update=update)
    return spec, build_inputs(spec, load_dataset(spec.data.path))


def setup(name: str, n: int, **update):
    spec, inputs = load(name, **update)
    return spec, inputs, api.draw_samples(spec, n)


def check_loop(spec, inputs, matrix) -> float:
    """The per-sample loop against the engine on the first samples: the largest relative difference."""
    out = run_model(spec, inputs, matrix.iloc[:LOOP_SAMPLES])
    loop = python_loop(extract(spec, inputs, matrix.iloc[:LOOP_SAMPLES]))
    pairs = [
        (loop[t][c], getattr(out, t)[c])
        for t in ("mva", "mva_baseline", "capital")
        for c in out.mva
    ]
    pairs += [
        (loop["programs"][k][f], getattr(out.programs[k], f))
        for k in out.programs
        for f in ("launched", "active", "spend_federal", "spend_total")
    ]
    worst = max(
        float(np.max(np.abs(np.asarray(a) - b) / np.maximum(np.abs(b), 1e-300))) for a, b in pairs
    )
    if worst > 1e-12:
        raise SystemExit(f"the per-sample loop disagrees with the engine ({worst:.2e})")
    return worst


def check_tight(spec, inputs, part) -> dict:
    """The tight kernel, whole and in blocks, against the engine bit for bit on every output array."""
    engine = run_model(spec, inputs, part)
    x = tight_inputs(spec, inputs, part)
    result = {}
    for label, block in (("whole", None), ("blocks", BLOCK)):
        found = compare_bits(engine, tight_kernel(x, block))
        if found["differ"]:
            raise SystemExit(
                f"the tight kernel ({label}) differs from the engine in {', '.join(found['differ'])}"
            )
        result[label] = found["arrays"]
    return {"arrays_compared": result["whole"], "bit_identical": True}


SHIPPED = tuple(available_configs())  # every config that ships with the package
VARIANTS = ([], ["impact.spend=federal"], ["impact.kind=none"])


def check_shipped(n: int = 2_000) -> list[dict]:
    """The tight kernel against the engine bit for bit on every shipped config, with total and
    federal spend and with no impact: one sample (the point values) and ``n`` samples, the engine
    and the kernel each in blocks of their own (700 and 300 rows) and whole."""
    checked = []
    for name in SHIPPED:
        for overrides in VARIANTS:
            spec = api.load_config(name, overrides)
            inputs = build_inputs(spec, load_dataset(spec.data.path))
            for samples in (None, api.draw_samples(spec, n)):
                try:
                    x = tight_inputs(spec, inputs, samples)
                except UncoveredImpact as missing:  # printed, and kept in the JSON
                    print(f"  not checked: {name} {overrides}: {missing}", flush=True)
                    checked.append(
                        {"config": name, "overrides": overrides, "skipped": str(missing)}
                    )
                    break
                for engine_block, kernel_block in ((BLOCK, None), (700, 300)):
                    found = compare_bits(
                        run_model(spec, inputs, samples, block=engine_block),
                        tight_kernel(x, kernel_block),
                    )
                    if found["differ"]:
                        raise SystemExit(
                            f"the tight kernel differs from the engine on {name} {overrides} "
                            f"(blocks {engine_block}, {kernel_block}): {', '.join(found['differ'])}"
                        )
                checked.append(
                    {
                        "config": name,
                        "overrides": overrides,
                        "samples": 1 if samples is None else n,
                        "arrays_compared": found["arrays"],
                    }
                )
    compared = [case for case in checked if "skipped" not in case]
    print(
        f"  bit for bit: tight kernel = engine on {len(compared)} cases ({len(SHIPPED)} shipped configs x "
        f"{len(VARIANTS)} impact variants x 1 and {n:,} samples, whole and in blocks)",
        flush=True,
    )
    return checked


def engine_rows(name: str, sizes: list[int]) -> tuple[list[dict], dict]:
    """Engine, tight kernel (whole and in blocks), loop and floors at each size."""
    spec, inputs, matrix = setup(name, max(sizes))
    n_years = len(inputs.projected_years)
    checks = {"loop_max_rel_diff": check_loop(spec, inputs, matrix), "tight": {}}
    loop_input = extract(spec, inputs, matrix.iloc[:LOOP_SAMPLES])
    rows = []
    for n in sizes:
        part = matrix.iloc[:n]
        checks["tight"][n] = check_tight(spec, inputs, part)
        count = OUTPUT_ARRAYS * (n_years + 1) * n  # float64 numbers in the outputs
        reused = np.empty(count)
        reused.fill(0.0)
        times = timed_together(
            {
                "engine": lambda part=part: run_model(spec, inputs, part),
                "whole": lambda part=part: tight_kernel(tight_inputs(spec, inputs, part)),
                "blocks": lambda part=part: tight_kernel(tight_inputs(spec, inputs, part), BLOCK),
                "inputs": lambda part=part: tight_inputs(spec, inputs, part),
            },
            repeats(n),
        )
        times |= timed_together(  # in rounds of their own: see the module's docstring
            {
                "fresh": lambda count=count: np.empty(count).fill(1.0),
                "reused": lambda reused=reused: reused.fill(1.0),
            },
            repeats(n),
        )
        del reused
        times |= _reused_memory_times(spec, inputs, part)
        engine, whole, blocks = times["engine"], times["whole"], times["blocks"]
        loop_rate = LOOP_SAMPLES / timed(lambda: python_loop(loop_input), 3)
        peaks = {
            "engine": peak_bytes(lambda part=part: run_model(spec, inputs, part)),
            "tight kernel": peak_bytes(
                lambda part=part: tight_kernel(tight_inputs(spec, inputs, part))
            ),
            "tight kernel, blocks": peak_bytes(
                lambda part=part: tight_kernel(tight_inputs(spec, inputs, part), BLOCK)
            ),
        }
        common = {"scenario": name, "samples": n, "years": n_years}
        for method, seconds, peak, note in (
            ("engine", engine, peaks["engine"], "traced"),
            ("tight kernel", whole, peaks["tight kernel"], "traced"),
            (f"tight kernel, blocks of {BLOCK}", blocks, peaks["tight kernel, blocks"], "traced"),
            ("engine, reused memory", times["engine reused"], None, ""),
            (f"tight kernel, blocks of {BLOCK}, reused memory", times["blocks reused"], None, ""),
            ("floor: write outputs, fresh memory", times["fresh"], count * 8, "bytes"),
            ("floor: write outputs, reused memory", times["reused"], count * 8, "bytes"),
            (f"per-sample Python loop (rate on {LOOP_SAMPLES})", n / loop_rate, None, ""),
        ):
            rows.append(
                {
                    **common,
                    "method": method,
                    "seconds": seconds,
                    "samples_per_s": n / seconds,
                    "peak_mb": None if peak is None else peak / 1e6,
                    "peak_kind": note,
                }
            )
            if method.startswith("tight"):
                rows[-1]["of_which_tight_inputs_s"] = times["inputs"]
        print(
            f"  {name:12s} n={n:>9,d}  engine {engine:.4f} s  tight {whole:.4f} s  blocks {blocks:.4f} s  "
            f"floor {times['fresh']:.4f} s",
            flush=True,
        )
    return rows, checks


def _reused_memory_times(spec, inputs, part) -> dict[str, float]:
    """The engine and the tight kernel in blocks writing into outputs already paged in (a
    :class:`Memory`, arrays of :func:`kernels.allocate_outputs`), in rounds of their own: the
    arithmetic without the page faults, whose cost on this virtual machine moves from call to
    call (at 10^6 samples the same call took 1.2 s to 7 s, mostly system time)."""
    memory, kernel_out = Memory(), allocate_outputs(tight_inputs(spec, inputs, part))
    run_model(spec, inputs, part, memory=memory)
    tight_kernel(tight_inputs(spec, inputs, part), BLOCK, out=kernel_out)
    return {
        f"{name} reused": seconds
        for name, seconds in timed_together(
            {
                "engine": lambda: run_model(spec, inputs, part, memory=memory),
                "blocks": lambda: tight_kernel(tight_inputs(spec, inputs, part), BLOCK, kernel_out),
            },
            repeats(part.shape[0]),
        ).items()
    }


def ema_rates(sizes: list[int]) -> tuple[list[dict], dict]:
    """EMA Workbench on 2,000 experiments of the baseline ensemble; rows at each size from its rate."""
    reason = ema.available()
    if reason:
        print(f"  EMA Workbench skipped: {reason}", flush=True)
        return [], {"skipped": reason}
    spec, inputs, matrix = setup("baseline", EMA_EXPERIMENTS)
    runs = [ema.run(spec, inputs, matrix), ema.run(spec, inputs, matrix, processes=EMA_PROCESSES)]
    for r in runs:
        if r["max_rel_diff_from_engine"] > 1e-12:
            raise SystemExit(
                f"EMA Workbench's outcomes differ from the engine's ({r['max_rel_diff_from_engine']:.2e})"
            )
    engine = timed(lambda: run_model(spec, inputs, matrix), repeats(EMA_EXPERIMENTS))
    summary = {
        "experiments": EMA_EXPERIMENTS,
        "runs": runs,
        "engine_same_experiments_s": engine,
        "engine_same_experiments_per_s": EMA_EXPERIMENTS / engine,
    }
    for r in runs:
        print(
            f"  EMA Workbench, {r['processes']} process(es): {r['experiments_per_s']:.0f} experiments/s "
            f"(its worker pool's start apart: {r['pool_start_s']:.2f} s; engine on the same "
            f"{EMA_EXPERIMENTS:,}: {EMA_EXPERIMENTS / engine:,.0f}/s)",
            flush=True,
        )
    rows = [
        {
            "scenario": "baseline",
            "samples": n,
            "method": f"EMA Workbench, {r['processes']} process{'es' if r['processes'] > 1 else ''} "
            f"(rate on {EMA_EXPERIMENTS:,})",
            "seconds": n / r["experiments_per_s"],
            "samples_per_s": r["experiments_per_s"],
            "peak_mb": None,
            "peak_kind": "",
        }
        for n in sizes
        for r in runs
    ]
    return rows, summary


# Runs a command and reports its wall time and its own rusage. A child's ru_maxrss counts the
# resident memory of the process it was forked from (Linux keeps the old address space's high-water
# mark across exec), so the children are started from this small launcher, not from the benchmark
# process and its gigabytes of arrays.
LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "peak_bytes": usage.ru_maxrss * 1024, "exit": os.waitstatus_to_exitcode(status)}, out)
"""


def child_usage(args: list[str], stdout) -> tuple[float, int]:
    """Wall seconds and peak resident bytes (Linux ru_maxrss, in kilobytes) of one child process."""
    with tempfile.TemporaryFile() as stderr, tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "child.json"
        subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(report), *args],
            stdout=stdout,
            stderr=stderr,
            check=True,
        )
        found = json.loads(report.read_text())
        if found["exit"]:
            stderr.seek(0)
            raise SystemExit(
                f"{' '.join(args)} failed ({found['exit']}): {stderr.read().decode()[-2000:]}"
            )
    return found["seconds"], found["peak_bytes"]


def _reference_job(n: int, tmp: Path) -> tuple[float, int, dict]:
    """One reference job: wall seconds, peak resident bytes and its own split of the time."""
    report = tmp / "reference.json"
    with report.open("w") as handle:
        seconds, peak = child_usage(
            [
                sys.executable,
                str(HERE / "reference_job.py"),
                "baseline",
                str(n),
                "1",
                str(tmp / "reference.nc"),
            ],
            handle,
        )
    (tmp / "reference.nc").unlink()
    return seconds, peak, json.loads(report.read_text())


def _cli_run(n: int, tmp: Path, cli: list[str]) -> tuple[float, int]:
    """One ``scenarios run baseline --samples n --seed 1 --no-plots``, into a folder deleted after."""
    out = tmp / "runs"
    found = child_usage(
        [
            *cli,
            "run",
            "baseline",
            "--samples",
            str(n),
            "--seed",
            "1",
            "--no-plots",
            "--out",
            str(out),
        ],
        subprocess.DEVNULL,
    )
    shutil.rmtree(out)
    return found


def run_rows(sizes: list[int]) -> list[dict]:
    """The reference job and the CLI run on the same baseline ensemble (seed 1), as child processes,
    alternated (three rounds up to 10^4 samples, one above); the medians of time and peak."""
    command = shutil.which("scenarios")
    cli = [command] if command else [sys.executable, "-m", "scenarios"]
    rows = []
    for n in sizes:
        ref, runs = [], []
        with tempfile.TemporaryDirectory(prefix="bench_run_") as tmp:
            for _ in range(3 if n <= 10_000 else 1):
                ref.append(_reference_job(n, Path(tmp)))
                runs.append(_cli_run(n, Path(tmp), cli))
        ref_s, ref_peak = (float(np.median([r[i] for r in ref])) for i in (0, 1))
        cli_s, cli_peak = (float(np.median([r[i] for r in runs])) for i in (0, 1))
        parts = {key: float(np.median([r[2][key] for r in ref])) for key in ref[0][2]}
        common = {"scenario": "baseline", "samples": n, "peak_kind": "RSS"}
        rows.append(
            {
                **common,
                "method": "reference job: engine + xarray to NetCDF",
                "seconds": ref_s,
                "samples_per_s": n / ref_s,
                "peak_mb": ref_peak / 1e6,
                "parts": parts,
            }
        )
        rows.append(
            {
                **common,
                "method": "CLI: scenarios run baseline --no-plots",
                "seconds": cli_s,
                "samples_per_s": n / cli_s,
                "peak_mb": cli_peak / 1e6,
            }
        )
        print(
            f"  n={n:>9,d}  reference job {ref_s:.2f} s {ref_peak / 1e9:.2f} GB (import {parts['import_s']:.2f} s, "
            f"inputs and samples {parts['inputs_and_samples_s']:.2f} s, engine {parts['engine_s']:.2f} s, "
            f"NetCDF {parts['write_s']:.2f} s)  CLI {cli_s:.2f} s {cli_peak / 1e9:.2f} GB",
            flush=True,
        )
    return rows


def scaling(n: int) -> dict:
    """Engine time against projected years (horizon) and countries (baseline, n samples)."""
    years = []
    for horizon in (2030, 2040, 2050, 2060):
        spec, inputs, matrix = setup("baseline", n, horizon=horizon)
        seconds = timed(
            lambda spec=spec, inputs=inputs, matrix=matrix: run_model(spec, inputs, matrix), 3
        )
        years.append(
            {
                "horizon": horizon,
                "projected_years": len(inputs.projected_years),
                "engine_s": seconds,
            }
        )
    countries = []
    full = api.load_config("baseline")
    order = ["USA", "CHN", "DEU", "WLD"]
    for k in range(1, len(order) + 1):
        keep = order[:k]
        spec = full.model_copy(
            update={
                "countries": {c: full.countries[c] for c in keep},
                "programs": {p: v for p, v in full.programs.items() if v.country in keep},
            }
        )
        inputs = build_inputs(spec, load_dataset(spec.data.path))
        matrix = api.draw_samples(spec, n)
        seconds = timed(
            lambda spec=spec, inputs=inputs, matrix=matrix: run_model(spec, inputs, matrix), 3
        )
        countries.append({"countries": k, "programs": len(spec.programs), "engine_s": seconds})
    return {"samples": n, "by_years": years, "by_countries": countries}


def sobol_engine_side() -> dict:
    """What a Sobol' analysis of 12 parameters at N = 2^14 asks of the engine: 425,984 runs of
    nnmi_full45 and of its reference (the design and the indices are the sensitivity code's)."""
    n = 2**14 * (2 * 12 + 2)
    spec, inputs, matrix = setup("nnmi_full45", n)
    ref, ref_inputs = load("baseline")
    shared = matrix[[c for c in matrix.columns if c in ref.uncertainties]]
    start = time.perf_counter()
    run_model(spec, inputs, matrix)
    run_model(ref, ref_inputs, shared)
    seconds = time.perf_counter() - start
    return {
        "runs": n,
        "scenario_and_reference_engine_s": seconds,
        "note": "engine only; benchmarks/sobol_benchmark.py measures the analysis end to end",
    }


def with_ratios(rows: list[dict]) -> list[dict]:
    """Each row's time over the engine's (same scenario and size) and, where the reference job ran,
    its time and peak memory over the reference job's."""
    engine = {(r["scenario"], r["samples"]): r["seconds"] for r in rows if r["method"] == "engine"}
    reference = {
        (r["scenario"], r["samples"]): r for r in rows if r["method"].startswith("reference job")
    }
    for r in rows:
        key = (r["scenario"], r["samples"])
        if key in engine:
            r["over_engine"] = r["seconds"] / engine[key]
        if key in reference:
            r["over_reference"] = r["seconds"] / reference[key]["seconds"]
            if r["peak_kind"] == "RSS":
                r["peak_over_reference"] = r["peak_mb"] / reference[key]["peak_mb"]
    order = {"engine": 0}
    return sorted(rows, key=lambda r: (r["scenario"], r["samples"], order.get(r["method"], 1)))


def headline(rows: list[dict]) -> str:
    """The ratios the targets are about, one line per scenario and size."""
    lines = []
    for scenario, n in sorted({(r["scenario"], r["samples"]) for r in rows}):
        here = {r["method"]: r for r in rows if (r["scenario"], r["samples"]) == (scenario, n)}
        if "engine" not in here:
            continue
        engine = here["engine"]["seconds"]
        tight = min(
            r["seconds"]
            for m, r in here.items()
            if m.startswith("tight kernel") and "reused" not in m
        )
        fresh = next(
            r["seconds"] for m, r in here.items() if m.startswith("floor: write outputs, fresh")
        )
        parts = [
            f"engine / best tight kernel {engine / tight:.2f}",
            f"engine / fresh-memory floor {engine / fresh:.1f}",
        ]
        kernel_reused = here.get(f"tight kernel, blocks of {BLOCK}, reused memory")
        if kernel_reused:
            ratio = here["engine, reused memory"]["seconds"] / kernel_reused["seconds"]
            parts.append(f"in reused memory, engine / tight kernel {ratio:.2f}")
        loop = next((r for m, r in here.items() if m.startswith("per-sample")), None)
        if loop:
            parts.append(f"loop / engine {loop['seconds'] / engine:,.0f}")
        for m, r in here.items():
            if m.startswith("EMA"):
                parts.append(f"{m.split(' (')[0]} / engine {r['seconds'] / engine:,.0f}")
        cli = next((r for m, r in here.items() if m.startswith("CLI")), None)
        if cli:
            parts.append(
                f"CLI / reference job: time {cli['over_reference']:.2f}, peak {cli['peak_over_reference']:.2f}"
            )
        lines.append(f"  {scenario} {n:,}: " + "; ".join(parts))
    return "\n".join(lines)


def _number(value, spec: str) -> str:
    return "" if value is None else format(value, spec)


def table(rows: list[dict]) -> str:
    head = (
        f"{'scenario':12s} {'samples':>9s}  {'method':50s} {'seconds':>9s} {'samples/s':>10s} "
        f"{'t/engine':>9s} {'t/ref':>7s} {'peak MB':>8s} {'kind':6s} {'peak/ref':>8s}"
    )
    lines = [head, "-" * len(head)]
    previous = None
    for r in rows:
        if previous is not None and (r["scenario"], r["samples"]) != previous:
            lines.append("")
        previous = (r["scenario"], r["samples"])
        lines.append(
            f"{r['scenario']:12s} {r['samples']:>9,d}  {r['method'][:50]:50s} {r['seconds']:>9.4g} "
            f"{r['samples_per_s']:>10.3g} {_number(r.get('over_engine'), '>9.3g'):>9s} "
            f"{_number(r.get('over_reference'), '>7.3g'):>7s} {_number(r['peak_mb'], '>8.1f'):>8s} "
            f"{r['peak_kind']:6s} {_number(r.get('peak_over_reference'), '>8.2f'):>8s}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Engine benchmarks")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="10^3 to 10^5 samples, reference job and CLI at 10^4 and 10^5, no Sobol' run",
    )
    parser.add_argument("--max-samples", type=int, default=10**6)
    parser.add_argument(
        "--engine-only",
        action="store_true",
        help="only the engine, tight kernel, per-sample loop and bandwidth floor, 10^3 to "
        "--max-samples samples (with --quick, to 10^5); prints them, writes no JSON",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check the tight kernel and the loop against the engine (seconds)",
    )
    args = parser.parse_args()
    if args.check:
        check_shipped()
        for name in ("baseline", "nnmi_full45"):
            spec, inputs, matrix = setup(name, 10_000)
            check_tight(spec, inputs, matrix)
            print(
                f"  {name}: per-sample loop within {check_loop(spec, inputs, matrix):.1e} of the engine"
            )
        return
    top = 10**5 if args.quick else args.max_samples
    sizes = [n for n in (10**3, 10**4, 10**5, 10**6) if n <= top]
    run_sizes = [n for n in sizes if n >= 10**4]
    started = time.perf_counter()
    print("checks", flush=True)
    checks = {"shipped": check_shipped()}
    print("engine, tight kernel, per-sample loop, bandwidth floor", flush=True)
    rows = []
    for name in ("baseline", "nnmi_full45"):
        found, checks[name] = engine_rows(name, sizes)
        rows += found
    if args.engine_only:
        rows = with_ratios(rows)
        print(f"\n{table(rows)}\n\nratios (target: engine within 1.3x of the tight kernel)")
        print(headline(rows))
        print(f"load average {os.getloadavg()}; {time.perf_counter() - started:.0f} s")
        return
    print("EMA Workbench", flush=True)
    found, ema_summary = ema_rates(sizes)
    rows += found
    print("reference job and CLI run (child processes)", flush=True)
    rows += run_rows(run_sizes)
    rows = with_ratios(rows)
    print("scaling", flush=True)
    grows = scaling(10**4 if args.quick else 10**5)
    sobol = None if args.quick else sobol_engine_side()
    record = {
        "machine": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
        "quick": args.quick,
        "rows": rows,
        "checks": checks,
        "ema_workbench": ema_summary,
        "scaling": grows,
        "sobol_engine": sobol,
        "targets": {
            "engine_over_tight_kernel_max": 1.3,
            "cli_over_reference_time_max": 2.0,
            "cli_over_reference_peak_max": 1.5,
        },
        "seconds": time.perf_counter() - started,
    }
    print()
    print(table(rows))
    print(
        "\nt/engine: this time over the engine's at the same size; t/ref, peak/ref: over the reference job's.\n"
        "peak kind: traced = tracemalloc peak in this process; RSS = the child's peak resident memory;\n"
        "bytes = the outputs' size. Loop and EMA Workbench rows: n / the rate measured on their own samples."
    )
    print(
        "\nratios (targets: engine within 1.3x of the tight kernel; CLI within 2x of the reference job's time "
        "and 1.5x of its peak memory)"
    )
    print(headline(rows))
    print(
        f"bit for bit: tight kernel = engine on all arrays in "
        f"{sum('skipped' not in case for case in checks['shipped'])} cases of the shipped "
        "configs (python benchmarks/run.py --check)"
    )
    for case in checks["shipped"]:
        if "skipped" in case:
            print(f"not checked: {case['config']} {case['overrides']}: {case['skipped']}")
    for name in ("baseline", "nnmi_full45"):
        found = checks[name]
        sizes_checked = ", ".join(f"{n:,}" for n in found["tight"])
        print(
            f"bit for bit: tight kernel = engine on all {OUTPUT_ARRAYS} arrays, {name}, n = {sizes_checked}; "
            f"loop within {found['loop_max_rel_diff']:.1e}"
        )
    print(f"\nscaling with projected years (n = {grows['samples']}):")
    for r in grows["by_years"]:
        print(f"  {r['projected_years']:3d} years  {r['engine_s']:.3f} s")
    print("scaling with countries:")
    for r in grows["by_countries"]:
        print(f"  {r['countries']} countries, {r['programs']} programs  {r['engine_s']:.3f} s")
    if sobol:
        print(
            f"Sobol' engine side: {sobol['runs']:,} runs of nnmi_full45 + baseline in "
            f"{sobol['scenario_and_reference_engine_s']:.2f} s"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2, default=float) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
