"""The run page (``report.html`` of ``scenarios run``): the answer, the policy, the key metrics,
the interactive and static plots, the sources and caveats, the resolved configuration."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import xarray as xr
import yaml
from pydantic import BaseModel

from scenarios.config.labels import COUNTRY_NAMES, describe
from scenarios.data.sources import cite
from scenarios.outputs.report.numbers import quantity, signed, years_of
from scenarios.outputs.report.page import (
    answer_box,
    cited,
    esc,
    figures,
    format_value,
    page,
    sources_section,
    table,
    window,
    write_page,
)
from scenarios.results import series_years

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
    "program, as in NIST AMS 600-17 (2025), Table 2.",
}
MIC_CAVEAT = (
    "China MIC budgets are unknown (NIST AMS 600-17 (2025)): they are modelled as a wide range, "
    "and results that depend on them inherit that uncertainty."
)


def metrics_table(metrics: pd.DataFrame) -> str:
    """HTML table of long-format metrics; ensemble statistics become columns mean/p05/p50/p95."""
    m = metrics.reindex(
        columns=["metric", "country", "start", "end", "statistic", "value", "units", "note"]
    )
    frame = pd.DataFrame(
        {
            "metric": m["metric"].astype(str),
            "country": m["country"].fillna("").astype(str),
            "years": [window(a, b) for a, b in zip(m["start"], m["end"], strict=True)],
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
    return table(header, rows, numeric=set(range(3, 3 + len(stats))), nowrap={2})


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


def resolved_yaml(spec: BaseModel) -> str:
    """The resolved config (``extends`` and overrides applied) as YAML, for the page and memos."""
    data = spec.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def setting(value: object) -> str:
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
        f"{key}: {setting(ours)} ({reference}: {setting(theirs)})"
        for key, (ours, theirs) in policy.items()
    ]


def policy_section(policy: Mapping[str, tuple[object, object]], reference: str) -> str:
    """HTML: the policy (the keys in which the scenario differs from its reference) and the rule."""
    rows = [[key, setting(ours), setting(theirs)] for key, (ours, theirs) in policy.items()]
    rule = (
        f"<p>The policy is what differs from the reference scenario <b>{esc(reference)}</b>. Every "
        "other assumption, overrides included, is the same on both sides (one world, two policies); "
        "an ensemble draws the same values for both.</p>"
    )
    body = (
        table(["key", "this scenario", reference], rows, numeric=set())
        if rows
        else "<p>None: the scenario equals its reference.</p>"
    )
    return f"<h2>The policy: what differs from {esc(reference)}</h2>{rule}{body}"


def point_section(frame: pd.DataFrame) -> str:
    """HTML: the deterministic run's headline beside the ensemble's 25-75 % band, saying where
    the point falls outside it (``frame`` from :func:`scenarios.analysis.runs.point_check`)."""
    outside = frame[frame["outside"]]
    verdict = (
        "<p>The deterministic run (every uncertain input at its point value) falls <b>outside</b> "
        "the ensemble's 25-75 % band for: "
        + "; ".join(
            esc(f"{r.metric} {r.country} {window(r.start, r.end)}") for r in outside.itertuples()
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
            window(r.start, r.end),
            *(shown(r, c) for c in ("point", "p25", "p50", "p75")),
            "outside" if r.outside else "",
        ]
        for r in frame.itertuples()
    ]
    header = ["metric", "country", "years", "point run", "p25", "p50", "p75", "band"]
    return f"<h2>Point run and ensemble</h2>{verdict}{table(header, rows, numeric={3, 4, 5, 6})}"


def _effects(metrics: pd.DataFrame) -> list[str]:
    """What the policy changes: MVA by country at the last two reported years (countries it
    leaves unchanged in one line), then the benefit-cost ratios."""
    lines, unchanged = [], []
    deltas = metrics[(metrics["metric"] == "delta_mva") & (metrics["country"] != "WLD")]
    for country, rows in deltas.groupby("country", sort=False):
        name = COUNTRY_NAMES.get(str(country), str(country))
        if (rows["value"].abs() < 1e-9).all():
            unchanged.append(name)
            continue
        changes = [
            f"{signed(quantity(metrics, 'delta_mva', str(country), year))} by {year}"
            for year in years_of(deltas, "delta_mva")[-2:]
        ]
        lines.append(f"{name} MVA: " + "; ".join(changes) + ".")
    if unchanged:
        lines.append(f"MVA of {', '.join(unchanged)}: unchanged.")
    for metric, what in (("bcr_federal", "federal"), ("bcr_total", "federal + non-federal")):
        rows = metrics[metrics["metric"] == metric]
        if not rows.empty:
            text = quantity(metrics, metric, str(rows["country"].iloc[0]))
            lines.append(
                f"Benefit-cost ratio (discounted MVA gain per discounted dollar of {what} "
                f"spend): {text}."
            )
    return lines


def _levels(metrics: pd.DataFrame) -> list[str]:
    """Without a reference: MVA of the first two countries at the last two years, and the gap."""
    lines = []
    mva = metrics[metrics["metric"] == "mva"]
    for country in [c for c in dict.fromkeys(mva["country"]) if c != "WLD"][:2]:
        levels = [
            f"{quantity(metrics, 'mva', country, y)} in {y}" for y in years_of(mva, "mva")[-2:]
        ]
        lines.append(f"{COUNTRY_NAMES.get(country, country)} MVA: " + "; ".join(levels) + ".")
    gap = metrics[metrics["metric"] == "cagr_gap"]
    if not gap.empty:
        pair = gap[gap["country"] == gap["country"].iloc[0]]
        row = pair.loc[pair["end"].idxmax()]
        text = quantity(metrics, "cagr_gap", row["country"], int(row["end"]))
        lines.append(
            f"Growth gap {row['country']} {window(row['start'], row['end'])}: {text} "
            "(CAGR of the first country minus the second)."
        )
    return lines


def _basis(results: xr.Dataset) -> str:
    units = str(results["mva"].attrs.get("units", "")) if "mva" in results else ""
    return units.removeprefix("USD million").strip(", ") or "the data's prices"


def run_answer(results: xr.Dataset, metrics: pd.DataFrame, reference: str | None) -> str:
    """The answer box of a run: what the scenario is, what it changes (or projects), the source."""
    a = results.attrs
    n = results.sizes.get("sample", 1)
    spread = (
        f"median over {n:,} samples, 90 % range in brackets" if n > 1 else "one deterministic run"
    )
    what = f"Scenario {a.get('scenario', '')}: {a.get('description', '')}".rstrip(": ")
    if reference and (metrics["metric"] == "delta_mva").any():
        head = f"Against {reference}, this policy changes ({spread}; USD at {_basis(results)}):"
        items = _effects(metrics)
    else:
        head, items = f"Projection ({spread}; USD at {_basis(results)}):", _levels(metrics)
    source = (
        f"Source: model projection on {a.get('data_source', 'the embedded data')}; "
        f"scenario from {cite(str(a.get('source', 'the config')))}."
    )
    return answer_box([what, head], items) + f'<p class="muted">{esc(source)}</p>'


def _run_facts(results: xr.Dataset) -> list[tuple[str, str]]:
    a = results.attrs
    years = series_years(results)
    n = results.sizes.get("sample", 1)
    config = str(a.get("config_file", ""))
    facts = [
        ("scenario", a.get("scenario", "")),
        ("source (seed document)", cite(str(a.get("source", "")))),
        ("config file", "" if config.startswith("<") else config),
        ("config hash", a.get("config_hash", "")),
        ("seed", a.get("seed", "")),
        ("base year (last observed)", a.get("base_year", "")),
        ("years", f"{years.min()}-{years.max()}"),
        ("samples", f"{n:,}" if n > 1 else ""),
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
        label = describe(name)
        units = label.units or str(results[name].attrs.get("units", ""))
        rows.append([label.label, name, *(format_value(x)[0] for x in q), units])
    header = ["assumption", "key", "p05", "p50", "p95", "units"]
    body = table(header, rows, numeric={2, 3, 4})
    return f"<h2>Uncertain inputs</h2>{body}"


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
    answer: str | None = None,
    reference: str | None = None,
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
        ``(heading, html)`` sections placed right after the answer (sensitivity indices). The
        HTML is inserted as given, so it must come from trusted code; headings are escaped.
    captions : mapping of str to str, optional
        Captions by plot name, overriding the standard ones.
    lead : sequence of str
        HTML sections shown before the key metrics (the policy, notes on the headline), from
        trusted code.
    answer : str, optional
        HTML of the answer box, from trusted code; default: the run's own (:func:`run_answer`).
    reference : str, optional
        Name of the reference scenario the policy effects are measured against.

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
    from scenarios.outputs.report import interactive  # bokeh, only for these pages

    head, chart = interactive.run_chart(results)
    sections = [
        f"<h1>{esc(title)}</h1>",
        answer if answer is not None else run_answer(results, metrics, reference),
        *(f"<h2>{esc(heading)}</h2>\n{body}" for heading, body in extra_sections),
        table([], _run_facts(results), numeric=set()),
        *lead,
        "<h2>Key metrics</h2>",
        metrics_table(key if not key.empty else metrics),
    ]
    if not key.empty and len(key) < len(metrics):
        sections.append(
            f"<details><summary>All metrics ({len(metrics)} rows; also in metrics.csv)</summary>"
            f"{metrics_table(metrics)}</details>"
        )
    sections += [
        _parameters(results),
        "<h2>Plots</h2>",
        chart,
        figures(plots, {**CAPTIONS, **(captions or {})}),
        "<h2>Data and caveats</h2>",
        f"<p>Manufacturing value added: {esc(results.attrs.get('data_source', 'not recorded'))}. "
        f"Scenario source: {cited(results.attrs.get('source', 'not recorded'))}.</p>",
        '<ul class="caveats">'
        + "".join(f"<li>{cited(c)}</li>" for c in caveats(results))
        + "</ul>",
        sources_section([str(results.attrs.get("source", "")), *caveats(results)]),
        "<h2>Resolved configuration</h2>",
        f"<pre>{esc(config_text)}</pre>",
    ]
    return write_page(path, page(title, "\n".join(s for s in sections if s), head))
