"""Helpers shared by the plot families: axes, source note, money ticks, fan charts."""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, MaxNLocator

from scenarios.data.sources import cite
from scenarios.outputs.plotting.style import (
    BAND_ALPHA,
    DPI,
    FIGSIZE,
    FONTSIZE,
    HISTORY_STYLE,
    PROJECTION_STYLE,
)
from scenarios.results import full_series, series_years

NOTE_GID = "source-note"
Results = xr.Dataset | Mapping[str, xr.Dataset]


def new_axes(ax: Axes | None) -> Axes:
    """Return ``ax``, or the axes of a new memo-sized figure (pyplot, so notebooks show it)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    return new


def as_mapping(results: Results) -> dict[str, xr.Dataset]:
    """``{scenario name: results}`` from one dataset or a mapping of them."""
    if isinstance(results, xr.Dataset):
        return {str(results.attrs.get("scenario", "scenario")): results}
    return dict(results)


def base_year(results: xr.Dataset) -> int:
    """Last observed year: the ``base_year`` attribute, else the last year not ``projected``."""
    if "base_year" in results.attrs:
        return int(results.attrs["base_year"])
    years = results["year"].to_numpy()
    if "projected" in results.coords:
        observed = years[~results["projected"].to_numpy().astype(bool)]
        if observed.size:
            return int(observed.max())
    return int(years.min())


def samples(results: xr.Dataset, variable: str, **sel: object) -> np.ndarray:
    """Values of ``variable`` at ``sel`` over every year (:func:`plot_years`), observed history
    first, as a float array of shape (sample, year)."""
    values = full_series(results, variable, **sel)
    return np.asarray(values.transpose("sample", "year").to_numpy(), dtype=float)


def plot_years(results: xr.Dataset) -> np.ndarray:
    """The years a path plot shows: the observed history, then the model's years."""
    return series_years(results).astype(int)


def quantiles(values: np.ndarray, qs: list[float], axis: int = 0) -> np.ndarray:
    """Quantiles over samples (NaN-aware, linear interpolation as in xarray).

    Years with no data in any sample (spend before a program's data starts) give NaN quietly.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN slice encountered", RuntimeWarning)
        return np.nanquantile(values, qs, axis=axis)


INSTITUTES = (
    "institutes to the base year: NIST AMS 600-17 (2025), Appendix A.1 (China MICs), the "
    "Manufacturing USA awards (manufacturing_usa_institutes.csv) and Fraunhofer's annual reports "
    "(fraunhofer_by_year.csv); later years: the model, from the scenario's budgets"
)
"""Where the institute counts come from (the ``data`` of :func:`source_text`)."""
BUDGETS = "program budgets: the scenario's config and the document it cites ({document})"
"""Where program spend comes from; ``{document}`` is the config's source."""


def source_text(results: Results, data: str | None = None) -> str:
    """The source line: the data the plot shows (default: the MVA data source), then
    scenario(s) and config file(s). ``data`` may name ``{mva}`` (the MVA data source) and
    ``{document}`` (the first run's seed document)."""
    runs = as_mapping(results)
    first = next(iter(runs.values()))
    mva = first.attrs.get("data_source", "data source not recorded")
    document = cite(str(first.attrs.get("source") or "not recorded"))
    data = mva if data is None else data.format(mva=mva, document=document)
    parts = []
    for name, ds in runs.items():
        config = Path(ds.attrs["config_file"]).name if ds.attrs.get("config_file") else None
        n = ds.sizes.get("sample", 1)
        detail = ", ".join(p for p in (config, f"{n} samples" if n > 1 else "") if p)
        parts.append(f"{name} ({detail})" if detail else name)
    label = "Scenario" if len(parts) == 1 else "Scenarios"
    return f"Source: {data}. {label}: {'; '.join(parts)}."


def add_note(ax: Axes, text: str) -> None:
    """Put ``text`` in small print under the x label, wrapped to the figure width."""
    for old in [t for t in ax.texts if t.get_gid() == NOTE_GID]:
        old.remove()
    width_pt = ax.figure.get_figwidth() * 72 * ax.get_position().width
    chars = max(40, int(width_pt / (0.5 * FONTSIZE["note"])))
    ax.annotate(
        textwrap.fill(text, chars),
        xy=(0, 0),
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=FONTSIZE["note"],
        color="#444444",
        gid=NOTE_GID,
    )


def style_axes(ax: Axes, *, title: str, xlabel: str, ylabel: str) -> Axes:
    """Title (wrapped to the plot width, keeping its own line breaks), labels, ticks, grid."""
    width_pt = ax.figure.get_figwidth() * 72 * ax.get_position().width
    chars = int(width_pt / (0.62 * FONTSIZE["title"]))
    ax.set_title(
        "\n".join(textwrap.fill(line, chars) for line in title.split("\n")),
        loc="left",
        fontsize=FONTSIZE["title"],
        fontweight="bold",
    )
    ax.set_xlabel(xlabel, fontsize=FONTSIZE["label"])
    ax.set_ylabel(ylabel, fontsize=FONTSIZE["label"])
    ax.tick_params(labelsize=FONTSIZE["tick"])
    ax.grid(True, color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def finish(
    ax: Axes,
    results: Results,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    legend: bool = True,
    legend_loc: str = "best",
    data: str | None = None,
) -> Axes:
    """Title, labels with units, tick sizes, legend and source note: the same on every plot
    (``data``: the sources of the plot's data, see :func:`source_text`)."""
    style_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel)
    if legend:
        legend_with_bands(ax, False, legend_loc)
    add_note(ax, source_text(results, data))
    return ax


