"""Engine benchmarks: ``python benchmarks/run.py`` prints a table and writes benchmarks/results/engine.json.

Measured in one run, on this machine:

* throughput of :func:`scenarios.model.engine.run_model` in sample-years per second at 10^3 to 10^6
  samples (baseline and nnmi_full45), next to (a) a plain per-sample Python loop of the same model
  and (b) a minimal numpy kernel of the same arithmetic (``benchmarks/kernels.py``), as ratios;
* times are medians of repeated calls with the garbage collector off while a call runs (as
  ``timeit`` times); "cold" is one call just after a full collection, next to them;
* peak memory of each (tracemalloc: the largest traced allocation total during the call);
* how the time grows with samples, projected years and countries;
* the engine side of a Sobol' analysis of 12 parameters at N = 2^14 (N (2d + 2) = 425,984 runs of
  the scenario and of its reference).

Options: ``--quick`` (10^3 to 10^5 only), ``--max-samples N``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from kernels import extract, numpy_kernel, python_loop

from scenarios import api
from scenarios.data import load_dataset
from scenarios.model.engine import run_model
from scenarios.model.inputs import build_inputs
from scenarios.results import to_dataset

RESULTS = Path(__file__).parent / "results" / "engine.json"
LOOP_SAMPLES = 300  # the Python loop runs this many samples; its rate does not depend on n


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


def cold(fn) -> float:
    """Seconds of one call just after a full garbage collection (caches evicted; at 10^6 samples,
    the first touch of the output pages): what a single call in a fresh program pays."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak_bytes(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def setup(name: str, n: int, **update):
    spec = api.load_config(name)
    if update:
        spec = spec.model_copy(update=update)
    inputs = build_inputs(spec, load_dataset(spec.data.path))
    matrix = api.draw_samples(spec, n)
    return spec, inputs, matrix


def check_agreement(spec, inputs, matrix) -> dict:
    """The two reference kernels compute what the engine computes (max relative difference)."""
    out = run_model(spec, inputs, matrix.iloc[:LOOP_SAMPLES])
    x = extract(spec, inputs, matrix.iloc[:LOOP_SAMPLES])
    kernel, loop = numpy_kernel(x), python_loop(x)

    def worst(paths: dict) -> float:
        pairs = [(paths[t][c], getattr(out, "mva_baseline" if t == "mva_baseline" else t)[c])
                 for t in ("mva", "mva_baseline", "capital") for c in out.mva]
        pairs += [(paths["programs"][k][f], getattr(out.programs[k], "launched" if f == "launched" else f))
                  for k in out.programs for f in ("active", "spend_total")]
        return max(float(np.max(np.abs(np.asarray(a) - b) / np.maximum(np.abs(b), 1e-300))) for a, b in pairs)

    worst_kernel = max(float(np.max(np.abs(kernel["mva"][c] / out.mva[c] - 1))) for c in out.mva)
    worst_loop = worst(loop)
    kernel_equal = all(np.array_equal(kernel["mva"][c], out.mva[c]) for c in out.mva)
    if worst_kernel > 1e-12 or worst_loop > 1e-12:
        raise SystemExit(f"reference kernels disagree with the engine ({worst_kernel:.2e}, {worst_loop:.2e})")
    return {"numpy_kernel_max_rel_diff": worst_kernel, "numpy_kernel_bit_identical": kernel_equal,
            "python_loop_max_rel_diff": worst_loop}


def throughput(names: list[str], sizes: list[int]) -> list[dict]:
    rows = []
    for name in names:
        spec, inputs, matrix = setup(name, max(sizes))
        agreement = check_agreement(spec, inputs, matrix)
        n_years = len(inputs.projected_years)
        loop_input = extract(spec, inputs, matrix.iloc[:LOOP_SAMPLES])
        for n in sizes:  # the loop is timed again for each row, next to the engine it is set against
            loop_rate = LOOP_SAMPLES * n_years / timed(lambda: python_loop(loop_input), 3)
            part = matrix.iloc[:n]
            repeat = 21 if n <= 10_000 else 5 if n <= 100_000 else 3
            engine_cold = cold(lambda part=part: run_model(spec, inputs, part))
            engine = timed(lambda part=part: run_model(spec, inputs, part), repeat)
            x = extract(spec, inputs, part)
            kernel = timed(lambda x=x: numpy_kernel(x), repeat)
            out = run_model(spec, inputs, part)
            labelled = timed(lambda out=out, part=part: to_dataset(spec, inputs, out, part), repeat)
            del out
            row = {
                "scenario": name, "samples": n, "years": n_years, "countries": len(inputs.countries),
                "programs": len(spec.programs),
                "engine_s": engine, "engine_sample_years_per_s": n * n_years / engine,
                "numpy_kernel_s": kernel, "numpy_kernel_sample_years_per_s": n * n_years / kernel,
                "python_loop_sample_years_per_s": loop_rate,
                "engine_vs_loop": (n * n_years / engine) / loop_rate,
                "engine_cold_s": engine_cold,
                "engine_cold_vs_loop": (n * n_years / engine_cold) / loop_rate,
                "engine_time_over_kernel_time": engine / kernel,
                "to_dataset_s": labelled,
                "engine_peak_mb": peak_bytes(lambda part=part: run_model(spec, inputs, part)) / 1e6,
                "numpy_kernel_peak_mb": peak_bytes(lambda x=x: numpy_kernel(x)) / 1e6,
                **agreement,
            }
            del x
            rows.append(row)
            print(f"  {name:12s} n={n:>9,d}  engine {row['engine_sample_years_per_s']:.3g} sy/s  "
                  f"x{row['engine_vs_loop']:.0f} loop  {row['engine_time_over_kernel_time']:.2f}x kernel time", flush=True)
    return rows


