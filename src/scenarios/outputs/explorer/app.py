"""The explorer page (Panel on Bokeh): levers on the left; the schema's message, headline deltas,
claim verdicts and fan charts on the right. One :class:`ExplorerPage` per browser session."""

from __future__ import annotations

import html
import io
import logging
from pathlib import Path

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, NumeralTickFormatter, Span
from bokeh.plotting import figure

from scenarios.config.load import available_configs
from scenarios.outputs.explorer.engine import QUANTILES, Answer, Explorer
from scenarios.outputs.explorer.levers import Lever

log = logging.getLogger(__name__)
CHARTS = {
    "mva": ("Manufacturing value added, {focus}", "USD million, constant 2015 prices"),
    "gain": (
        "{focus} MVA gain against the reference, future by future",
        "USD million, constant 2015 prices",
    ),
    "institutes": ("Institutes active, {focus} programs", "institutes"),
    "spend": ("Federal spend, {focus} programs", "USD million, constant 2015 prices a year"),
}
COLOURS = {"scenario": "#1f5fa8", "reference": "#7f7f7f"}
CSS = """
table.explore {border-collapse: collapse; font-size: 13px; width: 100%;}
table.explore td, table.explore th {padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: right;}
table.explore td:first-child, table.explore th:first-child {text-align: left;}
pre.config-error {white-space: pre-wrap; color: #8a1c1c; background: #fdecea; padding: 8px; margin: 0;}
"""


def _format(lever: Lever) -> str:
    if lever.path.endswith((".start", ".end")):
        return "0"
    return "0,0" if lever.step >= 1 else "0.00" if lever.step >= 0.01 else "0.000"


def _widget(lever: Lever) -> pn.widgets.Widget:
    kind = pn.widgets.EditableIntSlider if lever.integer else pn.widgets.EditableFloatSlider
    name = lever.title.removeprefix(f"{lever.group}: ")
    return kind(
        name=name[:1].upper() + name[1:],
        start=lever.low,
        end=lever.high,
        step=lever.step,
        value=lever.start,
        format=_format(lever),
        sizing_mode="stretch_width",
        css_classes=["lever"],
    )


def _fan(title: str, units: str, legend: bool) -> tuple[figure, dict[str, ColumnDataSource], Span]:
    """A fan chart: 90 % and 50 % bands and the median, scenario over reference."""
    fig = figure(
        title=title,
        height=270,
        sizing_mode="stretch_width",
        tools="pan,wheel_zoom,reset,save",
        toolbar_location="right",
        y_axis_label=units,
    )
    sources = {}
    for side, colour in COLOURS.items():
        source = ColumnDataSource({k: [] for k in ("year", *(f"p{q:02d}" for q in QUANTILES))})
        fig.varea(
            "year",
            "p05",
            "p95",
            source=source,
            fill_color=colour,
            fill_alpha=0.15,
            legend_label=f"{side}: 90 %",
            name=f"{side}|90 %",
        )
        fig.varea(
            "year",
            "p25",
            "p75",
            source=source,
            fill_color=colour,
            fill_alpha=0.3,
            legend_label=f"{side}: 50 %",
            name=f"{side}|50 %",
        )
        fig.line(
            "year",
            "p50",
            source=source,
            line_color=colour,
            line_width=2,
            name=f"{side}|median",
            line_dash="solid" if side == "scenario" else "dashed",
            legend_label=f"{side}: median",
        )
        sources[side] = source
    base = Span(location=0, dimension="height", line_color="#444", line_dash="dotted")
    fig.add_layout(base)
    fig.yaxis.formatter = NumeralTickFormatter(format="0,0")
    fig.legend.visible = legend
    fig.legend.location = "top_left"
    fig.legend.label_text_font_size = "10px"
    fig.legend.background_fill_alpha = 0.6
    return fig, sources, base


def _number(value: float, units: str) -> str:
    if units in ("ratio", "%"):
        return f"{value:,.2f}" if units == "ratio" else f"{value:+,.3f}"
    return f"{value:+,.1f}" if abs(value) < 100 else f"{value:+,.0f}"


