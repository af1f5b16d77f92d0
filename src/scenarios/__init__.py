"""Scenario and projection engine for manufacturing-innovation policy."""

from scenarios.errors import ConfigError, DataError, ModelError, ScenariosError

__version__ = "0.1.0"

__all__ = ["ConfigError", "DataError", "ModelError", "ScenariosError", "__version__"]
