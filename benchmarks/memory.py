"""Peak memory of ``scenarios run`` ensembles against the estimate the run is held to.

``python benchmarks/memory.py [SAMPLES ...]`` runs each ensemble in a fresh process (plots on, as
a user runs it) and prints its peak resident memory next to :func:`scenarios.memory.ensemble_bytes`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

from scenarios import api
from scenarios.data import load_dataset
from scenarios.memory import ensemble_bytes
from scenarios.model.inputs import build_inputs

CHILD = """
import resource, sys
from scenarios.cli import main
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def peak_bytes(config: str, samples: int) -> int:
    """Peak resident memory of one ``scenarios run`` in a process of its own."""
    with tempfile.TemporaryDirectory() as out:
        argv = ["scenarios", "run", config, "--samples", str(samples), "--seed", "1", "-q", "--out", out]
        done = subprocess.run([sys.executable, "-c", f"import sys; sys.argv = {argv!r}\n{CHILD}"],
                              capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def estimate(config: str, samples: int) -> int:
    spec = api.load_config(config)
    inputs = build_inputs(spec, load_dataset(spec.data.path))
    return ensemble_bytes(samples, len(inputs.years), len(inputs.countries), len(spec.programs),
                          with_reference=bool(spec.reference))


def main(sizes: list[int]) -> None:
    print("| config | samples | estimate GB | measured peak GB | estimate / peak |")
    print("|---|---|---|---|---|")
    for config in ("baseline", "nnmi_full45"):
        for samples in sizes:
            guess, peak = estimate(config, samples), peak_bytes(config, samples)
            print(f"| {config} | {samples:,} | {guess / 1e9:.2f} | {peak / 1e9:.2f} | {guess / peak:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [10**4, 10**5, 3 * 10**5])
