"""Numbers for people, read from a long-format metrics table: a metric's median and 90 % range
with its units, money in USD billion, rates in percent.

>>> money(1234.5, "USD million, constant 2015 prices")
'USD 1.23 billion (constant 2015 prices)'
"""

from __future__ import annotations

import math

import pandas as pd

from scenarios.outputs.report.page import format_value

MILLION = "USD million"


def money(value: float, units: str) -> str:
    """A USD-million amount in billion from 1,000 million on, with its price basis."""
    basis = units.removeprefix(MILLION).strip(", ")
    suffix = f" ({basis})" if basis else ""
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1000:
        billions = f"{size / 1000:,.3g}" if size < 1e6 else f"{size / 1000:,.0f}"
        return f"{sign}USD {billions} billion{suffix}"
    return f"{sign}USD {size:.3g} million{suffix}"


def number(value: float, units: str, metric: str = "") -> str:
    """One value with its units, formatted for the metric (percent, years, USD billion)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if units.startswith(MILLION):
        return money(float(value), units)
    text, shown_units = format_value(value, units, metric)
    if shown_units in ("", "1", "year"):
        return text
    short = {"percent": "%", "percent per year": "% a year"}
    unit = short.get(shown_units, shown_units.replace("percentage points", "pp"))
    return f"{text} {unit}"


def _rows(metrics: pd.DataFrame, metric: str, country: str, end: int | None) -> pd.DataFrame:
    rows = metrics[(metrics["metric"] == metric) & (metrics["country"] == country)]
    return rows if end is None else rows[rows["end"] == end]


def quantity(metrics: pd.DataFrame, metric: str, country: str, end: int | None = None) -> str:
    """A metric as "median [5 % to 95 %] units" for an ensemble, "value units" for one run;
    "" when the table has no such row."""
    rows = _rows(metrics, metric, country, end)
    if rows.empty:
        return ""
    values = dict(zip(rows["statistic"], rows["value"], strict=False))
    notes = dict(zip(rows["statistic"], rows.get("note", pd.Series([""] * len(rows))), strict=False))
    units = str(rows["units"].iloc[0])
    central = "p50" if "p50" in values else "value"
    if isinstance(notes.get(central), str) and notes[central]:
        return notes[central]
    text = number(values[central], units, metric)
    if "p05" in values and "p95" in values:
        low, high = (number(values[k], units, metric) for k in ("p05", "p95"))
        text += f" [90 % range {low} to {high}]"
    return text


def signed(text: str) -> str:
    """A change with its sign shown: "+USD 1.2 billion"; negative numbers keep their minus."""
    return text if text.startswith(("-", "n/a")) or not text else f"+{text}"


def years_of(metrics: pd.DataFrame, metric: str) -> list[int]:
    """The end years a metric is reported for, ascending."""
    ends = metrics.loc[metrics["metric"] == metric, "end"].dropna()
    return sorted({int(y) for y in ends})
