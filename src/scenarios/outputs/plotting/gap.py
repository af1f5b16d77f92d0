"""MVA of one country relative to another over time: ratio or absolute gap."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes

from scenarios.errors import ConfigError
from scenarios.outputs.plotting._common import (
    base_year,
    draw_path,
    ensemble_note,
    finish,
    legend_with_bands,
    mark_projection,
    money_axis,
    new_axes,
    plot_years,
    samples,
    year_axis,
)
from scenarios.outputs.plotting.style import OKABE_ITO, country_name

KINDS = ("ratio", "gap")


def mva_relative(results: xr.Dataset, a: str, b: str, kind: str = "ratio") -> np.ndarray:
    """MVA of ``a`` divided by (``"ratio"``) or minus (``"gap"``) that of ``b``, (sample, year)."""
    if kind not in KINDS:
        raise ConfigError(f"unknown kind {kind!r}", value=kind, hint=f"use one of {KINDS}")
    va, vb = samples(results, "mva", country=a), samples(results, "mva", country=b)
    return va / vb if kind == "ratio" else va - vb


def plot_mva_ratio(
    results: xr.Dataset,
    a: str = "CHN",
    b: str = "USA",
    *,
    kind: str = "ratio",
    ax: Axes | None = None,
) -> Axes:
    """Plot MVA of country ``a`` relative to ``b`` over time, with fan bands for ensembles.

    Parameters
    ----------
    results : xarray.Dataset
        Results of a run.
    a, b : str
        ISO3 codes; the plot shows ``a / b`` (``kind="ratio"``) or ``a - b`` (``kind="gap"``).
    kind : {"ratio", "gap"}
        Ratio (parity at 1) or absolute gap in USD (parity at 0).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ConfigError
        If ``kind`` is not one of ``"ratio"``, ``"gap"``.

    Examples
    --------
    >>> ax = plot_mva_ratio(results, "CHN", "USA")  # doctest: +SKIP
    """
    values = mva_relative(results, a, b, kind)
    ax = new_axes(ax)
    years = plot_years(results)
    base = base_year(results)
    symbol = "/" if kind == "ratio" else "minus"
    top = draw_path(
        ax,
        years,
        values,
        base=base,
        color=OKABE_ITO["reddish_purple"],
        label=f"{country_name(a)} {symbol} {country_name(b)}",
        gid=f"{kind}:{a}-{b}",
    )
    parity = 1.0 if kind == "ratio" else 0.0
    ax.axhline(parity, color="#333333", lw=0.8, gid="parity")
    ax.annotate(
        "parity",
        (years.min(), parity),
        xytext=(2, 2),
        textcoords="offset points",
        fontsize=7,
        color="#333333",
        va="bottom",
    )
    mark_projection(ax, base, int(years.max()))
    ax.set_xlim(years.min(), years.max())
    ax.set_ylim(bottom=min(0.0, float(np.nanmin(values))), top=max(top, parity) * 1.15)
    year_axis(ax)
    legend_with_bands(ax, values.shape[0] > 1)
    if kind == "ratio":
        ylabel = f"MVA {a} / MVA {b} (ratio, constant 2015 prices)"
    else:
        ylabel = f"MVA {a} minus {b} ({money_axis(ax, abs(top))}, constant 2015 prices)"
    title = "ratio" if kind == "ratio" else "gap"
    return finish(
        ax,
        results,
        title=f"Manufacturing value added {title}, {a} vs {b}{ensemble_note(results)}",
        xlabel="Year",
        ylabel=ylabel,
        legend=False,
    )
