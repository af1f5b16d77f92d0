"""The comparison page (``scenarios compare``): the answer, the differences that are not zero
(the rest folded), interactive and static plots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import xarray as xr

from scenarios.config.labels import COUNTRY_NAMES
from scenarios.outputs.report.numbers import number, signed
from scenarios.outputs.report.page import (
    answer_box,
    esc,
    figures,
    format_value,
    page,
    table,
    write_page,
)
from scenarios.outputs.report.run import CAPTIONS

COMPARE_CAPTIONS = {
    "mva": "MVA of one country under each scenario (median and 50 %/90 % bands for ensembles).",
    "mva_delta": "MVA of one country under each scenario minus the reference scenario: the "
    "size of the policy effect.",
    "cagr_gap": CAPTIONS["cagr_gap"],
    "institutes": "Institutes active in the program under each scenario.",
    "spend": "Program spending under each scenario.",
}
KEYS = ("metric", "country", "start", "end", "units")


def _delta_columns(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if " - " in str(c)]


def _unchanged(frame: pd.DataFrame) -> pd.Series:
    """Rows whose every difference is zero (or both sides missing, e.g. no crossover)."""
    deltas = frame[_delta_columns(frame)]
    return ((deltas.abs() < 1e-12) | deltas.isna()).all(axis=1)


def _cell(column: str, value: object, row: pd.Series) -> str:
    units, metric = str(row.get("units", "")), str(row.get("metric", ""))
    if column in ("start", "end"):
        return format_value(value, "year")[0]
    if column == "units":
        return format_value(0.0, units, metric)[1]
    if metric == "crossover_year" and pd.isna(value):
        return "\N{EN DASH}" if " - " in column else f"none by {row['end']:.0f}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_value(value, units, metric)[0]
    return "" if pd.isna(value) else str(value)


def compare_row(row: pd.Series) -> list[str]:
    """A delta-table row for people: years as years, rates in percent with their units said so,
    a crossover that does not happen as "none by <year>"."""
    return [_cell(str(column), value, row) for column, value in row.items()]


def _mixed_worlds(runs: Mapping[str, xr.Dataset] | None) -> str:
    """A warning when the runs do not share their samples (one world, two policies fails)."""
    sizes = {n: r.sizes.get("sample", 1) for n, r in (runs or {}).items()}
    if len(set(sizes.values())) < 2:
        return ""
    listed = ", ".join(f"{n}: {s:,}" for n, s in sizes.items())
    return (
        f"Caution: the runs have different numbers of samples ({listed}), so the differences "
        "mix the policy with the uncertain inputs. Run each scenario with the same --samples "
        "and --seed, or read a run's own report, which compares it with its reference in one "
        "world."
    )


def _answer(frame: pd.DataFrame, names: Sequence[str], caution: str = "") -> str:
    """Per compared scenario: the change of MVA by country at the last reported year."""
    reference, items = names[0], []
    mva = frame[(frame["metric"] == "mva") & (frame["country"] != "WLD")]
    last = mva[mva["end"] == mva["end"].max()] if not mva.empty else mva
    for name in names[1:]:
        column = f"{name} - {reference}"
        changes = [
            f"{COUNTRY_NAMES.get(r['country'], r['country'])} "
            f"{signed(number(r[column], r['units'], 'mva'))}"
            for _, r in last.iterrows()
            if abs(r[column]) >= 1e-9
        ]
        year = f"{last['end'].max():.0f}" if not last.empty else "the horizon"
        items.append(
            f"{name}: MVA in {year} changes by " + "; ".join(changes) + "."
            if changes
            else f"{name}: no country's MVA in {year} differs from {reference}."
        )
    first = f"What each scenario changes against {reference} (medians for ensembles):"
    source = "Source: model runs on the embedded UN AMA data; deltas are scenario minus reference."
    return answer_box([first, *([caution] if caution else [])], items) + (
        f'<p class="muted">{esc(source)}</p>'
    )


def _tables(frame: pd.DataFrame) -> str:
    numeric = {i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])}
    columns = [str(c) for c in frame.columns]
    same = _unchanged(frame)
    changed = table(columns, [compare_row(r) for _, r in frame[~same].iterrows()], numeric)
    folded = ""
    if same.any():
        rows = [compare_row(r) for _, r in frame[same].iterrows()]
        folded = (
            f"<details><summary>{int(same.sum())} metrics the scenarios leave unchanged"
            "</summary>" + table(columns, rows, numeric) + "</details>"
        )
    note = (
        '<p class="muted">A crossover year reads "none by <i>year</i>" when the first country\'s '
        "MVA does not reach the second's by that year; the difference is then undefined (&ndash;). "
        'The full table is in <a href="delta.csv">delta.csv</a> beside this page.</p>'
    )
    return changed + folded + note


def write_compare_report(
    path: Path | str,
    *,
    delta_table: pd.DataFrame,
    plots: Mapping[str, Path],
    names: Sequence[str],
    title: str | None = None,
    captions: Mapping[str, str] | None = None,
    runs: Mapping[str, xr.Dataset] | None = None,
) -> Path:
    """Write one self-contained HTML page comparing scenarios.

    Parameters
    ----------
    path : path
        File to write.
    delta_table : pandas.DataFrame
        Metric values per scenario and their differences against the reference (columns
        ``metric, country, start, end, units``, one per scenario, ``"<name> - <reference>"``).
    plots : mapping of str to Path
        Overlay plots, as returned by :func:`scenarios.outputs.plotting.plot_comparison`.
    names : sequence of str
        Scenario names, the reference first.
    title : str, optional
        Page title; default ``"Scenario comparison: a, b, ..."``.
    captions : mapping of str to str, optional
        Captions by plot name.
    runs : mapping of str to xarray.Dataset, optional
        The results by name, for the interactive charts of MVA differences.

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
    head, charts = "", ""
    if runs and len(runs) > 1:
        countries = [str(c) for c in runs[names[0]]["country"].to_numpy() if str(c) != "WLD"]
        from scenarios.outputs.report import interactive  # bokeh, only for these pages

        head, charts = interactive.merge(
            [interactive.compare_chart(runs, c, names[0]) for c in countries[:2]]
        )
    has_deltas = bool(_delta_columns(delta_table)) and set(KEYS) <= set(delta_table.columns)
    body = "\n".join(
        [
            f"<h1>{esc(title)}</h1>",
            _answer(delta_table, names, _mixed_worlds(runs))
            if has_deltas and len(names) > 1
            else "",
            f'<p class="lead">Reference scenario: {esc(names[0])}. Compared: '
            f"{esc(', '.join(names[1:]))}.</p>"
            if names
            else "",
            "<h2>Differences against the reference</h2>",
            _tables(delta_table)
            if has_deltas
            else table(
                [str(c) for c in delta_table.columns],
                [compare_row(r) for _, r in delta_table.iterrows()],
                set(),
            ),
            "<h2>Plots</h2>",
            charts,
            figures(plots, {**COMPARE_CAPTIONS, **(captions or {})}),
        ]
    )
    return write_page(path, page(title, body, head))
