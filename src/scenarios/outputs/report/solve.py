"""The solve page (``scenarios solve``): what it would take for a claim to hold, the answers
first, then the levers, the plot and every lever value run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from scenarios.data.sources import cite
from scenarios.outputs.report.page import (
    answer_box,
    esc,
    figures,
    frame_table,
    page,
    sources_section,
    write_page,
)

SOLVE_CAPTIONS = {
    "probability": "the probability that the claim holds against the lever, with its 95 % "
    "interval, each target and the value found, and where the point run starts to hold",
    "contour": "the probability that the claim holds over the two levers; the target contours "
    "drawn",
}


def _lever_item(lever) -> str:
    units = f" ({esc(lever.units)})" if lever.units else ""
    return (
        f"<li><code>{esc(lever.path)}</code>: {esc(lever.label)}{units}, searched over "
        f"{lever.low:,.6g} to {lever.high:,.6g}; the scenario's value {lever.start:,.6g}</li>"
    )


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
    body = "\n".join(
        [
            f"<h1>{esc(title)}</h1>",
            answer_box([*sentences, f"The claim: {claim.text} ({cite(claim.source)})."]),
            "<h2>Levers</h2><ul>"
            + "".join(_lever_item(lever) for lever in levers)
            + "".join(f"<li>{esc(n)}</li>" for n in notes)
            + "</ul>",
            "<h2>Plot</h2>",
            figures(plots, SOLVE_CAPTIONS),
            "<h2>solve.csv</h2>",
            frame_table(table),
            "<h2>Every lever value run</h2>",
            frame_table(curve),
            sources_section([claim.source]),
        ]
    )
    return write_page(path, page(title, body))