def headline_html(answer: Answer) -> str:
    """The headline deltas as a table; each median carries its exact value in ``data-value``."""
    rows = []
    for row in answer.headline.itertuples():
        key = f"{row.quantity}|{row.year}"
        rows.append(
            f"<tr><td>{html.escape(row.quantity)}</td><td>{row.year}</td>"
            f'<td class="median" data-key="{html.escape(key)}" data-value="{row.p50!r}">'
            f"{_number(row.p50, row.units)}</td>"
            f"<td>{_number(row.p05, row.units)} to {_number(row.p95, row.units)}</td>"
            f"<td>{html.escape(row.units)}</td></tr>"
        )
    head = "<tr><th>Against the reference</th><th>year</th><th>median</th><th>5-95 %</th><th>units</th></tr>"
    return f'<table class="explore" id="headline">{head}{"".join(rows)}</table>'


def verdicts_html(answer: Answer) -> str:
    """Each claim's text and its probability with interval over the ensemble."""
    if not answer.verdicts:
        return "<p>No claim file names this scenario.</p>"
    rows = [
        f'<tr><td title="{html.escape(v.claim.id)}">{html.escape(v.claim.text)}</td>'
        f'<td class="probability" data-claim="{html.escape(v.claim.id)}" data-value="{v.probability!r}">'
        f"{html.escape(v.describe())}</td></tr>"
        for v in answer.verdicts
    ]
    head = "<tr><th>Claim</th><th>P(holds), 95 % interval</th></tr>"
    return f'<table class="explore" id="verdicts">{head}{"".join(rows)}</table>'


