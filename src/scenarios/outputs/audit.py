"""The audit's outputs: the answer in a few sentences, a rich table, and ``runs/audit/``
(figures.csv, report.html, manifest.json), written atomically like every run folder."""

from __future__ import annotations

import hashlib
import math
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pandas as pd
from rich.table import Table

from scenarios import __version__
from scenarios.analysis.audit import REGISTRY, load_registry
from scenarios.data import Dataset
from scenarios.outputs.report import write_audit_report
from scenarios.results import write_json, write_run


def format_figure(value: float, published: str) -> str:
    """A recomputed value with two more decimals than the published figure ("5.3" -> "5.144")."""
    if not math.isfinite(value):
        return "n/a"
    if float(value).is_integer():
        return f"{value:,.0f}"
    decimals = max(0, -Decimal(published).as_tuple().exponent) + 2
    return f"{value:,.{decimals}f}"


def as_printed(row: pd.Series) -> str:
    """The published figure with its qualifier, e.g. "nearly 30 %" or "under 0.50 USD per person"."""
    words = {"exact": "", "nearly": "nearly ", "under": "under ", "at_least": "at least "}
    return f"{words[row['qualifier']]}{row['published']} {row['unit']}"


def answer(table: pd.DataFrame) -> list[str]:
    """The answer first: how many figures reproduce, which do not, and what reproduces those."""
    missed = table[~table["reproduces"]]
    lines = [
        f"{len(table) - len(missed)} of {len(table)} published figures reproduce from the "
        f"embedded data at the precision they were printed; {len(missed)} do not."
    ]
    for row in missed.to_dict("records"):
        shown = format_figure(row["recomputed"], row["published"])
        lines.append(
            f"{row['id']} ({row['source']}, {row['location']}): published "
            f"{as_printed(row)}, recomputed {shown} on {row['basis']}; {_alternative(row)}."
        )
    return lines


def _alternative(row: dict) -> str:
    by = row["reproduced_by"].split("; ") if row["reproduced_by"] else []
    if by:
        return f"reproduced only by {by[0]}" + (f" (and {len(by) - 1} more)" if len(by) > 1 else "")
    closest = format_figure(row["closest_value"], row["published"])
    return (
        f"no combination of the data reproduces it (closest: {closest} on {row['closest_basis']})"
    )


def rich_table(table: pd.DataFrame) -> Table:
    """The audit as a rich table: figure, published, recomputed, verdict, what reproduces it."""
    out = Table(
        "figure",
        "published",
        "recomputed",
        "difference",
        "verdict",
        "reproduced by",
        title="Published figures, recomputed",
        title_justify="left",
        caption=answer(table)[0],
        caption_justify="left",
    )
    for row in table.to_dict("records"):
        colour = "green" if row["reproduces"] else "red"
        by = row["reproduced_by"].split("; ") if row["reproduced_by"] else []
        shown = by[0] + (f" (+{len(by) - 1} more)" if len(by) > 1 else "") if by else "none"
        out.add_row(
            row["id"],
            as_printed(row),
            format_figure(row["recomputed"], row["published"]),
            format_figure(row["difference"], row["published"]),
            f"[{colour}]{row['verdict']}[/{colour}]",
            shown,
        )
    return out


def page_table(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of the report page, numbers formatted at the figure's precision."""
    return pd.DataFrame(
        {
            "figure": table["id"],
            "source": table["source"] + ", " + table["location"],
            "published": [as_printed(r) for r in table.to_dict("records")],
            "recomputed": [
                format_figure(v, p)
                for v, p in zip(table["recomputed"], table["published"], strict=True)
            ],
            "difference": [
                format_figure(v, p)
                for v, p in zip(table["difference"], table["published"], strict=True)
            ],
            "verdict": table["verdict"],
            "basis": table["basis"],
            "reproduced by": table["reproduced_by"].replace("", "none"),
        }
    )


def method(dataset: Dataset) -> list[str]:
    """How the figures were recomputed: the precision rule, the alternatives, the data, the inputs."""
    editions = ", ".join(sorted(dataset.series["edition"].unique()))
    inputs = [
        f"{name} = {i.value:,.0f} {i.unit} ({i.source})"
        for name, i in load_registry().inputs.items()
    ]
    return [
        "A figure reproduces when the recomputation on the basis its source states prints as the "
        'figure: "1.5" is any value in [1.45, 1.55); "nearly 30" is [29, 30.5); "under 0.50" '
        'is below 0.50; "at least 33" is 33 or more.',
        "Alternatives tried: every edition in the data, current and constant prices, the years "
        "shifted one each way, and the second term of a share or index (the world total, the "
        "reference country) from the same edition or from the other source (the UN's countries "
        "summed, the World Bank's World as published).",
        f"Data: {dataset.origin} dataset, editions {editions}; default edition {dataset.vintage}.",
        *(f"Cited input: {text}" for text in inputs),
    ]


def save_audit(table: pd.DataFrame, dataset: Dataset, out_dir: str | Path = "runs") -> Path:
    """Write ``<out_dir>/audit/``: figures.csv, report.html and manifest.json, atomically."""
    registry = resources.files("scenarios.data").joinpath(REGISTRY).read_bytes()
    manifest = {
        "command": "audit",
        "package_version": __version__,
        "figures": len(table),
        "reproduce": int(table["reproduces"].sum()),
        "data_origin": dataset.origin,
        "data_vintage": dataset.vintage,
        "data_hash": dataset.hash,
        "registry_sha256": hashlib.sha256(registry).hexdigest(),
    }
    writers = {
        "figures.csv": lambda p: table.to_csv(p, index=False, float_format="%.10g"),
        "report.html": lambda p: write_audit_report(
            p, lead=answer(table), figures=page_table(table), method=method(dataset)
        ),
        "manifest.json": lambda p: write_json(manifest, p),
    }
    return write_run(Path(out_dir) / "audit", writers)
