"""Runs side by side: read finished run folders, check they can be compared, and the table of
their key metrics with each one's difference from the first."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import xarray as xr

from scenarios.analysis.metrics import compute_metrics
from scenarios.config.schema import RUN_NAME, RUN_NAME_RULE, MetricSettings
from scenarios.errors import ConfigError, ScenariosError, shorten
from scenarios.files import read_text
from scenarios.results import read_results


def read_run_folder(path: Path) -> tuple[str, xr.Dataset, dict]:
    """A finished run folder: its scenario name, results and the resolved config it records."""
    results = read_results(path)
    name = str(results.attrs.get("scenario", path.name))
    if not RUN_NAME.fullmatch(name):
        raise ScenariosError(
            "results.nc names its scenario with an invalid run name",
            file=str(path),
            value=name,
            hint=RUN_NAME_RULE,
        )
    return name, results, _manifest_config(path / "manifest.json")


def _manifest_config(path: Path) -> dict:
    """The resolved config a run's manifest records ({} when there is no manifest)."""
    if not path.exists():
        return {}
    try:
        config = json.loads(read_text(path, "run manifest"))["config"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(f"not a run manifest ({shorten(str(exc))})", file=str(path)) from None
    return config if isinstance(config, dict) else {}


def check_comparable(runs: dict[str, xr.Dataset]) -> None:
    """Runs to compare share their countries, years and programs, in order."""
    (first_name, first), *others = runs.items()
    for name, other in others:
        for dim in ("country", "year", "program"):
            a, b = list(first[dim].values), list(other[dim].values)
            if a != b:
                only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
                detail = (
                    f"only in {first_name}: {only_a}; only in {name}: {only_b}"
                    if (only_a or only_b)
                    else "order differs"
                )
                raise ConfigError(
                    f"runs {first_name} and {name} have different {dim} ({detail})",
                    path=dim,
                    hint="compare scenarios that extend the same parent config",
                )


def delta_table(runs: dict[str, xr.Dataset], settings: MetricSettings) -> pd.DataFrame:
    """Key metrics of every run (median over samples) and their difference from the first run."""
    frames = {name: compute_metrics(results, settings) for name, results in runs.items()}
    central = {
        name: f[f["statistic"].isin(["value", "p50"])].set_index(
            ["metric", "country", "start", "end", "units"]
        )["value"]
        for name, f in frames.items()
    }
    table = pd.DataFrame(central)
    reference = next(iter(runs))
    for name in list(runs)[1:]:
        table[f"{name} - {reference}"] = table[name] - table[reference]
    return table.reset_index()
