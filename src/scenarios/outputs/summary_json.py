"""What a command prints, as JSON for scripts (``--json``): stable keys, units beside every number.

Every document has ``"command"`` and ``"format_version"`` (:data:`FORMAT_VERSION`), then the
command's own keys; a missing number (NaN) is ``null``. The keys are documented in
``docs/cli.md`` (``--json``) and tested in ``tests/test_json_output.py``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FORMAT_VERSION = 1


def plain(value: Any) -> Any:
    """``value`` as JSON types: numpy scalars unwrapped, NaN and NA as None, paths as strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``table`` as JSON objects keyed by column."""
    return [plain(row) for row in table.to_dict("records")]


def document(command: str, **fields: Any) -> str:
    """The JSON text a command prints: ``command``, ``format_version``, then ``fields``."""
    body = {"command": command, "format_version": FORMAT_VERSION, **plain(fields)}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def run_entry(result: Any, path: Path) -> dict[str, Any]:
    """One run: name, folder, samples, seconds, and each headline row with its units; an
    ensemble's rows add the 5 % and 95 % quantiles (``p05``, ``p95``) beside the median."""
    summary = result.summary.drop(columns=[c for c in ("p05", "p95") if c in result.summary])
    samples = int(result.results.sizes["sample"])
    if samples > 1:
        wide = result.metrics[result.metrics["statistic"].isin(["p05", "p95"])].pivot_table(
            index=["metric", "country", "start", "end"], columns="statistic", values="value"
        )
        summary = summary.merge(
            wide.reset_index(), on=["metric", "country", "start", "end"], how="left"
        )
    return {
        "scenario": result.spec.name,
        "description": result.spec.description,
        "path": str(path),
        "samples": samples,
        "seconds": round(float(result.seconds), 3),
        "value": "median over samples" if samples > 1 else "deterministic run",
        "summary": records(summary),
        "warnings": list(getattr(result, "warnings", ())),
    }


def compare_rows(table: pd.DataFrame, headline: list[str]) -> list[dict[str, Any]]:
    """Each headline metric's difference from the first run, one object per other run."""
    names = [c for c in table.columns if " - " in c]
    rows = []
    for row in table[table["metric"].isin(headline)].to_dict("records"):
        key = {k: row[k] for k in ("metric", "country", "start", "end", "units")}
        for name in names:
            run, first = name.split(" - ", 1)
            rows.append({**key, "run": run, "against": first, "difference": row[name]})
    return records(pd.DataFrame(rows))
