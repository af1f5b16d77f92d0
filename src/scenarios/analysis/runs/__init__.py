"""A scenario run: config and reference loaded, samples drawn, the model run, its manifest.

`loading` reads a scenario config (and the reference it is compared with), `execute` runs it
(`run`, `draw_samples`), and `replay` records a run in a manifest and runs one again from it.
"""

from scenarios.analysis.runs.execute import (
    Run,
    check_ensemble_size,
    draw_samples,
    held_warnings,
    off_centre,
    point_check,
    point_value,
    run,
)
from scenarios.analysis.runs.loading import (
    held_keys,
    load_config,
    load_reference,
    resolve,
    uncertainties_of,
)
from scenarios.analysis.runs.replay import DEPENDENCIES, manifest, run_from_manifest

__all__ = [
    "DEPENDENCIES",
    "Run",
    "check_ensemble_size",
    "draw_samples",
    "held_keys",
    "held_warnings",
    "load_config",
    "load_reference",
    "manifest",
    "off_centre",
    "point_check",
    "point_value",
    "resolve",
    "run",
    "run_from_manifest",
    "uncertainties_of",
]
