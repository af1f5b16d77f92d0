"""Scenario and projection engine for manufacturing-innovation policy.

The Python API mirrors the command line: :func:`load_config`, :func:`run`, :func:`compare`,
:func:`sensitivity`, :func:`stress`, :func:`solve`, :func:`audit`; results are ``xarray.Dataset`` and ``pandas.DataFrame``.

The names below are imported on first use, so that ``import scenarios`` (and the command line's
``--help``) does not pay for numpy, pandas and xarray until something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_WHERE = {
    "Run": "scenarios.api",
    "audit": "scenarios.api",
    "compare": "scenarios.api",
    "load_config": "scenarios.api",
    "load_run": "scenarios.api",
    "run": "scenarios.api",
    "save": "scenarios.api",
    "save_sensitivity": "scenarios.api",
    "save_solve": "scenarios.api",
    "save_stress": "scenarios.api",
    "sensitivity": "scenarios.api",
    "solve": "scenarios.api",
    "stress": "scenarios.api",
    "ConfigError": "scenarios.errors",
    "DataError": "scenarios.errors",
    "ModelError": "scenarios.errors",
    "ScenariosError": "scenarios.errors",
    "register_growth": "scenarios.model.growth",
    "register_impact": "scenarios.model.impact",
}

__all__ = ["__version__", *sorted(_WHERE)]

if TYPE_CHECKING:
    from scenarios.api import (
        Run as Run,
        audit as audit,
        compare as compare,
        load_config as load_config,
        load_run as load_run,
        run as run,
        save as save,
        save_sensitivity as save_sensitivity,
        save_solve as save_solve,
        save_stress as save_stress,
        sensitivity as sensitivity,
        solve as solve,
        stress as stress,
    )
    from scenarios.errors import (
        ConfigError as ConfigError,
        DataError as DataError,
        ModelError as ModelError,
        ScenariosError as ScenariosError,
    )
    from scenarios.model.growth import register_growth as register_growth
    from scenarios.model.impact import register_impact as register_impact


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'scenarios' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
