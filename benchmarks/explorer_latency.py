"""Explorer latency: ``python benchmarks/explorer_latency.py`` prints a table and writes
benchmarks/results/explorer_latency.json.

The time from a lever change to updated plot data: a widget's value is set on the page object
(:class:`scenarios.outputs.explorer.app.ExplorerPage`, no browser, no server), which re-runs the
ensemble of the scenario and its reference on common random numbers and refills the fan charts'
data sources, the headline table and the claim verdicts. Two kinds of lever:

* a policy lever (the Manufacturing USA budget): the reference's ensemble does not change and is
  reused;
* an assumption that is sampled (the match ratio): its distribution shifts, so the reference is
  re-run on the shifted draws too.

Median and 95th percentile over ``--repeats`` changes (fewer at 10,000), after one warm-up change.
Options: ``--samples 100 1000 10000``, ``--repeats 40``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from scenarios.outputs.explorer.app import ExplorerPage

LEVERS = {
    "policy (budget)": ("programs.manufacturing_usa.new_institute_budget.total", (1000.0, 1890.0)),
    "sampled assumption (match ratio)": ("programs.manufacturing_usa.match_ratio", (1.8, 2.4)),
}


def measure(samples: int, repeats: int) -> list[dict]:
    """Latency of each lever kind for one ensemble size, in milliseconds."""
    page = ExplorerPage("nnmi_full45", samples=samples)
    rows = []
    for kind, (path, values) in LEVERS.items():
        widget = page.widgets[path]
        widget.value = values[0]  # warm-up
        times = []
        for i in range(repeats):
            started = time.perf_counter()
            widget.value = values[(i + 1) % 2]  # the watcher re-runs and refills the plot data
            times.append(time.perf_counter() - started)
            assert page.error.object == "", page.error.object
        widget.value = page.explorer.values()[path]
        ms = 1000 * np.array(times)
        rows.append(
            {
                "samples": samples,
                "lever": kind,
                "repeats": repeats,
                "median_ms": float(np.median(ms)),
                "p95_ms": float(np.percentile(ms, 95)),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    rows = []
    for n in args.samples:
        rows += measure(n, args.repeats if n <= 1000 else max(10, args.repeats // 4))
    print(f"{'samples':>8}  {'lever':<34} {'median ms':>10} {'p95 ms':>8}")
    for r in rows:
        print(f"{r['samples']:>8,}  {r['lever']:<34} {r['median_ms']:>10.0f} {r['p95_ms']:>8.0f}")
    out = Path(__file__).parent / "results" / "explorer_latency.json"
    out.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "processor": platform.processor() or platform.machine(),
                },
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
