"""How numbers read in the terminal: values with their units, ranges, spans of years."""

from __future__ import annotations


def with_range(middle: str, low: str, high: str) -> str:
    """``3,140 [2,686 to 3,728] USD M``: the range beside the median, the units said once."""
    units = ""
    while middle and middle[-1] == low[-1:] == high[-1:] and not middle[-1].isdigit():
        units, middle, low, high = middle[-1] + units, middle[:-1], low[:-1], high[:-1]
    return f"{middle.rstrip()} [{low.rstrip()} to {high.rstrip()}]" + (
        f" {units.strip()}" if units.strip() else ""
    )


def ensemble_range(metrics) -> dict[tuple, tuple[float, float]]:
    """(metric, country, start, end) -> (5 %, 95 %) quantiles of an ensemble's metrics table."""
    wide = metrics[metrics["statistic"].isin(["p05", "p95"])].pivot_table(
        index=["metric", "country", "start", "end"], columns="statistic", values="value"
    )
    return {key: (row["p05"], row["p95"]) for key, row in wide.iterrows()}


def year_span(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


def format_value(value: float, units: str, *, delta: bool = False) -> str:
    if units.startswith("fraction per year"):
        return f"{value * 100:+.3f} pp" if delta else f"{value:.2%}/yr"
    if units.startswith("fraction"):
        return f"{value:.3%}"
    if units.startswith("USD million"):
        return f"{value:,.0f} USD M"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
