"""The distribution families: uniform, triangular, normal, lognormal, PERT, beta, choice."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from scipy import stats

TAIL = 0.001
"""Tail probability cut from an unbounded end by ``bounds()`` (and by sensitivity designs)."""


def _invalid(message: str, hint: str) -> PydanticCustomError:
    # The hint travels in the error context; validate_uncertainties puts it in the ConfigError.
    return PydanticCustomError("invalid_distribution", message, {"hint": hint})


def _check_high(high: float | None, info: Any) -> float | None:
    low = info.data.get("low")
    if high is not None and low is not None and not high > low:
        raise _invalid(
            f"high ({high:g}) must be greater than low ({low:g})",
            "swap low and high, or widen the range",
        )
    return high


def _check_mode(mode: float, info: Any) -> float:
    low, high = info.data.get("low"), info.data.get("high")
    if low is not None and high is not None and not low <= mode <= high:
        raise _invalid(
            f"mode ({mode:g}) must lie within [low, high] = [{low:g}, {high:g}]",
            f"set mode between {low:g} and {high:g}",
        )
    return mode


def _check_positive(value: float, info: Any) -> float:
    if not value > 0:
        name = info.field_name.rstrip("_")
        raise _invalid(f"{name} must be > 0 (got {value:g})", f"use a positive {name}")
    return value


class _Distribution(BaseModel):
    """Shared behaviour: strict keys, finite numbers, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function: map probabilities ``u`` in [0, 1] to parameter values."""
        raise NotImplementedError

    def median(self) -> Any:
        """The 50 % quantile, as a Python scalar."""
        value = self.ppf(np.array([0.5]))[0]
        return value.item() if isinstance(value, np.generic) else value

    def bounds(self) -> tuple[Any, Any]:
        """Finite ``(low, high)`` range; an unbounded end is cut at the ``TAIL`` quantile."""
        lo, hi = self.ppf(np.array([TAIL, 1 - TAIL]))
        return float(lo), float(hi)


class Uniform(_Distribution):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float
    high: float

    _high = field_validator("high")(_check_high)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + np.asarray(u, dtype=float) * (self.high - self.low)

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Triangular(_Distribution):
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float
    high: float
    mode: float

    _high = field_validator("high")(_check_high)
    _mode = field_validator("mode")(_check_mode)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        c = (self.mode - self.low) / (self.high - self.low)
        return stats.triang.ppf(u, c, loc=self.low, scale=self.high - self.low)

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Normal(_Distribution):
    """Normal with ``mean`` and ``sd``, optionally truncated to ``[low, high]``."""

    dist: Literal["normal"]
    mean: float
    sd: float
    low: float | None = None
    high: float | None = None

    _sd = field_validator("sd")(_check_positive)
    _high = field_validator("high")(_check_high)

    @model_validator(mode="after")
    def _has_mass(self) -> Normal:
        a, b = self._standard_limits()
        if stats.norm.cdf(b) - stats.norm.cdf(a) < 1e-9:
            raise _invalid(
                f"[low, high] holds almost none of the normal(mean={self.mean:g}, "
                f"sd={self.sd:g}) mass",
                "move mean inside the truncation range or widen sd",
            )
        return self

    def _standard_limits(self) -> tuple[float, float]:
        a = -np.inf if self.low is None else (self.low - self.mean) / self.sd
        b = np.inf if self.high is None else (self.high - self.mean) / self.sd
        return a, b

    def ppf(self, u: np.ndarray) -> np.ndarray:
        if self.low is None and self.high is None:
            return stats.norm.ppf(u, loc=self.mean, scale=self.sd)
        return stats.truncnorm.ppf(u, *self._standard_limits(), loc=self.mean, scale=self.sd)

    def bounds(self) -> tuple[float, float]:
        lo, hi = super().bounds()
        return (lo if self.low is None else self.low), (hi if self.high is None else self.high)


class LogNormal(_Distribution):
    """Log-normal given its ``median`` and the ``sigma`` of its logarithm."""

    dist: Literal["lognormal"]
    median_: float = Field(alias="median")
    sigma: float

    model_config = ConfigDict(populate_by_name=True)
    _median = field_validator("median_")(_check_positive)
    _sigma = field_validator("sigma")(_check_positive)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.median_ * np.exp(self.sigma * stats.norm.ppf(u))


class Pert(_Distribution):
    """PERT (scaled beta) on ``[low, high]`` with most likely value ``mode``."""

    dist: Literal["pert"]
    low: float
    high: float
    mode: float
    shape: float = 4.0

    _high = field_validator("high")(_check_high)
    _mode = field_validator("mode")(_check_mode)
    _shape = field_validator("shape")(_check_positive)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        width = self.high - self.low
        a = 1 + self.shape * (self.mode - self.low) / width
        b = 1 + self.shape * (self.high - self.mode) / width
        return stats.beta.ppf(u, a, b, loc=self.low, scale=width)

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Beta(_Distribution):
    """Beta(``a``, ``b``) rescaled to ``[low, high]`` (default [0, 1])."""

    dist: Literal["beta"]
    a: float
    b: float
    low: float = 0.0
    high: float = 1.0

    _a = field_validator("a", "b")(_check_positive)
    _high = field_validator("high")(_check_high)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return stats.beta.ppf(u, self.a, self.b, loc=self.low, scale=self.high - self.low)

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Choice(_Distribution):
    """A discrete choice among ``values`` with probabilities ``weights`` (default equal).

    ``ppf`` walks the cumulative weights in the order the values are listed.
    """

    dist: Literal["choice"]
    values: list[bool | int | float | str] = Field(min_length=1)
    weights: list[float] | None = None

    _numeric: ClassVar = (bool, int, float)

    @field_validator("values")
    @classmethod
    def _unique(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise _invalid("values must be distinct", "list each value once; use weights")
        return values

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: list[float] | None, info: Any) -> list[float] | None:
        values = info.data.get("values")
        if weights is None or values is None:
            return weights
        if len(weights) != len(values):
            raise _invalid(
                f"{len(weights)} weights for {len(values)} values",
                "give one weight per value, in the same order",
            )
        if min(weights) < 0 or abs(sum(weights) - 1) > 1e-6:
            raise _invalid(
                f"weights must be >= 0 and sum to 1 (they sum to {sum(weights):g})",
                "divide each weight by their sum",
            )
        return weights

    @property
    def is_numeric(self) -> bool:
        """True when every value is a number."""
        return all(isinstance(v, self._numeric) for v in self.values)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        n = len(self.values)
        weights = np.full(n, 1 / n) if self.weights is None else np.asarray(self.weights)
        index = np.minimum(np.searchsorted(np.cumsum(weights), u, side="right"), n - 1)
        values = np.array(self.values, dtype=None if self.is_numeric else object)
        return values[index]

    def bounds(self) -> tuple[Any, Any]:
        """``(min, max)`` of numeric values; the first and last value of categorical ones."""
        if self.is_numeric:
            return min(self.values), max(self.values)
        return self.values[0], self.values[-1]


DISTRIBUTIONS: dict[str, type[_Distribution]] = {
    "uniform": Uniform,
    "triangular": Triangular,
    "normal": Normal,
    "lognormal": LogNormal,
    "pert": Pert,
    "beta": Beta,
    "choice": Choice,
}

Distribution = Annotated[
    Uniform | Triangular | Normal | LogNormal | Pert | Beta | Choice,
    Field(discriminator="dist"),
]
