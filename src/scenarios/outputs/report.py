"""One self-contained HTML report per run (or comparison): inline CSS, images as data URIs.

Nothing in the page points outside the file, so it can be mailed, archived or pasted from.
Every piece of text from results, metrics or configs is escaped.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import xarray as xr
import yaml

from scenarios import __version__
from scenarios.errors import DataError

KEY_METRICS = (
    "cagr",
    "cagr_gap",
    "mva_ratio",
    "world_share",
    "crossover_year",
    "intensity_index",
    "bcr_federal",
    "bcr_total",
)
STATISTICS = ("mean", "p05", "p25", "p50", "p75", "p95")
CAPTIONS = {
    "mva": "Manufacturing value added by country. Solid: observed; dashed: projected. For an "
    "ensemble the line is the median and the bands the 50 % and 90 % ranges over samples.",
    "mva_ratio": "MVA of one country relative to another; 1 is parity.",
    "cagr_gap": "Gap between compound annual growth rates of MVA over the window, in percentage "
    "points; whiskers span 5-95 % of samples, thick bars 25-75 %.",
    "institutes": "Innovation institutes active per program, with network caps where set.",
    "spend": "Yearly program spending: federal (solid) and matched non-federal (hatched).",
    "intensity": "Program intensity (program spend / MVA of its country) indexed to the US "
    "program, as in NIST AMS 600-17 Table 2.",
}
COMPARE_CAPTIONS = {
    "mva": "MVA of one country under each scenario (median and 50 %/90 % bands for ensembles).",
    "mva_delta": "MVA of one country under each scenario minus the reference scenario: the "
    "size of the policy effect.",
    "cagr_gap": CAPTIONS["cagr_gap"],
    "institutes": "Institutes active in the program under each scenario.",
    "spend": "Program spending under each scenario.",
}
MIC_CAVEAT = (
    "China MIC budgets are unknown (NIST AMS 600-17): they are modelled as a wide range, and "
    "results that depend on them inherit that uncertainty."
)
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0 auto;
max-width:980px;padding:1.5rem 2rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;
padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border-bottom:1px solid #e3e3e3;padding:.25rem .6rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
figure{margin:1.2rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85rem;color:#555}
pre{background:#f7f7f7;padding:.8rem;overflow-x:auto;font-size:.8rem}
.lead{color:#555}.caveats li{margin-bottom:.3rem}footer{color:#888;font-size:.75rem;margin-top:2rem}
"""
MIME = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def _e(value: object) -> str:
    return html.escape(str(value))


