"""Ensembles past memory and past one machine: the sample axis split into chunks run with dask.

The parameter matrix (n x d: small) is drawn once, exactly as :func:`scenarios.api.run` draws it,
then split along ``sample``. Each chunk runs the model (and its reference scenario) as one
``dask.delayed`` task, writes its slice of the results to ``results.zarr`` and its per-sample
metric values to ``metric_values.zarr``; the metrics table is then summarized one metric at a time
from those values, never loading the results whole. Every number equals the in-memory path's for
the same seed and samples, whatever the number of chunks or the scheduler (growth shocks are drawn
from positions of the same random stream).

>>> run = run_chunked("baseline", samples=10_000_000, chunks=500)         # doctest: +SKIP
>>> run = run_chunked("nnmi_full45", samples=10**6, scheduler="tcp://host:8786")  # doctest: +SKIP

With ``scheduler`` the workers write to ``out_dir`` directly: it must be on a file system they share.

`store` sizes the chunks and reads a chunked run back, `tasks` is what one chunk's dask task
does, and `driver` lays out the stores, runs the tasks and summarizes the metrics
(`run_chunked`).
"""

from scenarios.analysis.ensemble.driver import run_chunked
from scenarios.analysis.ensemble.store import (
    CHUNK_BYTES,
    VLEN_STR,
    ChunkedRun,
    auto_chunks,
    bytes_per_sample,
    open_results,
)

__all__ = [
    "CHUNK_BYTES",
    "VLEN_STR",
    "ChunkedRun",
    "auto_chunks",
    "bytes_per_sample",
    "open_results",
    "run_chunked",
]
