"""10 million samples of the baseline model over 2024-2040, chunked with dask: time and peak memory.

    python benchmarks/ten_million.py [--samples N] [--chunks K] [--out DIR] [--keep]

Peak memory is the process's peak resident set (resource.getrusage ru_maxrss: the driver and the
local threads that run the chunks). The run folder (about 3 kB of Zarr per sample) is deleted
afterwards unless --keep. Writes benchmarks/results/ten_million.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from scenarios.analysis.ensemble import run_chunked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--chunks", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="ten_million_"))
    started = time.perf_counter()
    run = run_chunked("baseline", samples=args.samples, chunks=args.chunks, out_dir=out)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes
    size = sum(f.stat().st_size for f in run.path.rglob("*") if f.is_file())
    record = {
        "scenario": "baseline",
        "years": "2024-2040",
        "samples": args.samples,
        "chunks": run.chunks,
        "scheduler": run.scheduler,
        "seconds": round(seconds, 1),
        "peak_rss_gb": round(peak / 1e9, 3),
        "sample_years_per_second": args.samples * 17 / seconds,
        "disk_gb": round(size / 1e9, 2),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "headline": run.summary[["metric", "country", "start", "end", "value"]].to_dict("records")[
            :6
        ],
    }
    print(json.dumps(record, indent=2, default=str))
    target = Path(__file__).parent / "results" / "ten_million.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(record, indent=2, default=str) + "\n")
    if not args.keep:
        shutil.rmtree(out if args.out is None else run.path, ignore_errors=True)


if __name__ == "__main__":
    main()