def format_value(value: float, units: str = "", metric: str = "") -> tuple[str, str]:
    """Display text and units of a metric value: fractions as percent, years without commas."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a", units
    value = float(value)
    if units.startswith("fraction"):
        percent = "percentage points" if metric.endswith("_gap") else "percent"
        shown = f"{100 * value:.2f}" if abs(value) >= 1e-3 or value == 0 else f"{100 * value:.2g}"
        return shown, units.replace("fraction", percent, 1)
    if metric.endswith("_year") or units == "year":
        return f"{value:.0f}", units
    return (f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"), units


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    head = f"<thead><tr>{head}</tr></thead>" if head else ""
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _window(start: object, end: object) -> str:
    years = [f"{float(y):.0f}" for y in (start, end) if pd.notna(y)]
    return "-".join(dict.fromkeys(years))


def metrics_table(metrics: pd.DataFrame) -> str:
    """HTML table of long-format metrics; ensemble statistics become columns mean/p05/p50/p95."""
    m = metrics.reindex(
        columns=["metric", "country", "start", "end", "statistic", "value", "units", "note"]
    )
    frame = pd.DataFrame(
        {
            "metric": m["metric"].astype(str),
            "country": m["country"].fillna("").astype(str),
            "years": [_window(a, b) for a, b in zip(m["start"], m["end"], strict=True)],
            "units": m["units"].fillna("").astype(str),
            "statistic": m["statistic"].fillna("value").astype(str),
            "value": m["value"].astype(float),
            "note": ["" if pd.isna(n) else str(n) for n in m["note"]],
        }
    )
    stats = [s for s in STATISTICS if s in set(frame["statistic"])] or ["value"]
    rows = []
    for (metric, country, years, units), group in frame.groupby(
        ["metric", "country", "years", "units"], sort=False
    ):
        values = dict(zip(group["statistic"], group["value"], strict=True))
        notes = dict(zip(group["statistic"], group["note"], strict=True))
        shown = [
            (notes[s], units)
            if notes.get(s)
            else format_value(values.get(s, math.nan), units, metric)
            for s in stats
        ]
        rows.append([metric, country, years, *[t for t, _ in shown], shown[0][1]])
    header = ["metric", "country", "years", *stats, "units"]
    return _table(header, rows, numeric=set(range(3, 3 + len(stats))))


def _image(path: Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"plot file {path} does not exist",
            value=str(path),
            hint="write the plots first (scenarios.outputs.plotting.plot_run)",
        )
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{MIME.get(path.suffix.lower(), 'image/png')};base64,{data}"


def _caption(name: str, captions: Mapping[str, str]) -> str:
    """Caption of a plot: exact name, else the longest key it extends (spend_x -> spend)."""
    keys = [k for k in captions if name == k or name.startswith(f"{k}_")]
    return captions[max(keys, key=len)] if keys else name.replace("_", " ")


def _figures(plots: Mapping[str, Path], captions: Mapping[str, str]) -> str:
    return "\n".join(
        f'<figure><img src="{_image(path)}" alt="{_e(name)}">'
        f"<figcaption><b>{_e(name)}</b>: {_e(_caption(name, captions))}</figcaption></figure>"
        for name, path in plots.items()
    )


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n{body}\n"
        f"<footer>Generated by scenarios {_e(__version__)}.</footer></body></html>\n"
    )


def _write(path: Path | str, text: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def caveats(results: xr.Dataset) -> list[str]:
    """Caveats of a run: the standard ones that apply, then the dataset's ``caveats`` attribute."""
    out = [
        f"Years to {results.attrs.get('base_year', 'the base year')} are observed data; later "
        "years are model projections under the stated assumptions, not forecasts.",
    ]
    if "program" in results.dims and "china_mic" in results["program"].to_numpy():
        out.append(MIC_CAVEAT)
    extra = results.attrs.get("caveats", [])
    out += (
        [c for c in extra.split("\n") if c] if isinstance(extra, str) else [str(c) for c in extra]
    )
    return out


def _setting(value: object) -> str:
    """A config value as compact YAML flow text; ``not set`` for a missing key."""
    if value is None:
        return "not set"
    return (
        yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6)
        .strip()
        .removesuffix("...")
        .strip()
    )


def policy_lines(policy: Mapping[str, tuple[object, object]], reference: str) -> list[str]:
    """One line per key in which a scenario differs from its reference: ``key: ours (reference: theirs)``."""
    return [
        f"{key}: {_setting(ours)} ({reference}: {_setting(theirs)})"
        for key, (ours, theirs) in policy.items()
    ]


def policy_section(policy: Mapping[str, tuple[object, object]], reference: str) -> str:
    """HTML: the policy (the keys in which the scenario differs from its reference) and the rule."""
    rows = [[key, _setting(ours), _setting(theirs)] for key, (ours, theirs) in policy.items()]
    rule = (
        f"<p>The policy is what differs from the reference scenario <b>{_e(reference)}</b>. Every "
        "other assumption, overrides included, is the same on both sides (one world, two policies); "
        "an ensemble draws the same values for both.</p>"
    )
    table = (
        _table(["key", "this scenario", reference], rows, numeric=set())
        if rows
        else "<p>None: the scenario equals its reference.</p>"
    )
    return f"<h2>The policy: what differs from {_e(reference)}</h2>{rule}{table}"


