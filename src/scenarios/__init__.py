"""Scenario and projection engine for manufacturing-innovation policy.

The Python API mirrors the command line: :func:`load_config`, :func:`run`, :func:`compare`,
:func:`sensitivity`, :func:`stress`, :func:`audit`; results are ``xarray.Dataset`` and ``pandas.DataFrame``.
"""

__version__ = "0.1.0"

from scenarios.api import (  # noqa: E402
    Run,
    audit,
    compare,
    load_config,
    load_run,
    run,
    save,
    save_sensitivity,
    save_stress,
    sensitivity,
    stress,
)
from scenarios.errors import ConfigError, DataError, ModelError, ScenariosError  # noqa: E402
from scenarios.model.growth import register_growth  # noqa: E402
from scenarios.model.impact import register_impact  # noqa: E402

__all__ = [
    "ConfigError",
    "DataError",
    "ModelError",
    "Run",
    "ScenariosError",
    "__version__",
    "audit",
    "compare",
    "load_config",
    "load_run",
    "register_growth",
    "register_impact",
    "run",
    "save",
    "save_sensitivity",
    "save_stress",
    "sensitivity",
    "stress",
]
