"""Peak memory of ``scenarios run`` ensembles against the estimate the run is held to.

``python benchmarks/memory.py [SAMPLES ...]`` runs each ensemble in a fresh process (plots on, as
a user runs it) and prints its peak resident memory next to :func:`scenarios.analysis.memory.ensemble_bytes`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import child_usage

from scenarios import api
from scenarios.analysis.memory import ensemble_bytes
from scenarios.data import load_dataset
from scenarios.model.inputs import build_inputs


def peak_bytes(config: str, samples: int) -> int:
    """Peak resident memory of one ``scenarios run`` in a process of its own, started from a small
    launcher (a child's high-water mark would otherwise include this process's)."""
    with tempfile.TemporaryDirectory() as out:
        argv = [
            sys.executable,
            "-m",
            "scenarios",
            "run",
            config,
            "--samples",
            str(samples),
            "--seed",
            "1",
            "-q",
            "--out",
            out,
        ]
        return child_usage(argv, subprocess.DEVNULL)[1]


def estimate(config: str, samples: int) -> int:
    spec = api.load_config(config)
    inputs = build_inputs(spec, load_dataset(spec.data.path))
    return ensemble_bytes(
        samples,
        len(inputs.projected_years) + 1,
        len(inputs.countries),
        len(spec.programs),
        with_reference=bool(spec.reference),
    )


def main(sizes: list[int]) -> None:
    print("| config | samples | estimate GB | measured peak GB | estimate / peak |")
    print("|---|---|---|---|---|")
    for config in ("baseline", "nnmi_full45"):
        for samples in sizes:
            guess, peak = estimate(config, samples), peak_bytes(config, samples)
            print(
                f"| {config} | {samples:,} | {guess / 1e9:.2f} | {peak / 1e9:.2f} | {guess / peak:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [10**4, 10**5, 3 * 10**5])
