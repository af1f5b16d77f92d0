"""The published figures (``published_figures.yaml``): each figure and how to recompute it."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Literal

from pydantic import Field

from scenarios.config.schema import Strict

REGISTRY = "published_figures.yaml"


class Recipe(Strict):
    """What to compute: a kind from `KINDS` and the arguments it needs."""

    kind: Literal[
        "level",
        "share_of_gdp",
        "share_of_world",
        "cagr",
        "growth",
        "intensity",
        "intensity_index",
        "sum",
        "fact",
        "per_capita",
        "institute",
        "count",
    ]
    country: str | None = None
    reference_country: str | None = None
    year: int | None = None
    start: int | None = None
    end: int | None = None
    prices: Literal["constant_2015_usd", "current_usd"] = "current_usd"
    edition: str | None = None
    facts: list[str] = Field(default_factory=list)
    population: str | None = None
    program: str | None = None
    name: str | None = None
    field: Literal["federal", "nonfederal"] | None = None


class Figure(Strict):
    """One published figure: where it is printed, as printed, and how to recompute it."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str
    source: str
    location: str
    published: str = Field(pattern=r"^-?\d+(\.\d+)?$")
    qualifier: Literal["exact", "nearly", "under", "at_least"] = "exact"
    unit: str
    recipe: Recipe
    note: str = ""

    @property
    def value(self) -> float:
        return float(self.published)

    @property
    def step(self) -> float:
        """One unit of the last printed digit: 0.1 for "1.5", 1 for "30"."""
        return 10.0 ** Decimal(self.published).as_tuple().exponent

    def interval(self) -> tuple[float, float]:
        """[low, high) of the values that print as the figure (bounds may be infinite)."""
        x, u = self.value, self.step
        return {
            "exact": (x - u / 2, x + u / 2),
            "nearly": (x - u, x + u / 2),
            "under": (-math.inf, x),
            "at_least": (x, math.inf),
        }[self.qualifier]

    def reproduced(self, value: float) -> bool:
        """Whether `value` (in the figure's unit) prints as the published figure."""
        low, high = self.interval()
        if self.qualifier == "at_least":
            return value >= low
        return low <= value < high  # NaN is never reproduced


class Input(Strict):
    """A number the dataset does not hold, cited where it comes from."""

    value: float
    unit: str
    source: str
    note: str = ""


class Registry(Strict):
    figures: list[Figure] = Field(min_length=1)
    inputs: dict[str, Input] = Field(default_factory=dict)
