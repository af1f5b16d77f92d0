"""Program budgets over the model years: config money paths -> constant 2015 USD million per sample.

A budget is a list of segments (one ``Budget`` or several added up); a segment is either money
(converted with the deflator and exchange rate of its currency) or an institute pace, paid at the
per-sample cost of an institute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.config.schema import Budget, Spec
from scenarios.errors import ConfigError
from scenarios.model.inputs import Inputs
from scenarios.model.money import CURRENCY_ECONOMY, to_constant_usd
from scenarios.model.parameters import Parameters


@dataclass(frozen=True)
class Funding:
    """A program budget: its segments over the model years and, per sample, an institute's cost
    and the budget's scale."""

    segments: list[
        tuple[np.ndarray, bool, float]
    ]  # (path, paid per institute, the segment's own scale)
    cost: np.ndarray
    scale: np.ndarray
    path: (
        np.ndarray | None
    )  # the segments' sum when none is paid per institute (the same for every sample)

    def fill(self, by_year: np.ndarray, rows: slice, term: np.ndarray) -> None:
        """The budget of samples ``rows`` in constant 2015 USD million, into ``by_year`` (years, samples).

        The same sum as ``zeros + segment * own scale + ...``, segment by segment, times the scale.
        """
        scale = take(self.scale, rows)
        if self.path is not None:
            np.multiply(self.path[:, None], scale, out=by_year)
            return
        by_year[:] = 0.0
        for path, per_institute, own_scale in self.segments:
            if per_institute:
                np.multiply(path[:, None], take(self.cost, rows), out=term)
                term *= own_scale
                by_year += term
            else:
                by_year += (path * own_scale)[:, None]
        by_year *= scale


def take(values: np.ndarray, rows: slice) -> np.ndarray:
    """The values of samples ``rows``: per-sample values sliced, a shared (1,) value as it is."""
    return values if len(values) == 1 else values[rows]


def _segment(
    budget: Budget, deflator: pd.Series, spec: Spec, where: str, years: np.ndarray
) -> tuple[np.ndarray, bool]:
    """One budget segment over ``years``: (path, paid per institute); per institute, the path counts
    institutes, otherwise it is constant 2015 USD million."""
    if budget.institutes_per_year is not None:
        return np.where(
            (years >= budget.start) & (years <= budget.end), budget.institutes_per_year, 0.0
        ), True
    path = to_constant_usd(budget, years, deflator, spec.money.exchange_rates)
    if not np.isfinite(path).all():
        raise ConfigError(
            f"no deflator for dollar_year {budget.dollar_year}",
            path=f"{where}.dollar_year",
            value=budget.dollar_year,
            hint=f"use a year from {int(deflator.index.min())} on",
        )
    return path, False


def budget_path(
    spec: Spec,
    key: str,
    field: str,
    cost: np.ndarray,
    params: Parameters,
    inputs: Inputs,
    years: np.ndarray,
) -> Funding | None:
    """A program budget (all segments), or None when the program has none."""
    budget = getattr(spec.programs[key], field)
    if budget is None:
        return None
    segments = budget if isinstance(budget, list) else [budget]
    parts = []
    for i, segment in enumerate(segments):
        deflator = inputs.deflators[CURRENCY_ECONOMY[segment.currency]]
        where = f"programs.{key}.{field}" + (f"[{i}]" if isinstance(budget, list) else "")
        own_scale = (
            segment.scale if isinstance(budget, list) else 1.0
        )  # a single budget's scale is a parameter
        parts.append((*_segment(segment, deflator, spec, where, years), own_scale))
    path = None
    if not any(per_institute for _, per_institute, _ in parts):
        path = np.zeros(len(years))
        for segment_path, _, own_scale in parts:
            path = path + segment_path * own_scale
    return Funding(parts, cost, params.get(f"programs.{key}.{field}.scale", 1.0, shared=True), path)