class _ScaledFormatter(Formatter):
    """Tick labels of ``value / scale`` with as many decimals as the tick step needs (2.5, 3.0)."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.decimals = 0

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        step = float(np.min(np.diff(locs))) / self.scale if len(locs) > 1 else 1.0
        self.decimals = next(
            (d for d in range(5) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 4
        )

    def __call__(self, x: float, pos: int | None = None) -> str:
        value = x / self.scale
        value = 0.0 if round(value, self.decimals) == 0 else value  # no "-0"
        return f"{value:,.{self.decimals}f}".replace("-", "\N{MINUS SIGN}")


def money_axis(ax: Axes, largest: float, axis: str = "y") -> str:
    """Tick labels in USD trillion / billion / million for values stored in USD million.

    Returns the unit wording for the axis label; the plotted data stay in USD million.
    """
    if largest >= 1e6:
        scale, unit = 1e6, "trillion"
    elif largest >= 1e3:
        scale, unit = 1e3, "billion"
    else:
        scale, unit = 1.0, "million"
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(_ScaledFormatter(scale))
    return f"USD {unit}"


def year_axis(ax: Axes) -> None:
    """Integer year ticks."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))


def mark_projection(ax: Axes, base: int, last: int, offset: float = 0.0) -> None:
    """Shade the projected years and mark the base year (``offset`` shifts it, for bars)."""
    if last <= base:
        return
    ax.axvspan(
        base + offset, last + offset, color="#000000", alpha=0.04, lw=0, gid="projection-span"
    )
    ax.axvline(base + offset, color="#777777", lw=0.8, ls=":", gid="base-year")
    ax.text(
        base + offset,
        0.99,
        f"  projected after {base}",
        ha="left",
        va="top",
        transform=ax.get_xaxis_transform(),
        fontsize=FONTSIZE["annotation"],
        color="#555555",
    )


def draw_path(
    ax: Axes,
    years: np.ndarray,
    values: np.ndarray,
    *,
    base: int,
    color: str,
    label: str,
    gid: str,
    steps: bool = False,
    lw: float = 1.8,
) -> float:
    """One series over years: solid to the base year, dashed after, fan bands for ensembles.

    Artists carry gids ``{gid}:history``, ``{gid}:projection``, ``{gid}:band90``, ``{gid}:band50``.
    ``steps`` draws a step held from each year to the next (counts such as institutes).
    Returns the largest value drawn (for axis limits).
    """
    step = {"step": "post"} if steps else {}
    drawstyle = "steps-post" if steps else "default"
    center = values[0] if values.shape[0] == 1 else quantiles(values, [0.5])[0]
    top = float(np.nanmax(center))
    if values.shape[0] > 1:
        lo90, lo50, hi50, hi90 = quantiles(values, [0.05, 0.25, 0.75, 0.95])
        for (lo, hi), width in (((lo90, hi90), 0.9), ((lo50, hi50), 0.5)):
            ax.fill_between(
                years,
                lo,
                hi,
                color=color,
                alpha=BAND_ALPHA[width],
                lw=0,
                gid=f"{gid}:band{round(width * 100)}",
                **step,
            )
        top = float(np.nanmax(hi90))
    hist, proj = years <= base, years >= base
    shown = label
    for mask, style, part in (
        (hist, HISTORY_STYLE, "history"),
        (proj, PROJECTION_STYLE, "projection"),
    ):
        if mask.any():
            ax.plot(
                years[mask],
                center[mask],
                ls=style,
                color=color,
                lw=lw,
                label=shown,
                drawstyle=drawstyle,
                gid=f"{gid}:{part}",
            )
            shown = "_nolegend_"
    return top


def band_legend_handles(color: str = "#777777") -> list[Patch]:
    """Legend proxies explaining the 50 % and 90 % bands of a fan chart."""
    return [
        Patch(color=color, alpha=BAND_ALPHA[0.5] + BAND_ALPHA[0.9], lw=0, label="50 % range"),
        Patch(color=color, alpha=BAND_ALPHA[0.9], lw=0, label="90 % range"),
    ]


def legend_with_bands(ax: Axes, ensemble: bool, loc: str = "best") -> None:
    """Legend of the plotted lines, plus band proxies for ensembles.

    An ensemble's legend stands outside the axes, on the right: no placement inside can be
    trusted to miss the bands, which matplotlib's "best" does not see.
    """
    handles, labels = ax.get_legend_handles_labels()
    if ensemble:
        extra = band_legend_handles()
        ax.legend(
            handles + extra,
            labels + [h.get_label() for h in extra],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=FONTSIZE["legend"],
            frameon=False,
        )
        return
    # Anchored a little below the top so it clears the "projected" label.
    ax.legend(
        handles,
        labels,
        loc=loc,
        bbox_to_anchor=(0, 0, 1, 0.94),
        fontsize=FONTSIZE["legend"],
        frameon=False,
    )


def ensemble_note(results: Results) -> str:
    """Title suffix saying what an ensemble line shows."""
    n = max(ds.sizes.get("sample", 1) for ds in as_mapping(results).values())
    return f" (median, {n} samples)" if n > 1 else ""
