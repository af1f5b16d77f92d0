"""Manufacturing value added paths per country: history, projection and ensemble fan."""

from __future__ import annotations

from collections.abc import Sequence

import xarray as xr
from matplotlib.axes import Axes

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
from scenarios.outputs.plotting.style import country_color, country_name


def default_countries(results: xr.Dataset) -> list[str]:
    """Countries to plot by default: all but the world aggregate, which would dwarf them."""
    return [str(c) for c in results["country"].to_numpy() if c != "WLD"]


def plot_mva_paths(
    results: xr.Dataset,
    *,
    countries: Sequence[str] | None = None,
    variable: str = "mva",
    ax: Axes | None = None,
) -> Axes:
    """Plot MVA per country: observed solid, projected dashed, fan bands for ensembles.

    For an ensemble (``sample`` longer than 1) the line is the median over samples and the
    bands are the 25-75 % and 5-95 % ranges. Values stay in USD million on the axes; the
    tick labels show USD trillion or billion.

    Parameters
    ----------
    results : xarray.Dataset
        Results of a run (schema in DESIGN.md).
    countries : sequence of str, optional
        ISO3 codes; default all countries except ``WLD``.
    variable : str, default "mva"
        ``"mva"`` or ``"mva_baseline"``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new 7 x 4 in figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_mva_paths(results, countries=["USA", "CHN"])  # doctest: +SKIP
    """
    ax = new_axes(ax)
    countries = list(countries) if countries is not None else default_countries(results)
    years = plot_years(results)
    base = base_year(results)
    largest = 0.0
    for i, code in enumerate(countries):
        values = samples(results, variable, country=code)
        top = draw_path(
            ax,
            years,
            values,
            base=base,
            color=country_color(code, i),
            label=country_name(code),
            gid=f"{variable}:{code}",
        )
        largest = max(largest, top)
    mark_projection(ax, base, int(years.max()))
    ax.set_xlim(years.min(), years.max())
    ax.set_ylim(bottom=0, top=largest * 1.12)
    year_axis(ax)
    unit = money_axis(ax, largest)
    legend_with_bands(ax, results.sizes["sample"] > 1)
    what = "baseline (no program impact)" if variable == "mva_baseline" else "value added"
    return finish(
        ax,
        results,
        title=f"Manufacturing {what}{ensemble_note(results)}",
        xlabel="Year",
        ylabel=f"MVA ({unit}, constant 2015 prices)",
        legend=False,
    )
