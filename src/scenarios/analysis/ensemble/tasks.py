"""One chunk's dask task: its rows run with the reference, results and metric values written."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.blockwise import Side
from scenarios.analysis.ensemble.store import zarr_ready
from scenarios.analysis.metrics import Metric, bcr_metrics, metric_deltas, metric_set
from scenarios.config.schema import MetricSettings


@dataclass(frozen=True)
class ChunkJob:
    """Everything a chunk's task needs besides its rows: both sides of the run and the stores."""

    main: Side
    reference: Side | None
    n: int
    bounds: list[tuple[int, int]]
    store: str
    metric_store: str


def _delta_values(
    results: xr.Dataset, reference: xr.Dataset, ours: list[Metric], settings: MetricSettings
) -> tuple[list[Metric], list[Metric]]:
    """As :func:`scenarios.analysis.metrics.delta_metrics`, before summarizing: (deltas, BCR candidates)."""
    deltas = metric_deltas(ours, metric_set(reference, settings))
    return deltas, bcr_metrics(results, reference, settings.discount_rate)


def chunk_metrics(
    job: ChunkJob, rows: pd.DataFrame | None, states: dict, ref_states: dict, start: int, stop: int
) -> tuple[xr.Dataset, list[Metric]]:
    """One chunk's results and its metric values (main, deltas, BCR candidates), in order."""
    results = job.main.results(rows, states)
    results = results.assign_coords(sample=np.arange(start, stop))
    values = metric_set(results, job.main.spec.metrics)
    if job.reference is not None:
        if job.reference.deterministic is not None:
            ref = job.reference.deterministic
            ref = ref.isel(sample=np.zeros(stop - start, dtype=int)).assign_coords(
                sample=results["sample"]
            )
        else:
            ref = job.reference.results(rows, ref_states).assign_coords(sample=results["sample"])
        deltas, bcrs = _delta_values(results, ref, values, job.main.spec.metrics)
        values = values + deltas + bcrs
    return results, values


def run_chunk(
    job: ChunkJob, rows: pd.DataFrame | None, states: dict, ref_states: dict, start: int, stop: int
) -> list[bool]:
    """The dask task: compute a chunk, write it; returns whether each metric row is finite."""
    import zarr

    results, values = chunk_metrics(job, rows, states, ref_states, start, stop)
    region = zarr_ready(
        results.drop_vars([v for v in results.variables if "sample" not in results[v].dims])
    )
    region.attrs = {}
    region.to_zarr(job.store, region={"sample": slice(start, stop)}, consolidated=False)
    table = np.stack([np.asarray(m.values, dtype=float) for m in values])
    zarr.open_group(job.metric_store, mode="r+")["value"][:, start:stop] = table
    return [bool(np.all(np.isfinite(row))) for row in table]
