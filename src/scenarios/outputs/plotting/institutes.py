"""Institutes active per program as steps, with each network cap drawn and labelled."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.axes import Axes

from scenarios.outputs.plotting._common import (
    INSTITUTES,
    base_year,
    draw_path,
    ensemble_note,
    finish,
    legend_with_bands,
    mark_projection,
    new_axes,
    plot_years,
    samples,
    year_axis,
)
from scenarios.outputs.plotting.style import FONTSIZE, country_color


def program_color(results: xr.Dataset, program: str, index: int = 0) -> str:
    """A program takes the colour of its country."""
    return country_color(str(results["program_country"].sel(program=program).to_numpy()), index)


def program_label(results: xr.Dataset, program: str) -> str:
    """Readable program name ("Manufacturing USA"), else the program key."""
    if "program_label" in results.coords:
        return str(results["program_label"].sel(program=program).to_numpy())
    return program


def plot_institutes_active(
    results: xr.Dataset,
    *,
    programs: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot institutes active per program as a step line, with the network cap.

    A year's step holds from that year to the next; observed years solid, projected dashed.
    Ensembles show the median step with 50 % and 90 % bands. A program with a cap gets a
    dotted horizontal line labelled ``cap N``.

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

    Examples
    --------
    >>> ax = plot_institutes_active(results, programs=["manufacturing_usa"])  # doctest: +SKIP
    """
    ax = new_axes(ax)
    programs = (
        list(programs) if programs is not None else [str(p) for p in results["program"].to_numpy()]
    )
    years = plot_years(results)
    base = base_year(results)
    top = 0.0
    for i, program in enumerate(programs):
        color = program_color(results, program, i)
        values = samples(results, "institutes_active", program=program)
        top = max(
            top,
            draw_path(
                ax,
                years,
                values,
                base=base,
                color=color,
                steps=True,
                label=program_label(results, program),
                gid=f"institutes:{program}",
            ),
        )
        cap = float(results["cap"].sel(program=program)) if "cap" in results else np.nan
        if np.isfinite(cap):
            ax.axhline(cap, color=color, lw=1.0, ls=":", gid=f"cap:{program}")
            # Outside the right edge: the paths often run along the cap.
            ax.annotate(
                f"cap {cap:.0f}",
                (1.0, cap),
                xycoords=("axes fraction", "data"),
                xytext=(3, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=FONTSIZE["annotation"],
                color=color,
                gid=f"cap-label:{program}",
            )
            top = max(top, cap)
    mark_projection(ax, base, int(years.max()))
    ax.set_xlim(years.min(), years.max())
    ax.set_ylim(0, top * 1.18)
    year_axis(ax)
    legend_with_bands(ax, results.sizes["sample"] > 1)
    return finish(
        ax,
        results,
        title=f"Innovation institutes active{ensemble_note(results)}",
        xlabel="Year",
        ylabel="Institutes active (count)",
        legend=False,
        data=INSTITUTES,
    )
