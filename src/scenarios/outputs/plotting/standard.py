"""The standard plot sets of a run and of a comparison, saved to files."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scenarios.outputs.plotting._common import base_year
from scenarios.outputs.plotting.cagr import plot_cagr_gap
from scenarios.outputs.plotting.compare import (
    plot_compare_institutes,
    plot_compare_mva,
    plot_compare_mva_delta,
    plot_compare_spend,
)
from scenarios.outputs.plotting.gap import plot_mva_ratio
from scenarios.outputs.plotting.institutes import plot_institutes_active
from scenarios.outputs.plotting.intensity import plot_intensity_index
from scenarios.outputs.plotting.mva import default_countries, plot_mva_paths
from scenarios.outputs.plotting.spend import plot_spend
from scenarios.outputs.plotting.style import DPI, FIGSIZE

Draw = Callable[[Axes], Axes]


def _save(draws: dict[str, Draw], out_dir: Path | str, formats: Sequence[str]) -> dict[str, Path]:
    """Draw each plot on its own figure and save it in every format; returns the first format."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, draw in draws.items():
        # A bare Figure (no pyplot) keeps no global state: nothing to close, safe in threads.
        fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
        draw(fig.add_subplot())
        for fmt in formats:
            fig.savefig(out / f"{name}.{fmt}", dpi=DPI)
        paths[name] = out / f"{name}.{formats[0]}"
    return paths


def _pair(results: xr.Dataset, metrics: pd.DataFrame | None, metric: str) -> tuple[str, str]:
    """Country pair of ``metric`` in the metrics ("CHN-USA"), else CHN/USA or the first two."""
    countries = default_countries(results)
    if metrics is not None and not metrics.empty:
        for label in metrics.loc[metrics["metric"] == metric, "country"].dropna().unique():
            pair = str(label).replace("/", "-").split("-")
            if len(pair) == 2 and all(c in countries for c in pair):
                return pair[0], pair[1]
    if {"CHN", "USA"} <= set(countries):
        return "CHN", "USA"
    return countries[0], countries[1]


def _window(results: xr.Dataset, metrics: pd.DataFrame | None, a: str, b: str) -> tuple[int, int]:
    """CAGR gap window from the metrics table, else base year to the last year."""
    if metrics is not None and not metrics.empty:
        rows = metrics[(metrics["metric"] == "cagr_gap") & (metrics["country"] == f"{a}-{b}")]
        if not rows.empty:
            return int(rows["start"].iloc[0]), int(rows["end"].iloc[0])
    return base_year(results), int(results["year"].max())


def plot_run(
    results: xr.Dataset,
    metrics: pd.DataFrame | None,
    out_dir: Path | str,
    *,
    formats: Sequence[str] = ("png",),
) -> dict[str, Path]:
    """Save the standard plots of one run into ``out_dir``.

    Plots: ``mva`` (paths), ``mva_ratio``, ``cagr_gap``, ``institutes``, ``spend`` (all
    programs) and ``spend_<program>`` (each on its own scale), ``intensity`` (those whose
    variables are present). The country pair and CAGR window follow
    the ``cagr_gap`` and ``mva_ratio`` rows of ``metrics`` when there are any.

    Parameters
    ----------
    results : xarray.Dataset
        Results of the run.
    metrics : pandas.DataFrame or None
        Long-format metrics of the run.
    out_dir : path
        Folder to write to (created if missing), e.g. ``runs/<name>/plots``.
    formats : sequence of str, default ("png",)
        File formats; every plot is saved in each.

    Returns
    -------
    dict of str to Path
        Plot name to the file in the first format (the one to embed in a report).

    Examples
    --------
    >>> paths = plot_run(results, metrics, "runs/baseline/plots")  # doctest: +SKIP
    """
    draws: dict[str, Draw] = {"mva": lambda ax: plot_mva_paths(results, ax=ax)}
    countries = default_countries(results)
    if len(countries) >= 2:
        ra, rb = _pair(results, metrics, "mva_ratio")
        a, b = _pair(results, metrics, "cagr_gap")
        start, end = _window(results, metrics, a, b)
        draws["mva_ratio"] = lambda ax: plot_mva_ratio(results, ra, rb, ax=ax)
        draws["cagr_gap"] = lambda ax: plot_cagr_gap(results, a, b, start=start, end=end, ax=ax)
    if "institutes_active" in results:
        draws["institutes"] = lambda ax: plot_institutes_active(results, ax=ax)
    if "spend_total" in results:
        draws["spend"] = lambda ax: plot_spend(results, ax=ax)
        # Program budgets differ tenfold: each program also gets a plot on its own scale.
        for p in results["program"].to_numpy():
            draws[f"spend_{p}"] = lambda ax, p=str(p): plot_spend(results, programs=[p], ax=ax)
        if "USA" in results["program_country"].to_numpy():
            draws["intensity"] = lambda ax: plot_intensity_index(results, ax=ax)
    return _save(draws, out_dir, formats)