def point_section(table: pd.DataFrame) -> str:
    """HTML: the deterministic run's headline beside the ensemble's 25-75 % band, saying where
    the point falls outside it (``table`` from :func:`scenarios.analysis.runs.point_check`)."""
    outside = table[table["outside"]]
    verdict = (
        "<p>The deterministic run (every uncertain input at its point value) falls <b>outside</b> "
        "the ensemble's 25-75 % band for: "
        + "; ".join(
            _e(f"{r.metric} {r.country} {_window(r.start, r.end)}") for r in outside.itertuples()
        )
        + ". The two tell different stories there: read the ensemble's band, not the point.</p>"
        if len(outside)
        else "<p>The deterministic run lies inside the ensemble's 25-75 % band for every headline metric.</p>"
    )

    def shown(row: tuple, column: str) -> str:
        value = getattr(row, column)
        never = row.metric == "crossover_year" and pd.isna(value)
        return f"not by {row.end:.0f}" if never else format_value(value, row.units, row.metric)[0]

    rows = [
        [
            r.metric,
            r.country,
            _window(r.start, r.end),
            *(shown(r, c) for c in ("point", "p25", "p50", "p75")),
            "outside" if r.outside else "",
        ]
        for r in table.itertuples()
    ]
    header = ["metric", "country", "years", "point run", "p25", "p50", "p75", "band"]
    return f"<h2>Point run and ensemble</h2>{verdict}{_table(header, rows, numeric={3, 4, 5, 6})}"


def _run_facts(results: xr.Dataset) -> list[tuple[str, str]]:
    a = results.attrs
    years = results["year"].to_numpy()
    facts = [
        ("scenario", a.get("scenario", "")),
        ("source (seed document)", a.get("source", "")),
        ("config file", a.get("config_file", "")),
        ("config hash", a.get("config_hash", "")),
        ("seed", a.get("seed", "")),
        ("base year (last observed)", a.get("base_year", "")),
        ("years", f"{years.min()}-{years.max()}"),
        ("samples", results.sizes.get("sample", 1)),
        ("MVA data", a.get("data_source", "")),
    ]
    return [(k, str(v)) for k, v in facts if str(v) != ""]


def _parameters(results: xr.Dataset) -> str:
    """Table of the sampled parameters (variables on ``sample`` only) for ensembles."""
    names = [v for v in results.data_vars if results[v].dims == ("sample",)]
    if results.sizes.get("sample", 1) < 2 or not names:
        return ""
    rows = []
    for name in names:
        q = results[name].quantile([0.05, 0.5, 0.95]).to_numpy()
        rows.append([name, *(format_value(x)[0] for x in q), results[name].attrs.get("units", "")])
    table = _table(["parameter", "p05", "p50", "p95", "units"], rows, numeric={1, 2, 3})
    return f"<h2>Uncertain inputs</h2>{table}"


