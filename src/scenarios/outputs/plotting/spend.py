"""Program spending per year: federal and non-federal money (the match, survivors' own budgets) stacked."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from scenarios.outputs.plotting._common import (
    BUDGETS,
    base_year,
    finish,
    mark_projection,
    money_axis,
    new_axes,
    quantiles,
    year_axis,
)
from scenarios.outputs.plotting.institutes import program_color, program_label
from scenarios.outputs.plotting.style import FONTSIZE


def spend_parts(results: xr.Dataset, program: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Federal, matched (total - federal) and total spend per (sample, year), USD million, over
    the model's years (spend is not observed before the base year)."""
    federal, total = (
        np.asarray(results[name].sel(program=program).transpose("sample", "year"), dtype=float)
        for name in ("spend_federal", "spend_total")
    )
    return federal, total - federal, total


def _legend_handles(programs: list[Patch]) -> list[Patch]:
    """Programs on the first legend row, federal / matched styles below (legends fill by column)."""
    styles = [
        Patch(facecolor="#777777", label="federal"),
        Patch(
            facecolor="white",
            edgecolor="#777777",
            hatch="/////",
            label="non-federal (match, survivors' own budgets)",
        ),
    ]
    if len(programs) == 1:  # the title names the program
        return styles
    handles: list[Patch] = []
    for i, program in enumerate(programs):
        handles += [program, *styles[i : i + 1]]
    return handles


def plot_spend(
    results: xr.Dataset,
    *,
    programs: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot yearly spend per program as bars: federal (solid) under matched (hatched).

    Programs sit side by side within each year. Ensembles show the medians of both parts and a
    whisker for the 5-95 % range of the total.

    Parameters
    ----------
    results : xarray.Dataset
        Results of a run.
    programs : sequence of str, optional
        Program keys; default all.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Bar containers are labelled ``_spend:{program}:federal`` and ``_spend:{program}:matched``.

    Examples
    --------
    >>> ax = plot_spend(results, programs=["manufacturing_usa", "fraunhofer"])  # doctest: +SKIP
    """
    ax = new_axes(ax)
    programs = (
        list(programs) if programs is not None else [str(p) for p in results["program"].to_numpy()]
    )
    years = results["year"].to_numpy().astype(int)
    width = 0.8 / len(programs)
    ensemble = results.sizes["sample"] > 1
    labels, top = [], 0.0
    for i, program in enumerate(programs):
        color = program_color(results, program, i)
        federal, matched, total = spend_parts(results, program)
        if ensemble:
            federal, matched = quantiles(federal, [0.5])[0], quantiles(matched, [0.5])[0]
        else:
            federal, matched = federal[0], matched[0]
        x = years - 0.4 + width * (i + 0.5)
        ax.bar(x, federal, width, color=color, label=f"_spend:{program}:federal")
        ax.bar(
            x,
            matched,
            width,
            bottom=federal,
            color="white",
            edgecolor=color,
            hatch="/////",
            lw=0.6,
            label=f"_spend:{program}:matched",
        )
        top = max(top, float(np.nanmax(federal + matched)))
        if ensemble:
            lo, hi = quantiles(total, [0.05, 0.95])
            ax.vlines(x, lo, hi, color="#555555", lw=0.5, gid=f"spend:{program}:p05-p95")
            top = max(top, float(np.nanmax(hi)))
        labels.append(Patch(color=color, label=program_label(results, program)))
    mark_projection(ax, base_year(results), int(years.max()), offset=0.5)
    # Years without any spend data (often the history) would only be empty space.
    spent = results["spend_total"].sel(program=programs).notnull().any(["sample", "program"])
    shown = years[spent.to_numpy()] if bool(spent.any()) else years
    ax.set_xlim(shown.min() - 0.6, shown.max() + 0.6)
    ax.set_ylim(0, top * 1.4)  # headroom for the legend above the bars
    year_axis(ax)
    unit = money_axis(ax, top)
    ax.legend(
        handles=_legend_handles(labels),
        loc="upper left",
        bbox_to_anchor=(0, 0, 1, 0.94),
        ncols=max(2, len(labels)),
        fontsize=FONTSIZE["legend"],
        frameon=False,
    )
    who = program_label(results, programs[0]) if len(programs) == 1 else "Program"
    ranges = ", median and 5-95 % range of the total" if ensemble else ""
    return finish(
        ax,
        results,
        title=f"{who} spending, federal and non-federal{ranges}",
        xlabel="Year",
        ylabel=f"Spend ({unit}, constant 2015 prices)",
        legend=False,
        data=BUDGETS,
    )