def scaling(n: int) -> dict:
    """Engine time against projected years (horizon) and countries (baseline, n samples)."""
    years = []
    for horizon in (2030, 2040, 2050, 2060):
        spec, inputs, matrix = setup("baseline", n, horizon=horizon)
        seconds = timed(lambda: run_model(spec, inputs, matrix), 3)
        years.append({"horizon": horizon, "projected_years": len(inputs.projected_years), "engine_s": seconds})
    countries = []
    full = api.load_config("baseline")
    order = ["USA", "CHN", "DEU", "WLD"]
    for k in range(1, len(order) + 1):
        keep = order[:k]
        spec = full.model_copy(update={
            "countries": {c: full.countries[c] for c in keep},
            "programs": {p: v for p, v in full.programs.items() if v.country in keep},
        })
        inputs = build_inputs(spec, load_dataset(spec.data.path))
        matrix = api.draw_samples(spec, n)
        seconds = timed(lambda spec=spec, inputs=inputs, matrix=matrix: run_model(spec, inputs, matrix), 3)
        countries.append({"countries": k, "programs": len(spec.programs), "engine_s": seconds})
    return {"samples": n, "by_years": years, "by_countries": countries}


def sobol_engine_side() -> dict:
    """What a Sobol' analysis of 12 parameters at N = 2^14 asks of the engine: 425,984 runs of
    nnmi_full45 and of its reference (the design and the indices are the sensitivity code's)."""
    n = 2**14 * (2 * 12 + 2)
    spec, inputs, matrix = setup("nnmi_full45", n)
    ref, ref_inputs, _ = setup("baseline", 1)
    shared = matrix[[c for c in matrix.columns if c in ref.uncertainties]]
    start = time.perf_counter()
    run_model(spec, inputs, matrix)
    run_model(ref, ref_inputs, shared)
    seconds = time.perf_counter() - start
    return {"runs": n, "scenario_and_reference_engine_s": seconds,
            "note": "engine only; benchmarks/sobol_benchmark.py measures the analysis end to end"}


def table(rows: list[dict]) -> str:
    head = (f"{'scenario':12s} {'samples':>9s} {'engine sy/s':>12s} {'kernel sy/s':>12s} {'loop sy/s':>10s} "
            f"{'vs loop':>8s} {'cold':>6s} {'t/t_kernel':>10s} {'engine MB':>10s} {'kernel MB':>10s} {'to_dataset s':>12s}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['scenario']:12s} {r['samples']:>9,d} {r['engine_sample_years_per_s']:>12.3g} "
                     f"{r['numpy_kernel_sample_years_per_s']:>12.3g} {r['python_loop_sample_years_per_s']:>10.3g} "
                     f"{r['engine_vs_loop']:>7.0f}x {r['engine_cold_vs_loop']:>5.0f}x "
                     f"{r['engine_time_over_kernel_time']:>10.2f} "
                     f"{r['engine_peak_mb']:>10.1f} {r['numpy_kernel_peak_mb']:>10.1f} {r['to_dataset_s']:>12.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Engine benchmarks")
    parser.add_argument("--quick", action="store_true", help="10^3 to 10^5 samples only, no Sobol' run")
    parser.add_argument("--max-samples", type=int, default=10**6)
    args = parser.parse_args()
    top = 10**5 if args.quick else args.max_samples
    sizes = [n for n in (10**3, 10**4, 10**5, 10**6) if n <= top]
    started = time.perf_counter()
    print("throughput (sy/s: sample-years per second)", flush=True)
    rows = throughput(["baseline", "nnmi_full45"], sizes)
    print("scaling", flush=True)
    grows = scaling(10**5 if not args.quick else 10**4)
    sobol = None if args.quick else sobol_engine_side()
    record = {
        "machine": {"python": sys.version.split()[0], "numpy": np.__version__, "cpus": os.cpu_count(),
                    "platform": platform.platform(), "load_average": os.getloadavg()},
        "throughput": rows, "scaling": grows, "sobol_engine": sobol,
        "targets": {"engine_vs_loop_min": 100, "engine_time_over_kernel_time_max": 3},
        "seconds": time.perf_counter() - started,
    }
    print()
    print(table(rows))
    print("\nscaling with projected years (n = %d):" % grows["samples"])
    for r in grows["by_years"]:
        print(f"  {r['projected_years']:3d} years  {r['engine_s']:.3f} s")
    print("scaling with countries:")
    for r in grows["by_countries"]:
        print(f"  {r['countries']} countries, {r['programs']} programs  {r['engine_s']:.3f} s")
    if sobol:
        print(f"Sobol' engine side: {sobol['runs']:,} runs of nnmi_full45 + baseline in "
              f"{sobol['scenario_and_reference_engine_s']:.2f} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2, default=float) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
