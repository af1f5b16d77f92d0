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
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.blockwise import Side, reference_side, row_blocks, shock_states
from scenarios.analysis.memory import result_bytes
from scenarios.analysis.metrics import SPEND, Metric, bcr_metrics, headline, metric_set, summarize
from scenarios.analysis.runs import draw_samples, manifest, point_check, resolve, uncertainties_of
from scenarios.config.load import config_hash, policy_differences, policy_record
from scenarios.config.schema import MetricSettings, Spec
from scenarios.errors import ConfigError, ScenariosError, in_file
from scenarios.model.inputs import Inputs, build_inputs
from scenarios.results import write_json, write_run

VLEN_STR = np.dtype("O", metadata={"element_type": str})
"""Variable-length strings, marked as such so that xarray writes them to Zarr without a look."""

CHUNK_BYTES = 256e6
"""Memory one chunk's result arrays may take."""


def bytes_per_sample(inputs: Inputs, spec: Spec) -> int:
    """Bytes of one sample's result arrays (:func:`scenarios.analysis.memory.result_bytes`)."""
    return result_bytes(1, len(inputs.years), len(inputs.countries), len(spec.programs))


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


# --------------------------------------------------------------------------------------------
# the job: everything a chunk task needs besides its rows


@dataclass(frozen=True)
class _Job:
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
    theirs = metric_set(reference, settings)
    deltas = [
        Metric(f"delta_{a.metric}", a.country, a.start, a.end, a.units, a.values - b.values)
        for a, b in zip(ours, theirs, strict=True)
        if a.metric != "crossover_year"
    ]
    return deltas, bcr_metrics(results, reference, settings.discount_rate)


