"""A chunked ensemble on disk: how many chunks, the run's record, its results read lazily."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.memory import result_bytes
from scenarios.analysis.metrics import Metric, headline
from scenarios.config.load import policy_differences
from scenarios.config.schema import Spec
from scenarios.model.inputs import Inputs

VLEN_STR = np.dtype("O", metadata={"element_type": str})
"""Variable-length strings, marked as such so that xarray writes them to Zarr without a look."""

CHUNK_BYTES = 256e6
"""Memory one chunk's result arrays may take."""


def bytes_per_sample(inputs: Inputs, spec: Spec) -> int:
    """Bytes of one sample's result arrays (:func:`scenarios.analysis.memory.result_bytes`)."""
    return result_bytes(
        1, len(inputs.projected_years) + 1, len(inputs.countries), len(spec.programs)
    )


def auto_chunks(n_samples: int, inputs: Inputs, spec: Spec) -> int:
    """How many chunks keep each one under :data:`CHUNK_BYTES`."""
    return max(1, math.ceil(n_samples * bytes_per_sample(inputs, spec) / CHUNK_BYTES))


@dataclass
class ChunkedRun:
    """A chunked ensemble written to ``path``: the metrics table in memory, the results on disk."""

    spec: Spec
    metrics: pd.DataFrame
    path: Path
    n_samples: int
    chunks: int
    scheduler: str
    seconds: float = 0.0
    manifest: dict = field(default_factory=dict, repr=False)
    reference: Spec | None = field(default=None, repr=False)
    point: pd.DataFrame | None = field(default=None, repr=False)
    """As ``api.Run.point``: the deterministic headline beside the ensemble's 25-75 % band."""
    warnings: list[str] = field(default_factory=list)
    """As ``api.Run.warnings``."""

    @property
    def summary(self) -> pd.DataFrame:
        return headline(self.metrics)

    @property
    def policy(self) -> dict:
        """The keys in which the scenario differs from its reference (see ``api.Run.policy``)."""
        return {} if self.reference is None else policy_differences(self.spec, self.reference)

    @property
    def results(self) -> xr.Dataset:
        """The results, opened lazily (dask arrays) from ``results.zarr``."""
        return open_results(self.path)


def open_results(run_dir: str | Path) -> xr.Dataset:
    """``runs/<name>/results.zarr`` as a lazy dataset (string coordinates read back as ``str``)."""
    ds = xr.open_zarr(Path(run_dir) / "results.zarr")  # stores from before consolidation open too
    labels = {
        name: (c.dims, np.asarray(c.values, dtype=object).astype(str))
        for name, c in ds.coords.items()
        if c.dtype.kind in "OT"
    }
    return ds.assign_coords(labels)


def zarr_ready(ds: xr.Dataset) -> xr.Dataset:
    """Strings as variable-length UTF-8, so that chunks whose strings differ in length agree."""
    strings = {
        name: ds[name].astype(VLEN_STR) for name in ds.variables if ds[name].dtype.kind in "USOT"
    }
    coords = {k: v for k, v in strings.items() if k in ds.coords}
    return ds.assign_coords(coords).assign({k: v for k, v in strings.items() if k not in coords})


def metric_values_template(labels: list[Metric], n: int, rows: int) -> xr.Dataset:
    """``metric_values.zarr``: each metric row's value in every sample, labelled like metrics.csv
    (NaN until its chunk is written)."""
    import dask.array as da

    coords = {
        name: ("row", [getattr(m, name) for m in labels])
        for name in ("metric", "country", "start", "end", "units")
    }
    value = da.full((len(labels), n), np.nan, chunks=(1, rows), dtype="float64")
    return zarr_ready(
        xr.Dataset({"value": (("row", "sample"), value)}, coords={**coords, "sample": np.arange(n)})
    )