def write_report(
    path: Path | str,
    *,
    results: xr.Dataset,
    metrics: pd.DataFrame,
    config_text: str,
    plots: Mapping[str, Path],
    title: str | None = None,
    extra_sections: Sequence[tuple[str, str]] = (),
    captions: Mapping[str, str] | None = None,
    lead: Sequence[str] = (),
) -> Path:
    """Write one self-contained ``report.html`` for a run.

    Parameters
    ----------
    path : path
        File to write (its folder is created).
    results : xarray.Dataset
        Results of the run (attributes give the scenario, sources and caveats).
    metrics : pandas.DataFrame
        Long-format metrics (``scenario, metric, country, start, end, statistic, value, units``).
    config_text : str
        The resolved config, shown verbatim (escaped).
    plots : mapping of str to Path
        Plot name to image file, as returned by :func:`scenarios.outputs.plotting.plot_run`; embedded.
    title : str, optional
        Page title; default ``"Scenario report: <scenario>"``.
    extra_sections : sequence of (str, str)
        ``(heading, html)`` sections appended (sensitivity, stress). The HTML is inserted as
        given, so it must come from trusted code; headings are escaped.
    captions : mapping of str to str, optional
        Captions by plot name, overriding the standard ones.
    lead : sequence of str
        HTML sections shown before the key metrics (the policy, notes on the headline), from
        trusted code.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataError
        If a plot file does not exist.

    Examples
    --------
    >>> write_report("runs/baseline/report.html", results=ds, metrics=m,
    ...              config_text=text, plots=paths)  # doctest: +SKIP
    """
    scenario = str(results.attrs.get("scenario", "scenario"))
    title = title or f"Scenario report: {scenario}"
    key = metrics[metrics["metric"].isin(KEY_METRICS)]
    sections = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">{_e(results.attrs.get("description", ""))}</p>',
        _table([], _run_facts(results), numeric=set()),
        *lead,
        "<h2>Key metrics</h2>",
        metrics_table(key if not key.empty else metrics),
    ]
    if not key.empty and len(key) < len(metrics):
        sections.append(
            f"<details><summary>All metrics ({len(metrics)} rows)</summary>"
            f"{metrics_table(metrics)}</details>"
        )
    sections += [
        _parameters(results),
        "<h2>Plots</h2>",
        _figures(plots, {**CAPTIONS, **(captions or {})}),
        "<h2>Data sources and caveats</h2>",
        f"<p>Manufacturing value added: {_e(results.attrs.get('data_source', 'not recorded'))}. "
        f"Scenario source: {_e(results.attrs.get('source', 'not recorded'))}.</p>",
        '<ul class="caveats">' + "".join(f"<li>{_e(c)}</li>" for c in caveats(results)) + "</ul>",
    ]
    sections += [f"<h2>{_e(heading)}</h2>\n{body}" for heading, body in extra_sections]
    sections += ["<h2>Resolved configuration</h2>", f"<pre>{_e(config_text)}</pre>"]
    return _write(path, _page(title, "\n".join(s for s in sections if s)))


def write_compare_report(
    path: Path | str,
    *,
    delta_table: pd.DataFrame,
    plots: Mapping[str, Path],
    names: Sequence[str],
    title: str | None = None,
    captions: Mapping[str, str] | None = None,
) -> Path:
    """Write one self-contained HTML page comparing scenarios.

    Parameters
    ----------
    path : path
        File to write.
    delta_table : pandas.DataFrame
        Metric differences against the reference scenario (any columns; shown as given, with
        numbers formatted).
    plots : mapping of str to Path
        Overlay plots, as returned by :func:`scenarios.outputs.plotting.plot_comparison`.
    names : sequence of str
        Scenario names, the reference first.
    title : str, optional
        Page title; default ``"Scenario comparison: a, b, ..."``.
    captions : mapping of str to str, optional
        Captions by plot name.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> write_compare_report("runs/compare.html", delta_table=d, plots=p,
    ...                      names=["baseline", "nnmi_full45"])  # doctest: +SKIP
    """
    title = title or f"Scenario comparison: {', '.join(names)}"
    columns = [str(c) for c in delta_table.columns]
    numeric = {
        i
        for i, c in enumerate(delta_table.columns)
        if pd.api.types.is_numeric_dtype(delta_table[c])
    }
    rows = [_compare_row(row) for _, row in delta_table.iterrows()]
    body = "\n".join(
        [
            f"<h1>{_e(title)}</h1>",
            f'<p class="lead">Reference scenario: {_e(names[0])}. Compared: '
            f"{_e(', '.join(names[1:]))}.</p>"
            if names
            else "",
            "<h2>Differences against the reference</h2>",
            _table(columns, rows, numeric),
            "<h2>Plots</h2>",
            _figures(plots, {**COMPARE_CAPTIONS, **(captions or {})}),
        ]
    )
    return _write(path, _page(title, body))


def _compare_row(row: pd.Series) -> list[str]:
    """A delta-table row for people: years as years, rates in percent with their units said so."""
    units, metric = str(row.get("units", "")), str(row.get("metric", ""))
    cells = []
    for column, value in row.items():
        if column in ("start", "end"):
            cells.append(format_value(value, "year")[0])
        elif column == "units":
            cells.append(format_value(0.0, units, metric)[1])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            cells.append(format_value(value, units, metric)[0])
        else:
            cells.append("" if pd.isna(value) else str(value))
    return cells