class ExplorerPage:
    """The widgets, charts and callbacks of one session."""

    def __init__(self, config: str | Path, *, samples: int = 1000, seed: int | None = None) -> None:
        self.samples, self.seed = samples, seed
        self.config = str(config)
        names = available_configs()
        options = names if self.config in names else [self.config, *names]
        self.picker = pn.widgets.Select(
            name="Scenario", options=options, value=self.config, width=260
        )
        self.error = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[CSS], visible=False)
        self.headline = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[CSS])
        self.verdicts = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[CSS])
        self.timing = pn.pane.HTML("", styles={"color": "#666", "font-size": "12px"})
        self.charts = {
            name: _fan(title, units, name == "mva") for name, (title, units) in CHARTS.items()
        }
        first = self.charts["mva"][0]
        for fig, _, _ in self.charts.values():
            fig.x_range = first.x_range  # one time axis for the three charts
        self.levers_column = pn.Column(sizing_mode="stretch_width")
        self.download = pn.widgets.FileDownload(
            callback=self._export,
            filename="explore.yaml",
            label="Export the setting as YAML",
            button_type="primary",
            sizing_mode="stretch_width",
        )
        self.reset = pn.widgets.Button(name="Reset the levers", sizing_mode="stretch_width")
        self.reset.on_click(lambda _: self._reset())
        self.title = pn.pane.HTML("")
        self.caption = pn.pane.HTML("")
        self.widgets: dict[str, pn.widgets.Widget] = {}
        self._shown: dict[str, float] | None = None
        shared = (pn.state.session_args.get("scenario") or [b""])[0].decode()
        self.picker.value = shared if shared in options else self.config
        self._load(self.picker.value)
        if pn.state.location is not None:
            pn.state.location.sync(self.picker, {"value": "scenario"})
        self.picker.param.watch(lambda e: self._switch(e.new), "value")

    def _load(self, config: str) -> None:
        self.explorer = Explorer(config, samples=self.samples, seed=self.seed)
        start = self.explorer.start
        self.download.filename = f"{start.name}_explore.yaml"
        self.caption.object = (
            f"<small>{html.escape(start.name)} minus {html.escape(str(start.reference))} in "
            f"each of the same {self.samples:,} futures: the median and the 5-95 % range."
            "</small>"
        )
        self.title.object = (
            f"<b>{html.escape(start.name)}</b> against <b>{html.escape(str(start.reference))}</b>: "
            f"{html.escape(start.description)} <i>({self.samples:,} futures, seed "
            f"{self.explorer.seed})</i>"
        )
        sides = {"scenario": start.name, "reference": str(start.reference)}
        for name, (fig, _, _) in self.charts.items():
            fig.title.text = CHARTS[name][0].format(focus=self.explorer.focus)
            for item in fig.legend.items:  # the legend names the two scenarios
                side, band = item.renderers[0].name.split("|")
                item.label = {"value": f"{sides[side]}: {band}"}
        self.widgets = {lever.path: _widget(lever) for lever in self.explorer.levers}
        groups: dict[str, list] = {}
        for lever in self.explorer.levers:
            groups.setdefault(lever.group, []).append(self.widgets[lever.path])
        self.levers_column[:] = [
            pn.Card(*ws, title=group, collapsed=i > 0, sizing_mode="stretch_width")
            for i, (group, ws) in enumerate(groups.items())
        ]
        if pn.state.location is not None:
            for path, widget in self.widgets.items():
                pn.state.location.sync(widget, {"value": path})
        for widget in self.widgets.values():
            widget.param.watch(lambda _: self.refresh(), "value")
        self.refresh()

    def _switch(self, config: str) -> None:
        """Start afresh from another config: in the browser, a new page whose address names it."""
        if pn.state.location is None:
            self._load(config)
            return
        pn.state.location.reload = True
        pn.state.location.search = f"?scenario={config}"

    def _reset(self) -> None:
        for lever in self.explorer.levers:
            self.widgets[lever.path].value = lever.start

    def values(self) -> dict[str, float]:
        return {path: widget.value for path, widget in self.widgets.items()}

    def _export(self) -> io.StringIO:
        return io.StringIO(self.explorer.export(self.values()))

    def refresh(self) -> None:
        """Re-run the ensemble for the current levers and update every view."""
        values = self.values()
        if values == self._shown:
            return
        self._shown = values
        try:
            answer = self.explorer.update(values)
        except Exception as exc:  # a bug, not a user error: keep the page alive, log the detail
            log.exception("explorer update failed")
            answer = Answer(
                error=f"internal error ({type(exc).__name__}); the server log has the detail"
            )
        self.show(answer)

    def show(self, answer: Answer) -> None:
        self.error.object = (
            f'<pre class="config-error">{html.escape(answer.error)}</pre>' if answer.error else ""
        )
        self.error.visible = answer.error is not None
        self.download.disabled = answer.error is not None
        if answer.error:
            return
        for name, (_, sources, base) in self.charts.items():
            base.location = answer.base_year
            for side, quantiles in zip(("scenario", "reference"), answer.bands[name], strict=True):
                data = {
                    f"p{q:02d}": np.asarray(v) for q, v in zip(QUANTILES, quantiles, strict=True)
                }
                sources[side].data = {"year": answer.years, **data}
        self.headline.object = headline_html(answer)
        self.verdicts.object = verdicts_html(answer)
        self.timing.object = f"updated in {answer.seconds * 1000:.0f} ms"

    def layout(self) -> pn.viewable.Viewable:
        side = pn.Column(
            self.picker,
            self.levers_column,
            self.reset,
            self.download,
            pn.pane.HTML(
                "<small>The address bar holds the setting: copy it to share this view.</small>"
            ),
            width=440,
        )
        charts = pn.GridBox(
            *(
                pn.pane.Bokeh(fig, sizing_mode="stretch_width")
                for fig, _, _ in self.charts.values()
            ),
            ncols=2,
            sizing_mode="stretch_width",
        )
        main = pn.Column(
            self.title,
            self.error,
            pn.pane.HTML("<h3>Policy effect</h3>"),
            self.caption,
            self.headline,
            self.timing,
            pn.pane.HTML("<h3>Claims</h3>"),
            self.verdicts,
            charts,
            sizing_mode="stretch_width",
        )
        return pn.Row(side, main, sizing_mode="stretch_width")
