"""Parameter values by dotted path: the config's point value, or one value per sample."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scenarios.errors import ConfigError


def lookup(tree: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of a nested mapping; KeyError names the first missing key."""
    node: Any = tree
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            raise KeyError(key)
        node = node[key]
    return node


class Parameters:
    """Every model parameter as an array over samples.

    Parameters
    ----------
    config
        The resolved config as a plain dict (``Spec.model_dump()``).
    samples
        One column per sampled dotted path, one row per sample; ``None`` for a deterministic run.
    """

    def __init__(self, config: Mapping[str, Any], samples: pd.DataFrame | None = None) -> None:
        self.config = config
        self.samples = samples
        self.n = 1 if samples is None else len(samples)

    def get(self, path: str, default: Any = None) -> np.ndarray:
        """Values at ``path`` as a float array of shape (n,)."""
        values = self.raw(path, default)
        if values.dtype == object:
            raise ConfigError("expected a number", path=path, value=values[0])
        return values.astype(float)

    def raw(self, path: str, default: Any = None) -> np.ndarray:
        """Values at ``path`` with their own dtype (categorical choices stay strings)."""
        if self.samples is not None and path in self.samples.columns:
            return self.samples[path].to_numpy()
        try:
            value = lookup(self.config, path)
        except KeyError:
            value = None
        if value is None:
            value = default
        if value is None:
            raise ConfigError("this parameter has no value", path=path, hint="set it in the config")
        return np.full(self.n, value, dtype=object if isinstance(value, str) else float)

    def config_value(self, path: str) -> Any:
        """The config's own value at ``path`` (not sampled), or None."""
        try:
            return lookup(self.config, path)
        except KeyError:
            return None

    def view(self, prefix: str) -> ParameterView:
        """A view that prefixes every path (``view('impact').get('rho')``)."""
        return ParameterView(self, prefix)


class ParameterView:
    """Parameters below one dotted prefix; the same ``get``/``raw`` interface."""

    def __init__(self, parameters: Parameters, prefix: str) -> None:
        self.parameters = parameters
        self.prefix = prefix

    @property
    def n(self) -> int:
        return self.parameters.n

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def get(self, name: str, default: Any = None) -> np.ndarray:
        return self.parameters.get(self.path(name), default)

    def raw(self, name: str, default: Any = None) -> np.ndarray:
        return self.parameters.raw(self.path(name), default)

    def has(self, name: str) -> bool:
        try:
            self.raw(name)
        except ConfigError:
            return False
        return True
