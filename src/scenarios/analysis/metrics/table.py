"""The long metrics table: statistics per metric, deltas against a reference, the headline rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.metrics.sets import Metric, bcr_metrics, metric_deltas, metric_set
from scenarios.config.schema import MetricSettings

COLUMNS = [
    "scenario",
    "metric",
    "country",
    "start",
    "end",
    "statistic",
    "value",
    "units",
    "long_name",
    "note",
]
"""``note`` is empty but where a value needs words: a crossover ``not by 2040`` (value empty)."""
LONG_NAMES = {
    "mva": "manufacturing value added",
    "cagr": "compound annual growth rate of MVA",
    "cagr_gap": "CAGR of the first country minus CAGR of the second",
    "mva_ratio": "MVA of the first country over MVA of the second",
    "crossover_year": "first year in which the first country's MVA is at least the second's",
    "world_share": "share of world MVA",
    "institutes_active": "institutes active (expected count)",
    "spend_federal_cumulative": "federal program spend, summed over the projected years",
    "spend_total_cumulative": "total program spend (federal + non-federal match), summed over the projected years",
    "program_intensity": "total program spend over the MVA of the program's country",
    "intensity_index": "program intensity over that of the reference country's program",
    "bcr_federal": "benefit-cost ratio against federal spend: discounted MVA gain over discounted extra federal spend",
    "bcr_total": "benefit-cost ratio against total spend: discounted MVA gain over discounted extra federal "
    "+ non-federal spend",
}
"""A readable name of each metric (the ``long_name`` column); ``delta_x`` is the change in x."""


def long_name(metric: str) -> str:
    """The readable name of a metric, ``delta_x`` included."""
    if metric.startswith("delta_"):
        return (
            f"change against the reference scenario in: {long_name(metric.removeprefix('delta_'))}"
        )
    return LONG_NAMES.get(metric, metric.replace("_", " "))


QUANTILES = ("p05", "p25", "p50", "p75", "p95")


def _statistics(values: np.ndarray) -> dict[str, float]:
    """value for one sample; mean and the 5/25/50/75/95 % quantiles for an ensemble."""
    if values.size == 1:
        return {"value": float(values[0])}
    # no interpolation between infinities (inf - inf warns and gives NaN): e.g. an intensity
    # index against a program whose funding has stopped
    method = "linear" if np.isfinite(values).all() else "nearest"
    quantiles = np.percentile(values, [5, 25, 50, 75, 95], method=method)
    return {
        "mean": float(values.mean()),
        **dict(zip(QUANTILES, map(float, quantiles), strict=True)),
    }


def _not_by_horizon(
    stats: dict[str, float], values: np.ndarray, horizon: int
) -> dict[str, tuple[float, str]]:
    """A crossover statistic past the horizon becomes an empty value noted ``not by <horizon>``
    (a mean, when some samples never cross: ``not by <horizon> in k % of samples``)."""
    never = values > horizon
    out = {}
    for name, value in stats.items():
        if name == "mean" and never.any():
            out[name] = (np.nan, f"not by {horizon} in {never.mean():.0%} of samples")
        else:
            out[name] = (np.nan, f"not by {horizon}") if value > horizon else (value, "")
    return out


def summarize(scenario: str, metrics: list[Metric]) -> pd.DataFrame:
    """Long table: one row per metric and statistic (value for one sample; mean, p05, p25, p50,
    p75, p95 for an ensemble), with a ``note`` where a value needs words."""
    rows = []
    for m in metrics:
        values = np.asarray(m.values, dtype=float)
        stats = _statistics(values)
        noted = (
            _not_by_horizon(stats, values, m.end)
            if m.metric == "crossover_year"
            else {k: (v, "") for k, v in stats.items()}
        )
        rows += [
            (
                scenario,
                m.metric,
                m.country,
                m.start,
                m.end,
                s,
                v,
                m.units,
                long_name(m.metric),
                note,
            )
            for s, (v, note) in noted.items()
        ]
    return pd.DataFrame(rows, columns=COLUMNS)


def compute_metrics(results: xr.Dataset, settings: MetricSettings) -> pd.DataFrame:
    """The metrics table of one run."""
    return summarize(results.attrs["scenario"], metric_set(results, settings))


def delta_metrics(
    results: xr.Dataset, reference: xr.Dataset, settings: MetricSettings
) -> pd.DataFrame:
    """Every metric as a difference against a reference run (sample by sample), plus both
    benefit-cost ratios where they are finite in every sample."""
    ours, theirs = metric_set(results, settings), metric_set(reference, settings)
    deltas = metric_deltas(ours, theirs)
    ratios = bcr_metrics(results, reference, settings.discount_rate)
    deltas += [m for m in ratios if np.all(np.isfinite(m.values))]
    return summarize(results.attrs["scenario"], deltas)


def point_vs_ensemble(ensemble: pd.DataFrame, point: pd.DataFrame) -> pd.DataFrame:
    """Each metric of a deterministic run beside the same metric's 25, 50 and 75 % quantiles over
    an ensemble of the same config, with ``outside``: the point lies outside that band.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric, country, start, end, units, point, p25, p50, p75, outside``.
    """
    keys = ["metric", "country", "start", "end", "units"]
    band = ensemble[ensemble["statistic"].isin(["p25", "p50", "p75"])]
    band = band.pivot_table(
        index=keys, columns="statistic", values="value", aggfunc="first", dropna=False
    )
    values = point[point["statistic"] == "value"].set_index(keys)["value"].rename("point")
    table = band.join(values, how="inner").reset_index()
    slack = 1e-9 * table[["p25", "p75"]].abs().max(axis=1)
    table["outside"] = (table["point"] < table["p25"] - slack) | (
        table["point"] > table["p75"] + slack
    )
    return table[[*keys, "point", "p25", "p50", "p75", "outside"]]


HEADLINE = (
    "mva",
    "cagr_gap",
    "crossover_year",
    "institutes_active",
    "spend_federal_cumulative",
    "delta_mva",
    "delta_cagr_gap",
    "bcr_federal",
    "bcr_total",
)


def headline(metrics: pd.DataFrame) -> pd.DataFrame:
    """The headline rows of a metrics table: horizon levels, gaps, institutes, spend, policy
    effects (central statistic only)."""
    central = metrics["statistic"].isin(["value", "p50"]) & metrics["metric"].isin(HEADLINE)
    at_horizon = metrics["end"] == metrics["end"].max()
    levels = metrics["metric"].isin(["mva", "institutes_active", "delta_mva"])
    keep = central & (at_horizon | ~levels) & (metrics["country"] != "WLD")
    return metrics.loc[keep].reset_index(drop=True)
