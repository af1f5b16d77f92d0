"""Scenario overlays: one colour per scenario, the same series drawn for each.

The CAGR gap comparison is :func:`scenarios.outputs.plotting.cagr.plot_cagr_gap`, which takes a mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
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
from scenarios.outputs.plotting.institutes import program_label
from scenarios.outputs.plotting.style import country_name, scenario_color


def _overlay(
    runs: Mapping[str, xr.Dataset],
    values_of: Callable[[xr.Dataset], np.ndarray],
    ax: Axes,
    gid: str,
    steps: bool = False,
) -> float:
    """Draw ``values_of(run)`` (sample, year) for every scenario; returns the largest value drawn.

    Earlier scenarios get wider lines, so identical paths stay visible as outlines.
    """
    top = 0.0
    for i, (name, ds) in enumerate(runs.items()):
        values = values_of(ds)
        years = plot_years(ds)
        top = max(
            top,
            draw_path(
                ax,
                years,
                values,
                base=base_year(ds),
                color=scenario_color(i),
                label=name,
                gid=f"{name}:{gid}",
                steps=steps,
                lw=1.5 + 1.2 * (len(runs) - 1 - i),
            ),
        )
    first = next(iter(runs.values()))
    years = plot_years(first)
    mark_projection(ax, base_year(first), int(years.max()))
    ax.set_xlim(years.min(), years.max())
    year_axis(ax)
    legend_with_bands(ax, any(ds.sizes["sample"] > 1 for ds in runs.values()))
    return top


def plot_compare_mva(
    results_by_name: Mapping[str, xr.Dataset],
    country: str = "USA",
    *,
    variable: str = "mva",
    ax: Axes | None = None,
) -> Axes:
    """Overlay the MVA of one country across scenarios (median and bands for ensembles).

    Parameters
    ----------
    results_by_name : mapping of str to xarray.Dataset
        ``{scenario name: results}``.
    country : str, default "USA"
        ISO3 code.
    variable : str, default "mva"
        ``"mva"`` or ``"mva_baseline"``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_compare_mva({"baseline": base, "nnmi_full45": full}, "USA")  # doctest: +SKIP
    """
    ax = new_axes(ax)
    top = _overlay(results_by_name, lambda ds: samples(ds, variable, country=country), ax, variable)
    low = min(
        float(np.nanmin(samples(ds, variable, country=country))) for ds in results_by_name.values()
    )
    ax.set_ylim(low * 0.95, top * 1.08)  # differences between scenarios are small: no zero base
    unit = money_axis(ax, top)
    return finish(
        ax,
        results_by_name,
        title=f"Manufacturing value added, {country_name(country)}, by scenario"
        f"{ensemble_note(results_by_name)}",
        xlabel="Year",
        ylabel=f"MVA ({unit}, constant 2015 prices)",
        legend=False,
    )


def plot_compare_mva_delta(
    results_by_name: Mapping[str, xr.Dataset],
    country: str = "USA",
    *,
    reference: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot each scenario's MVA minus the reference scenario's, for one country.

    Program effects are small next to the level of MVA; this shows their size plainly. Runs
    with as many samples as the reference are differenced sample by sample (common random
    numbers); others against the reference median.

    Parameters
    ----------
    results_by_name : mapping of str to xarray.Dataset
        ``{scenario name: results}``.
    country : str, default "USA"
        ISO3 code.
    reference : str, optional
        Reference scenario; default the first.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_compare_mva_delta(runs, "USA", reference="baseline")  # doctest: +SKIP
    """
    reference = reference if reference is not None else next(iter(results_by_name))
    ref = samples(results_by_name[reference], "mva", country=country)

    def delta(ds: xr.Dataset) -> np.ndarray:
        values = samples(ds, "mva", country=country)
        return values - (ref if ref.shape == values.shape else np.nanmedian(ref, axis=0))

    ax = new_axes(ax)
    # The reference stays in: it draws the zero line in its own colour, as in the other overlays.
    top = _overlay(results_by_name, delta, ax, "mva-delta")
    low = min(float(np.nanmin(delta(ds))) for ds in results_by_name.values())
    span = max(abs(top), abs(low)) or 1.0
    ax.set_ylim(min(low, 0.0) - 0.1 * span, max(top, 0.0) + 0.25 * span)
    unit = money_axis(ax, span)
    return finish(
        ax,
        results_by_name,
        title=f"MVA of {country_name(country)}: difference from {reference}"
        f"{ensemble_note(results_by_name)}",
        xlabel="Year",
        ylabel=f"MVA minus {reference} ({unit}, constant 2015 prices)",
        legend=False,
    )


def plot_compare_institutes(
    results_by_name: Mapping[str, xr.Dataset],
    program: str = "manufacturing_usa",
    *,
    ax: Axes | None = None,
) -> Axes:
    """Overlay the institutes active in one program across scenarios, as steps.

    Parameters
    ----------
    results_by_name : mapping of str to xarray.Dataset
        ``{scenario name: results}``.
    program : str, default "manufacturing_usa"
        Program key.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_compare_institutes(runs, "manufacturing_usa")  # doctest: +SKIP
    """
    ax = new_axes(ax)
    top = _overlay(
        results_by_name,
        lambda ds: samples(ds, "institutes_active", program=program),
        ax,
        "institutes_active",
        steps=True,
    )
    ax.set_ylim(0, top * 1.18)
    first = next(iter(results_by_name.values()))
    return finish(
        ax,
        results_by_name,
        title=f"{program_label(first, program)} institutes active, by scenario"
        f"{ensemble_note(results_by_name)}",
        xlabel="Year",
        ylabel="Institutes active (count)",
        legend=False,
    )


def plot_compare_spend(
    results_by_name: Mapping[str, xr.Dataset],
    program: str = "manufacturing_usa",
    *,
    variable: str = "spend_federal",
    ax: Axes | None = None,
) -> Axes:
    """Overlay the yearly spend of one program across scenarios.

    Parameters
    ----------
    results_by_name : mapping of str to xarray.Dataset
        ``{scenario name: results}``.
    program : str, default "manufacturing_usa"
        Program key.
    variable : {"spend_federal", "spend_total"}
        Federal spend, or federal plus matched.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_compare_spend(runs, "manufacturing_usa", variable="spend_total")  # doctest: +SKIP
    """
    ax = new_axes(ax)
    top = _overlay(results_by_name, lambda ds: samples(ds, variable, program=program), ax, variable)
    ax.set_ylim(0, top * 1.18)
    unit = money_axis(ax, top)
    first = next(iter(results_by_name.values()))
    which = "federal" if variable == "spend_federal" else "total (federal + matched)"
    return finish(
        ax,
        results_by_name,
        title=f"{program_label(first, program)} {which} spending, by scenario"
        f"{ensemble_note(results_by_name)}",
        xlabel="Year",
        ylabel=f"Spend ({unit}, constant 2015 prices)",
        legend=False,
    )