def _chunk_metrics(
    job: _Job, rows: pd.DataFrame | None, states: dict, ref_states: dict, start: int, stop: int
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


def _run_chunk(
    job: _Job, rows: pd.DataFrame | None, states: dict, ref_states: dict, start: int, stop: int
) -> list[bool]:
    """The dask task: compute a chunk, write it; returns whether each metric row is finite."""
    import zarr

    results, values = _chunk_metrics(job, rows, states, ref_states, start, stop)
    region = _zarr_ready(
        results.drop_vars([v for v in results.variables if "sample" not in results[v].dims])
    )
    region.attrs = {}
    region.to_zarr(job.store, region={"sample": slice(start, stop)}, consolidated=False)
    table = np.stack([np.asarray(m.values, dtype=float) for m in values])
    zarr.open_group(job.metric_store, mode="r+")["value"][:, start:stop] = table
    return [bool(np.all(np.isfinite(row))) for row in table]


def _zarr_ready(ds: xr.Dataset) -> xr.Dataset:
    """Strings as variable-length UTF-8, so that chunks whose strings differ in length agree."""
    strings = {
        name: ds[name].astype(VLEN_STR) for name in ds.variables if ds[name].dtype.kind in "USOT"
    }
    coords = {k: v for k, v in strings.items() if k in ds.coords}
    return ds.assign_coords(coords).assign({k: v for k, v in strings.items() if k not in coords})


# --------------------------------------------------------------------------------------------
# the driver


def _check_reference(results: xr.Dataset, ref: xr.Dataset, spec: Spec) -> None:
    same = all(
        list(results[d].values) == list(ref[d].values) for d in ("country", "program", "year")
    )
    if not same or results.attrs["base_year"] != ref.attrs["base_year"]:
        raise ConfigError(
            f"reference scenario {spec.reference!r} has other countries, programs or years",
            path="reference",
            value=spec.reference,
            hint="a reference must extend the same parent config with the same base year and horizon",
        )


def _template(
    job: _Job, matrix: pd.DataFrame, rows: int, states: dict, ref_states: dict
) -> tuple[xr.Dataset, list[Metric]]:
    """The full-size results layout (lazy zeros along ``sample``) and the metric labels, from a
    one-sample probe of the first chunk."""
    import dask.array as da

    one, labels = _chunk_metrics(job, matrix.iloc[:1], states, ref_states, 0, 1)
    if job.reference is not None:
        ref = job.reference.deterministic
        _check_reference(
            one,
            job.reference.results(matrix.iloc[:1], ref_states) if ref is None else ref,
            job.main.spec,
        )
    one = _zarr_ready(one)
    variables = {}
    for name, var in one.data_vars.items():
        if "sample" in var.dims:
            shape = tuple(
                job.n if d == "sample" else s for d, s in zip(var.dims, var.shape, strict=True)
            )
            chunks = tuple(
                rows if d == "sample" else s for d, s in zip(var.dims, var.shape, strict=True)
            )
            empty = "" if var.dtype.kind == "O" else 0
            variables[name] = (
                var.dims,
                da.full(shape, empty, chunks=chunks, dtype=var.dtype),
                var.attrs,
            )
        else:
            variables[name] = var
    coords = {name: c for name, c in one.coords.items() if name != "sample"}
    template = xr.Dataset(variables, coords={**coords, "sample": np.arange(job.n)}, attrs=one.attrs)
    return template, labels


def run_chunked(
    config: str | Path | Spec,
    *,
    samples: int | pd.DataFrame,
    overrides: list[str] | None = None,
    seed: int | None = None,
    method: str = "random",
    chunks: int | None = None,
    scheduler: str | None = None,
    out_dir: str | Path = "runs",
    dataset=None,
    reference: Spec | None = None,
) -> ChunkedRun:
    """Run an ensemble in chunks along ``sample`` and write ``<out_dir>/<name>/``.

    Parameters
    ----------
    samples
        The ensemble size (drawn as ``api.run`` draws it) or a ready parameter matrix.
    chunks
        How many chunks (default: enough to keep each under :data:`CHUNK_BYTES`).
    scheduler
        A dask.distributed scheduler address (``tcp://host:8786``), or None for local threads.

    Writes results.zarr, metric_values.zarr, metrics.csv, summary.csv and manifest.json atomically.
    """
    import dask
    import zarr

    started = time.perf_counter()
    file, spec, dataset = resolve(config, overrides, seed, dataset)
    try:
        inputs = build_inputs(spec, dataset)
        matrix = (
            draw_samples(spec, samples, method=method, file=file)
            if isinstance(samples, int)
            else samples
        )
        uncertainties_of(spec, file)
        n = len(matrix)
        k = min(n, chunks or auto_chunks(n, inputs, spec))
        if k < 1:
            raise ConfigError(
                "the number of chunks must be at least 1", path="--chunks", value=chunks
            )
        rows = math.ceil(n / k)
        bounds = row_blocks(n, rows)
        main = Side(spec, inputs, list(matrix.columns))
        ref = reference_side(spec, file, matrix.columns, dataset, reference, overrides)
        main_states = shock_states(main, matrix, bounds)
        ref_states = shock_states(ref, matrix, bounds) if ref is not None else [{} for _ in bounds]
    except ScenariosError as exc:
        raise in_file(exc, file) from None
    scheduler_name = scheduler or "threads"
    outcome: dict = {}

    def compute(store: Path) -> None:
        job = _Job(main, ref, n, bounds, str(store), str(store.parent / "metric_values.zarr"))
        template, labels = _template(job, matrix, rows, main_states[0], ref_states[0])
        template.attrs.update(config_file=file, config_hash=config_hash(spec))
        template.to_zarr(store, mode="w", compute=False, consolidated=False, zarr_format=2)
        _metric_values_template(labels, n, rows).to_zarr(
            job.metric_store, mode="w", compute=False, consolidated=False, zarr_format=2
        )
        values = zarr.open_group(job.metric_store, mode="r")["value"]
        shared = dask.delayed(job, pure=True, traverse=False)
        tasks = [
            dask.delayed(_run_chunk, pure=True)(
                shared, matrix.iloc[a:b], main_states[i], ref_states[i], a, b
            )
            for i, (a, b) in enumerate(bounds)
        ]
        if scheduler is None:
            finite = dask.compute(*tasks, scheduler="threads")
        else:
            from distributed import Client

            with Client(scheduler) as client:
                finite = client.gather(client.compute(tasks))
        for written in (store, job.metric_store):  # one read of the metadata opens each store
            zarr.consolidate_metadata(written)
        outcome["metrics"] = _summarize(
            spec.name, labels, values, np.all(finite, axis=0), ref is not None
        )

    run = ChunkedRun(
        spec,
        pd.DataFrame(),
        Path(out_dir) / spec.name,
        n,
        len(bounds),
        scheduler_name,
        reference=None if ref is None else ref.spec,
    )
    writers = {
        "results.zarr": compute,
        "metrics.csv": lambda p: outcome["metrics"].to_csv(p, index=False),
        "summary.csv": lambda p: _set_metrics(run, outcome["metrics"]).summary.to_csv(
            p, index=False
        ),
        "manifest.json": lambda p: write_json(
            _manifest(run, manifest, file, matrix, method, started), p
        ),
    }
    write_run(run.path, writers, kind="ensemble")
    if isinstance(samples, int):
        run.point = point_check(run.metrics, spec, dataset, run.reference)
    run.seconds = time.perf_counter() - started
    return run


def _metric_values_template(labels: list[Metric], n: int, rows: int) -> xr.Dataset:
    """``metric_values.zarr``: each metric row's value in every sample, labelled like metrics.csv
    (NaN until its chunk is written)."""
    import dask.array as da

    coords = {
        name: ("row", [getattr(m, name) for m in labels])
        for name in ("metric", "country", "start", "end", "units")
    }
    value = da.full((len(labels), n), np.nan, chunks=(1, rows), dtype="float64")
    return _zarr_ready(
        xr.Dataset({"value": (("row", "sample"), value)}, coords={**coords, "sample": np.arange(n)})
    )


def _set_metrics(run: ChunkedRun, metrics: pd.DataFrame) -> ChunkedRun:
    run.metrics = metrics
    return run


def _summarize(
    scenario: str, labels: list[Metric], values, finite: np.ndarray, with_deltas: bool
) -> pd.DataFrame:
    """The metrics table from the per-sample values, one metric row at a time.

    As in ``api.run``: the run's own metrics, then (with a reference) its deltas, and a BCR only
    where it is finite in every sample.
    """

    def table(group: list[int]) -> pd.DataFrame:
        frames = [summarize(scenario, [Metric(*_label(labels[i]), values[i])]) for i in group]
        return pd.concat(frames, ignore_index=True) if frames else summarize(scenario, [])

    is_delta = [m.metric.startswith("delta_") or m.metric in SPEND for m in labels]
    own = table([i for i, d in enumerate(is_delta) if not d])
    if not with_deltas:
        return own
    deltas = table(
        [i for i, d in enumerate(is_delta) if d and (labels[i].metric not in SPEND or finite[i])]
    )
    return pd.concat([own, deltas], ignore_index=True)


def _label(m: Metric) -> tuple:
    return m.metric, m.country, m.start, m.end, m.units


def _manifest(
    run: ChunkedRun, manifest_fn, file: str, matrix: pd.DataFrame, method: str, started: float
) -> dict:
    record = {
        "scenario": run.spec.name,
        "config_file": file,
        "config": run.spec.model_dump(mode="json"),
        "seed": run.spec.seed,
        "n_samples": run.n_samples,
        "ensemble": True,
        "method": method,
        "chunks": run.chunks,
        "scheduler": run.scheduler,
        "results": "results.zarr",
        "run_seconds": round(time.perf_counter() - started, 4),
        "reference_config": None
        if run.reference is None
        else run.reference.model_dump(mode="json"),
        "policy": policy_record(run.policy),
        "config_hash": config_hash(run.spec),
    }
    run.manifest = json.loads(json.dumps(record, default=str))
    return record
