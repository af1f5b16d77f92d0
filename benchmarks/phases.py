"""Where a run's time goes: ``scenarios run CONFIG --samples N`` through the API, phase by phase.

    python benchmarks/phases.py CONFIG SAMPLES [--no-plots]

Each phase's functions are wrapped with a timer where the run calls them (the engine, labelling
the results, metrics, the NetCDF write, plots, the report page, the IAMC export, the CSV and JSON
files), then the run is made and saved as the command line does (``api.run_ensemble`` and
``api.save`` into a temporary folder). Prints one line per phase: seconds summed over calls (a
scenario with a reference runs the engine and labels results once per scenario, and once more for
the deterministic run beside the ensemble), and the total wall time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable

SECONDS: dict[str, float] = defaultdict(float)


def timer(phase: str, fn: Callable) -> Callable:
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SECONDS[phase] += time.perf_counter() - start

    return timed


def wrap(module, name: str, phase: str) -> None:
    setattr(module, name, timer(phase, getattr(module, name)))


def instrument() -> None:
    import scenarios.outputs.iamc as iamc
    import scenarios.outputs.plotting as plotting
    import scenarios.outputs.report as report
    from scenarios import api
    from scenarios.analysis.runs import execute

    wrap(execute, "run_model", "engine")
    wrap(execute, "to_dataset", "to_dataset")
    for name in ("compute_metrics", "delta_metrics"):
        wrap(execute, name, "metrics")
    wrap(api, "write_netcdf", "NetCDF write")
    wrap(plotting, "plot_run", "plots")
    wrap(report, "write_report", "report")
    wrap(iamc, "write_iamc", "IAMC csv/xlsx")
    wrap(api, "write_json", "manifest/CSV")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    parser.add_argument("samples", type=int)
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    from scenarios import api

    instrument()
    SECONDS["imports"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as out:
        run_ = api.run_ensemble(args.config, samples=args.samples, seed=1)
        api.save(run_, out, plots=not args.no_plots)
    total = time.perf_counter() - started
    for phase, seconds in SECONDS.items():
        print(f"{phase:<16} {seconds:7.2f} s")
    print(f"{'other':<16} {total - sum(SECONDS.values()):7.2f} s")
    print(f"{'total':<16} {total:7.2f} s")


if __name__ == "__main__":
    main()
