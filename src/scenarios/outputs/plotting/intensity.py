"""Program intensity (spend / MVA of the program's country) indexed to a reference country."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes

from scenarios.errors import ConfigError
from scenarios.outputs.plotting._common import BUDGETS, base_year, finish, new_axes, quantiles
from scenarios.outputs.plotting.institutes import program_color, program_label
from scenarios.outputs.plotting.style import FONTSIZE


def program_intensity(results: xr.Dataset, year: int, spend: str = "spend_total") -> xr.DataArray:
    """Spend of each program over the MVA of its country in ``year``, (sample, program)."""
    countries = results["program_country"]
    mva = results["mva"].sel(year=year).sel(country=countries)
    return results[spend].sel(year=year) / mva.drop_vars("country")


def intensity_index(
    results: xr.Dataset, year: int, reference: str = "USA", spend: str = "spend_total"
) -> xr.DataArray:
    """Program intensity divided by that of the program of ``reference``, (sample, program)."""
    intensity = program_intensity(results, year, spend)
    countries = [str(c) for c in results["program_country"].to_numpy()]
    if reference not in countries:
        raise ConfigError(
            f"no program of reference country {reference!r}",
            value=reference,
            hint=f"use one of {sorted(set(countries))}",
        )
    ref = intensity.isel(program=countries.index(reference))
    return intensity / ref


def plot_intensity_index(
    results: xr.Dataset,
    *,
    year: int | None = None,
    reference: str = "USA",
    spend: str = "spend_total",
    ax: Axes | None = None,
) -> Axes:
    """Bar chart of program intensity indexed to a reference country (NIST Table 2 style).

    Intensity is program spend over the MVA of the program's country; the index divides by
    the intensity of the reference country's program, so the reference bar is 1. Each bar is
    labelled with its index and its intensity in percent of MVA; ensembles show the median
    with a 5-95 % whisker.

    Parameters
    ----------
    results : xarray.Dataset
        Results of a run.
    year : int, optional
        Year to compare; default the base year (last observed).
    reference : str, default "USA"
        ISO3 code of the reference program's country.
    spend : {"spend_total", "spend_federal"}
        Which spend to use.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The bar container is labelled ``_intensity``.

    Raises
    ------
    ConfigError
        If no program belongs to ``reference``.

    Examples
    --------
    >>> ax = plot_intensity_index(results, year=2023)  # doctest: +SKIP
    """
    year = base_year(results) if year is None else year
    index = (
        intensity_index(results, year, reference, spend).transpose("sample", "program").to_numpy()
    )
    share = 100 * program_intensity(results, year, spend).transpose("sample", "program").to_numpy()
    ax = new_axes(ax)
    programs = [str(p) for p in results["program"].to_numpy()]
    x = np.arange(len(programs))
    median = quantiles(index, [0.5])[0]
    colors = [program_color(results, p, i) for i, p in enumerate(programs)]
    ax.bar(x, median, 0.6, color=colors, label="_intensity")
    label_at = median
    if index.shape[0] > 1:
        lo, label_at = quantiles(index, [0.05, 0.95])
        ax.vlines(x, lo, label_at, color="#333333", lw=1.0, gid="intensity:p05-p95")
    top = float(np.nanmax(label_at))
    for xi, y, value, pct in zip(x, label_at, median, quantiles(share, [0.5])[0], strict=True):
        ax.annotate(
            f"{value:.1f}x\n({pct:#.2g} % of MVA)",
            (xi, y),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=FONTSIZE["annotation"],
        )
    ax.axhline(1.0, color="#333333", lw=0.8, gid="reference")
    ax.set_xticks(
        x,
        [
            f"{program_label(results, p)}\n({results['program_country'].to_numpy()[i]})"
            for i, p in enumerate(programs)
        ],
    )
    ax.set_ylim(0, top * 1.25)
    n = results.sizes["sample"]
    ranges = f"; median and 5-95 % range, {n} samples" if n > 1 else ""
    which = "total (federal + matched)" if spend == "spend_total" else "federal"
    finish(
        ax,
        results,
        title=f"Program intensity index, {year} ({reference} = 1){ranges}",
        xlabel=f"Program (country); intensity = {which} spend / country MVA",
        ylabel=f"Intensity index (ratio to {reference} program, {reference} = 1)",
        legend=False,
        data=f"{BUDGETS}; MVA: {{mva}}",
    )
    ax.grid(False, axis="x")
    return ax
