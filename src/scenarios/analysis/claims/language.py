"""What a claim may say: the metric it names (with units and a label), its condition, its source."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from scenarios.config.schema import Strict

OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class MetricRef(Strict):
    """Which metric a claim is about, with its arguments.

    ``reference`` turns it into a policy effect: the metric minus (``change: difference``) or
    relative to (``change: percent``, as a fraction) the same metric in the reference scenario.
    ``by_year`` evaluates a yearly metric in every year up to ``year``: the claim holds if the
    condition is met in any of them ("45 institutes by 2022").
    """

    name: str
    country: str | None = None
    a: str | None = None
    b: str | None = None
    program: str | None = None
    year: int | None = None
    start: int | None = None
    end: int | None = None
    reference_country: str = "USA"
    price_basis: Literal["constant_2015_usd", "current_usd"] = "constant_2015_usd"
    reference: str | None = None
    change: Literal["difference", "percent"] = "difference"
    by_year: bool = False


UNITS = {
    "mva": "USD million, constant 2015 prices",
    "mva_ratio": "ratio",
    "world_share": "fraction of world MVA",
    "institutes_active": "count",
    "institutes_established": "count",
    "intensity_index": "index",
    "cagr": "fraction per year",
    "cagr_gap": "fraction per year",
    "crossover_year": "year",
    "spend_federal_cumulative": "USD million, constant 2015 prices",
}


def metric_label(ref: MetricRef) -> str:
    """``cagr_gap CHN-USA 2025-2035 (fraction per year)``, with the policy-effect wording."""
    who = "-".join(x for x in (ref.a, ref.b) if x) or ref.country or ref.program or ""
    when = (
        f"{ref.start}-{ref.end}" if ref.start is not None else (str(ref.year) if ref.year else "")
    )
    units = UNITS.get(ref.name, "")
    if ref.reference and ref.change == "percent":
        units = "fraction"
    effect = f" vs {ref.reference}" if ref.reference else ""
    return f"{ref.name} {who} {when}{effect}".replace("  ", " ").strip() + (
        f" ({units})" if units else ""
    )


class Condition(Strict):
    """``op`` with ``value``, or ``between`` with ``low`` and ``high`` (inclusive)."""

    op: Literal["<", "<=", ">", ">=", "between"]
    value: float | None = None
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> Condition:
        if self.op == "between":
            if self.low is None or self.high is None or self.low >= self.high:
                raise ValueError("'between' needs low < high")
        elif self.value is None:
            raise ValueError(f"'{self.op}' needs a value")
        return self

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Element-wise truth of the condition (NaN never holds)."""
        values = np.asarray(values, dtype=float)
        if self.op == "between":
            return (values >= self.low) & (values <= self.high)
        return OPS[self.op](values, self.value)

    @property
    def thresholds(self) -> list[float]:
        return [self.low, self.high] if self.op == "between" else [self.value]

    def __str__(self) -> str:
        if self.op == "between":
            return f"between {self.low:g} and {self.high:g}"
        return f"{self.op} {self.value:g}"


class Claim(Strict):
    """One testable statement. ``scenario: null`` makes it a claim about the observed data."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    text: str
    source: str
    scenario: str | None = None
    metric: MetricRef
    holds_if: Condition
    published: float | None = None
    note: str = ""


class ClaimFile(Strict):
    """A claim file: one argument from a source, stated as one or more claims."""

    argument: str = ""
    source: str = ""
    claims: list[Claim] = Field(min_length=1)
