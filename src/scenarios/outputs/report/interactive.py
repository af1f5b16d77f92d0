"""Interactive Bokeh charts for the report pages: values on hover, series and bands toggled from
the legend. BokehJS goes inline in the page's head, so the page makes no network request; the
static PNGs stay beside it for memos.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr
from bokeh.embed import components
from bokeh.models import ColumnDataSource, HoverTool
from bokeh.plotting import figure
from bokeh.resources import Resources

from scenarios.config.labels import COUNTRY_NAMES
from scenarios.results import full_series, series_years

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
BILLION = 1000.0  # results are in USD million
HINT = (
    "Interactive: hover for values; click a legend entry to hide or show it; drag to pan, "
    "scroll to zoom."
)


RESOURCES = Resources(mode="inline", components=["bokeh"])  # plots only: 1.3 MB, not 4 MB


def _head() -> str:
    return RESOURCES.render_js() + RESOURCES.render_css()


def _embed(plot: figure, caption: str) -> tuple[str, str]:
    script, div = components(plot)
    return _head() + script, (
        f'<figure class="interactive">{div}<figcaption>{caption} {HINT}</figcaption></figure>'
    )


def _basis(results: xr.Dataset) -> str:
    """The price basis of MVA, e.g. "constant 2015 prices"."""
    return str(results["mva"].attrs.get("units", "")).removeprefix("USD million").strip(", ")


def _new_figure(title: str, y_label: str) -> figure:
    plot = figure(
        title=title,
        height=380,
        sizing_mode="stretch_width",
        x_axis_label="year",
        y_axis_label=y_label,
        tools="pan,wheel_zoom,box_zoom,reset,save",
    )
    plot.toolbar.logo = None
    return plot


def _band(plot: figure, years: np.ndarray, draws: np.ndarray, colour: str, legend: str) -> None:
    low, high = np.nanquantile(draws, [0.05, 0.95], axis=0)
    plot.varea(x=years, y1=low, y2=high, fill_color=colour, fill_alpha=0.18, legend_label=legend)


def _series(
    plot: figure,
    years: np.ndarray,
    lines: Mapping[str, np.ndarray],
    draws: Mapping[str, np.ndarray],
) -> None:
    """One median line per name (hover: name, year, value), with its 5-95 % band when sampled."""
    for i, (name, line) in enumerate(lines.items()):
        colour = PALETTE[i % len(PALETTE)]
        source = ColumnDataSource({"year": years, "value": line, "name": [name] * len(years)})
        plot.line("year", "value", source=source, color=colour, line_width=2, legend_label=name)
        if name in draws:
            _band(plot, years, draws[name], colour, f"{name}: 5-95 % range")
    plot.add_tools(
        HoverTool(tooltips=[("", "@name"), ("year", "@year"), ("value", "@value{0,0.0}")])
    )
    plot.legend.click_policy = "hide"
    plot.legend.location = "top_left"
    plot.legend.label_text_font_size = "9pt"


def run_chart(results: xr.Dataset) -> tuple[str, str]:
    """MVA by country in USD billion (median line, 5-95 % band for an ensemble): head and body HTML."""
    mva = results["mva"]
    years = series_years(results)
    countries = [str(c) for c in results["country"].to_numpy() if str(c) != "WLD"]
    names = {c: COUNTRY_NAMES.get(c, c) for c in countries}
    sampled = "sample" in mva.dims and mva.sizes["sample"] > 1
    lines, draws = {}, {}
    for c in countries:
        values = full_series(results, "mva", country=c) / BILLION
        lines[names[c]] = (
            values.median("sample") if "sample" in values.dims else values
        ).to_numpy()
        if sampled:
            draws[names[c]] = values.transpose("sample", "year").to_numpy()
    basis = _basis(results)
    plot = _new_figure("Manufacturing value added", f"USD billion ({basis})")
    _series(plot, years, lines, draws)
    base = results.attrs.get("base_year")
    caption = (
        f"MVA by country, USD billion {basis}; observed to {base}, projected after"
        f"{'; line: median, band: 5-95 % of samples' if sampled else ''}. "
        f"Source: {results.attrs.get('data_source', 'embedded data')}; model projection."
    )
    return _embed(plot, caption)


def compare_chart(runs: Mapping[str, xr.Dataset], country: str, reference: str) -> tuple[str, str]:
    """MVA of one country under each scenario minus the reference (USD billion), head and body."""
    ref = full_series(runs[reference], "mva", country=country) / BILLION
    years = series_years(runs[reference])
    lines: dict[str, np.ndarray] = {}
    draws: dict[str, np.ndarray] = {}
    for name, results in runs.items():
        if name == reference:
            continue
        delta = full_series(results, "mva", country=country) / BILLION - ref
        sampled = "sample" in delta.dims and delta.sizes["sample"] > 1
        lines[name] = (delta.median("sample") if "sample" in delta.dims else delta).to_numpy()
        if sampled:
            draws[name] = delta.transpose("sample", "year").to_numpy()
    who = COUNTRY_NAMES.get(country, country)
    basis = _basis(runs[reference])
    plot = _new_figure(f"{who}: MVA minus {reference}", f"USD billion ({basis})")
    _series(plot, years, lines, draws)
    caption = (
        f"Change in {who}'s MVA against {reference}, USD billion ({basis}). "
        f"Source: model runs on {runs[reference].attrs.get('data_source', 'the embedded data')}."
    )
    return _embed(plot, caption)


def merge(parts: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """Several charts on one page: BokehJS once in the head, every chart's script after it."""
    if not parts:
        return "", ""
    scripts = [head.removeprefix(_head()) for head, _ in parts]
    return _head() + "".join(scripts), "\n".join(body for _, body in parts)
