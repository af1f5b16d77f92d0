"""Numbers for people, read from a long-format metrics table: a metric's median and 90 % range
with its units, money in USD billion, rates in percent.

>>> money(1234.5, "USD million, constant 2015 prices")
'USD 1.23 billion'
"""

from __future__ import annotations

import math

import pandas as pd

from scenarios.outputs.report.page import format_value

MILLION = "USD million"


def money(value: float, units: str, scale: float | None = None) -> str:
    """A USD-million amount in billion from 1,000 million on (or at the ``scale`` of another)."""
    size = abs(value) if scale is None else abs(scale)
    sign = "-" if value < 0 else ""
    if size >= 1000:
        return f"{sign}USD {_sig3(abs(value) / 1000)} billion"
    return f"{sign}USD {_sig3(abs(value))} million"


def _bare(value: float, units: str, metric: str, scale: float | None = None) -> str:
    """A value without its units (money in billion when ``scale`` is 1,000 million or more)."""
    if units.startswith(MILLION):
        size = abs(value) if scale is None else abs(scale)
        return _sig3(value / 1000 if size >= 1000 else value)
    return format_value(value, units, metric)[0]


def _sig3(value: float) -> str:
    """Three significant digits, with thousands separators and never in e-notation."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def unit_words(units: str, metric: str = "", scale: float = 0.0) -> str:
    """The units a value is shown in: "%", "pp a year", "USD billion", "" for a bare number."""
    if units.startswith(MILLION):
        return "USD billion" if abs(scale) >= 1000 else "USD million"
    if units.startswith("ratio") or units in ("", "1", "year", "index", "count"):
        return ""
    shown = format_value(0.0, units, metric)[1]
    short = {"percent": "%", "percent per year": "% a year"}
    return short.get(shown, shown.replace("percentage points", "pp"))


def number(value: float, units: str, metric: str = "") -> str:
    """One value with its units, formatted for the metric (percent, years, USD billion)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if units.startswith(MILLION):
        return money(float(value), units)
    unit = unit_words(units, metric)
    text = format_value(value, units, metric)[0]
    return f"{text} {unit}" if unit else text


def _rows(metrics: pd.DataFrame, metric: str, country: str, end: int | None) -> pd.DataFrame:
    rows = metrics[(metrics["metric"] == metric) & (metrics["country"] == country)]
    return rows if end is None else rows[rows["end"] == end]


def quantity(metrics: pd.DataFrame, metric: str, country: str, end: int | None = None) -> str:
    """A metric as "median units (90 % range low to high)" for an ensemble, "value units" for
    one run; "" when the table has no such row."""
    rows = _rows(metrics, metric, country, end)
    if rows.empty:
        return ""
    values = dict(zip(rows["statistic"], rows["value"], strict=False))
    notes = dict(zip(rows["statistic"], rows["note"], strict=False)) if "note" in rows else {}
    units = str(rows["units"].iloc[0])
    central = "p50" if "p50" in values else "value"
    if isinstance(notes.get(central), str) and notes[central]:
        return notes[central]
    shown = [values[k] for k in (central, "p05", "p95") if k in values]
    scale = max(abs(v) for v in shown)
    unit = unit_words(units, metric, scale)
    text = _bare(values[central], units, metric, scale)
    if unit.startswith("USD"):
        text = f"{'-' if text.startswith('-') else ''}USD {text.removeprefix('-')}{unit[3:]}"
    elif unit:
        text += f" {unit}"
    if "p05" in values and "p95" in values:
        low, high = (_bare(values[k], units, metric, scale) for k in ("p05", "p95"))
        text += f" (90 % range {low} to {high})"
    return text


def signed(text: str) -> str:
    """A change with its sign shown: "+USD 1.2 billion"; negative numbers keep their minus."""
    return text if text.startswith(("-", "n/a")) or not text else f"+{text}"


def years_of(metrics: pd.DataFrame, metric: str) -> list[int]:
    """The end years a metric is reported for, ascending."""
    ends = metrics.loc[metrics["metric"] == metric, "end"].dropna()
    return sorted({int(y) for y in ends})