def _frame_table(frame: pd.DataFrame) -> str:
    """A DataFrame as an HTML table, numbers formatted to four significant digits."""
    numeric = {i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])}
    rows = [
        ["" if pd.isna(v) else (f"{v:.4g}" if i in numeric else str(v)) for i, v in enumerate(row)]
        for row in frame.itertuples(index=False)
    ]
    return _table([str(c) for c in frame.columns], rows, numeric)


def write_stress_report(
    path: Path | str,
    *,
    claim_file: Path,
    summary: pd.DataFrame,
    drivers: pd.DataFrame,
    breakevens: pd.DataFrame,
    plots: Mapping[str, Path],
) -> Path:
    """Write one self-contained HTML page with the stress test of a claim file: verdicts,
    probabilities, drivers, breakevens and PRIM plots."""
    title = f"Stress test: {claim_file.name}"
    verdicts = "".join(
        f"<li><b>{_e(r.claim)}</b>: {_e(r.verdict)}</li>" for r in summary.itertuples()
    )
    body = "\n".join(
        [
            f"<h1>{_e(title)}</h1>",
            f"<h2>Verdicts</h2><ul>{verdicts}</ul>",
            "<h2>Claims</h2>",
            _frame_table(summary.drop(columns=["verdict"])),
            "<h2>What drives each claim (Spearman rank correlation with the claim's metric)</h2>",
            _frame_table(drivers),
            "<h2>Breakeven values (others at their medians; empty: never flips in the range)</h2>",
            _frame_table(breakevens),
            "<h2>Plots</h2>",
            _figures(plots, {}),
        ]
    )
    return _write(path, _page(title, body))


def write_audit_report(
    path: Path | str, *, lead: Sequence[str], figures: pd.DataFrame, method: Sequence[str]
) -> Path:
    """Write the published-figure audit as one self-contained page: the answer, every figure, how."""
    title = "Published figures, recomputed"
    answer, *missed = lead
    body = "\n".join(
        [
            f"<h1>{_e(title)}</h1>",
            f'<p class="lead">{_e(answer)}</p>',
            "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in missed) + "</ul>",
            "<h2>Every figure</h2>",
            _frame_table(figures),
            "<h2>How</h2><ul>" + "".join(f"<li>{_e(line)}</li>" for line in method) + "</ul>",
        ]
    )
    return _write(path, _page(title, body))


SOLVE_CAPTIONS = {
    "probability": "the probability that the claim holds against the lever, with its 95 % "
    "interval, each target and the value found, and where the point run starts to hold",
    "contour": "the probability that the claim holds over the two levers; the target contours "
    "drawn",
}


def write_solve_report(
    path: Path | str,
    *,
    claim,
    levers: Sequence,
    sentences: Sequence[str],
    notes: Sequence[str],
    table: pd.DataFrame,
    curve: pd.DataFrame,
    plots: Mapping[str, Path],
) -> Path:
    """Write one self-contained page with what it would take for a claim to hold: the answers,
    the levers, the table of solve.csv, the plot and every lever value run."""
    title = f"What would it take: {claim.id}"
    lever_rows = "".join(
        f"<li><code>{_e(lever.path)}</code>: {_e(lever.label)}"
        f"{f' ({_e(lever.units)})' if lever.units else ''}, searched over "
        f"{lever.low:,.6g} to {lever.high:,.6g}; the scenario's value {lever.start:,.6g}</li>"
        for lever in levers
    )
    body = "\n".join(
        [
            f"<h1>{_e(title)}</h1>",
            f'<p class="lead">{_e(claim.text)} <small>({_e(claim.source)})</small></p>',
            "<h2>Answers</h2><ul>" + "".join(f"<li>{_e(s)}</li>" for s in sentences) + "</ul>",
            "<h2>Levers</h2><ul>"
            + lever_rows
            + "".join(f"<li>{_e(n)}</li>" for n in notes)
            + "</ul>",
            "<h2>Plot</h2>",
            _figures(plots, SOLVE_CAPTIONS),
            "<h2>solve.csv</h2>",
            _frame_table(table),
            "<h2>Every lever value run</h2>",
            _frame_table(curve),
        ]
    )
    return _write(path, _page(title, body))
