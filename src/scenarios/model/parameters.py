"""Parameter values by dotted path: the config's point value, or one value per sample."""

from __future__ import annotations

import copy
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
        self.columns = {} if samples is None else _columns(samples)
        self.n = 1 if samples is None else len(samples)

    def rows(self, rows: slice) -> Parameters:
        """The same parameters for a slice of the samples."""
        if rows.indices(self.n) == (0, self.n, 1):
            return self
        part = copy.copy(self)
        part.columns = {path: values[rows] for path, values in self.columns.items()}
        part.n = len(range(*rows.indices(self.n)))
        return part

    def get(self, path: str, default: Any = None, *, shared: bool = False) -> np.ndarray:
        """Values at ``path`` as a float array of shape (n,); with ``shared``, of shape (1,) when
        the value is not sampled (one value for every sample, broadcasting like n of them)."""
        values = self.raw(path, default, shared=shared)
        if values.dtype == object:
            raise ConfigError("expected a number", path=path, value=values[0])
        return values.astype(float)

    def raw(self, path: str, default: Any = None, *, shared: bool = False) -> np.ndarray:
        """Values at ``path`` with their own dtype (categorical choices stay strings); ``shared`` as
        in :meth:`get`."""
        if path in self.columns:
            return self.columns[path]
        try:
            value = lookup(self.config, path)
        except KeyError:
            value = None
        if value is None:
            value = default
        if value is None:
            raise ConfigError("this parameter has no value", path=path, hint="set it in the config")
        return np.full(
            1 if shared else self.n, value, dtype=object if isinstance(value, str) else float
        )

    def has(self, path: str) -> bool:
        """Whether ``path`` has a value (sampled or in the config)."""
        return path in self.columns or self.config_value(path) is not None

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

    def get(self, name: str, default: Any = None, *, shared: bool = False) -> np.ndarray:
        return self.parameters.get(self.path(name), default, shared=shared)

    def raw(self, name: str, default: Any = None, *, shared: bool = False) -> np.ndarray:
        return self.parameters.raw(self.path(name), default, shared=shared)

    def has(self, name: str) -> bool:
        return self.parameters.has(self.path(name))


def _columns(samples: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each column's values, as ``samples[path].to_numpy()`` (one conversion for an all-float frame)."""
    if set(samples.dtypes) == {np.dtype(float)}:
        return dict(zip(samples.columns, samples.to_numpy().T, strict=True))
    return {path: samples[path].to_numpy() for path in samples.columns}