def _differs(runs: Mapping[str, xr.Dataset], country: str) -> bool:
    """Whether any scenario's median MVA of ``country`` differs from the first's (else its
    difference plot would be a flat zero)."""
    first, *others = (
        ds["mva"].sel(country=country).median("sample").to_numpy() for ds in runs.values()
    )
    return any(other.shape != first.shape or not np.array_equal(other, first) for other in others)


def plot_comparison(
    results_by_name: Mapping[str, xr.Dataset],
    out_dir: Path | str,
    *,
    countries: Sequence[str] | None = None,
    program: str = "manufacturing_usa",
    pair: tuple[str, str] = ("CHN", "USA"),
    formats: Sequence[str] = ("png",),
) -> dict[str, Path]:
    """Save the standard overlay plots of several scenarios into ``out_dir``.

    Plots: ``mva_<ISO3>`` per country and ``mva_delta_<ISO3>`` (difference from the first
    scenario) per country where any scenario differs, ``cagr_gap`` (``pair``, from the first scenario's base
    year), ``institutes`` and ``spend`` (federal and total) of ``program``.

    Parameters
    ----------
    results_by_name : mapping of str to xarray.Dataset
        ``{scenario name: results}``, in legend order.
    out_dir : path
        Folder to write to (created if missing).
    countries : sequence of str, optional
        Countries for the MVA overlays; default those of the first scenario except ``WLD``.
    program : str, default "manufacturing_usa"
        Program of the institutes and spend overlays.
    pair : tuple of str, default ("CHN", "USA")
        Countries of the CAGR gap.
    formats : sequence of str, default ("png",)
        File formats.

    Returns
    -------
    dict of str to Path
        Plot name to the file in the first format.

    Examples
    --------
    >>> plot_comparison({"baseline": base, "nnmi_full45": full}, "runs/compare")  # doctest: +SKIP
    """
    runs = dict(results_by_name)
    first = next(iter(runs.values()))
    countries = list(countries) if countries is not None else default_countries(first)
    draws: dict[str, Draw] = {
        f"mva_{c}": (lambda ax, c=c: plot_compare_mva(runs, c, ax=ax)) for c in countries
    }
    draws.update(
        {
            f"mva_delta_{c}": (lambda ax, c=c: plot_compare_mva_delta(runs, c, ax=ax))
            for c in countries
            if _differs(runs, c)
        }
    )
    draws["cagr_gap"] = lambda ax: plot_cagr_gap(runs, *pair, ax=ax)
    if "institutes_active" in first:
        draws["institutes"] = lambda ax: plot_compare_institutes(runs, program, ax=ax)
        draws["spend_federal"] = lambda ax: plot_compare_spend(runs, program, ax=ax)
        draws["spend_total"] = lambda ax: plot_compare_spend(
            runs, program, variable="spend_total", ax=ax
        )
    return _save(draws, out_dir, formats)
