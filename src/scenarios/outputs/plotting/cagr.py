"""CAGR gap between two countries over a window, one row per scenario, with ranges."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes

from scenarios.errors import ConfigError
from scenarios.outputs.plotting._common import (
    Results,
    as_mapping,
    base_year,
    finish,
    new_axes,
    quantiles,
)
from scenarios.outputs.plotting.style import FONTSIZE, scenario_color
from scenarios.results import full_series


def cagr_samples(results: xr.Dataset, country: str, start: int, end: int) -> np.ndarray:
    """Compound annual growth rate of MVA from ``start`` to ``end`` per sample (fraction/year)."""
    if end <= start:
        raise ConfigError(
            f"CAGR window {start}-{end} is empty",
            value=(start, end),
            hint="use an end year after the start year",
        )
    mva = full_series(results, "mva", country=country)
    first = mva.sel(year=start).to_numpy().astype(float)
    last = mva.sel(year=end).to_numpy().astype(float)
    return (last / first) ** (1.0 / (end - start)) - 1.0


def cagr_gap_samples(results: xr.Dataset, a: str, b: str, start: int, end: int) -> np.ndarray:
    """CAGR of ``a`` minus CAGR of ``b`` per sample, in percentage points."""
    return 100.0 * (cagr_samples(results, a, start, end) - cagr_samples(results, b, start, end))


def plot_cagr_gap(
    results: Results,
    a: str = "CHN",
    b: str = "USA",
    *,
    start: int | None = None,
    end: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot the CAGR gap ``a`` minus ``b`` (percentage points), one row per scenario.

    Each row shows the median (point and value), the 25-75 % range (thick bar) and the
    5-95 % range (whisker) over samples; a deterministic run shows the point only.

    Parameters
    ----------
    results : xarray.Dataset or mapping of str to xarray.Dataset
        One run, or ``{scenario name: results}`` to compare scenarios.
    a, b : str
        ISO3 codes.
    start, end : int, optional
        Window; default from the base year of the first run to its last year.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_cagr_gap({"baseline": base, "nnmi_full45": full}, "CHN", "USA")  # doctest: +SKIP
    """
    runs = as_mapping(results)
    first = next(iter(runs.values()))
    start = base_year(first) if start is None else start
    end = int(first["year"].max()) if end is None else end
    ax = new_axes(ax)
    names = list(runs)
    for row, name in enumerate(names):
        run = runs[name]
        gap = cagr_gap_samples(run, a, b, start, end)
        rates = [100 * np.nanmedian(cagr_samples(run, c, start, end)) for c in (a, b)]
        color = scenario_color(row)
        p05, p25, p50, p75, p95 = quantiles(gap, [0.05, 0.25, 0.5, 0.75, 0.95])
        if gap.size > 1:
            ax.hlines(row, p05, p95, color=color, lw=1.2, gid=f"cagr:{name}:p05-p95")
            ax.hlines(row, p25, p75, color=color, lw=5, alpha=0.6, gid=f"cagr:{name}:p25-p75")
        ax.plot([p50], [row], "o", color=color, ms=6, gid=f"cagr:{name}:median")
        ax.annotate(
            f"{p50:+.2f} pp\n({a} {rates[0]:.2f} %, {b} {rates[1]:.2f} %)",
            (p50, row),
            xytext=(0, 6),  # above the point: long labels would run off the right edge
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=FONTSIZE["annotation"],
        )
    ax.axvline(0, color="#333333", lw=0.8, gid="no-gap")
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.margins(x=0.15)
    ensemble = any(r.sizes["sample"] > 1 for r in runs.values())
    ranges = "; median, 50 % and 90 % ranges over samples" if ensemble else ""
    finish(
        ax,
        runs,
        title=f"MVA growth gap, {a} minus {b}, {start}-{end}{ranges}",
        xlabel=f"CAGR of MVA, {a} minus {b} (percentage points per year)",
        ylabel="Scenario (config name)",
        legend=False,
    )
    ax.grid(False, axis="y")
    return ax
