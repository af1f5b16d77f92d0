"""`run_chunked`: the stores laid out, the chunks run on a scheduler, the metrics summarized."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.blockwise import Side, reference_side, row_blocks, shock_states
from scenarios.analysis.ensemble.store import (
    ChunkedRun,
    auto_chunks,
    metric_values_template,
    zarr_ready,
)
from scenarios.analysis.ensemble.tasks import ChunkJob, chunk_metrics, run_chunk
from scenarios.analysis.metrics import SPEND, Metric, summarize
from scenarios.analysis.runs import (
    draw_samples,
    held_keys,
    held_warnings,
    manifest,
    point_check,
    resolve,
    uncertainties_of,
)
from scenarios.config.load import config_hash, policy_record
from scenarios.config.schema import Spec
from scenarios.errors import ConfigError, ScenariosError, in_file
from scenarios.model.inputs import build_inputs
from scenarios.progress import dask_steps, gather_with_progress
from scenarios.results import write_json, write_run


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
    job: ChunkJob, matrix: pd.DataFrame, rows: int, states: dict, ref_states: dict
) -> tuple[xr.Dataset, list[Metric]]:
    """The full-size results layout (lazy zeros along ``sample``) and the metric labels, from a
    one-sample probe of the first chunk."""
    import dask.array as da

    one, labels = chunk_metrics(job, matrix.iloc[:1], states, ref_states, 0, 1)
    if job.reference is not None:
        ref = job.reference.deterministic
        _check_reference(
            one,
            job.reference.results(matrix.iloc[:1], ref_states) if ref is None else ref,
            job.main.spec,
        )
    one = zarr_ready(one)
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
        held = held_keys(spec, overrides or []) if isinstance(samples, int) else ()
        matrix = (  # as api.run draws it: the config as written, less the keys --set holds
            draw_samples(spec, samples, method=method, file=file).drop(columns=list(held))
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
        job = ChunkJob(main, ref, n, bounds, str(store), str(store.parent / "metric_values.zarr"))
        template, labels = _template(job, matrix, rows, main_states[0], ref_states[0])
        template.attrs.update(config_file=file, config_hash=config_hash(spec))
        template.to_zarr(store, mode="w", compute=False, consolidated=False, zarr_format=2)
        metric_values_template(labels, n, rows).to_zarr(
            job.metric_store, mode="w", compute=False, consolidated=False, zarr_format=2
        )
        values = zarr.open_group(job.metric_store, mode="r")["value"]
        shared = dask.delayed(job, pure=True, traverse=False)
        tasks = [
            dask.delayed(run_chunk, pure=True)(
                shared, matrix.iloc[a:b], main_states[i], ref_states[i], a, b
            )
            for i, (a, b) in enumerate(bounds)
        ]
        description = f"{spec.name}: {n:,} samples in {len(tasks)} chunks"
        if scheduler is None:
            with dask_steps(description, len(tasks), run_chunk.__name__):
                finite = dask.compute(*tasks, scheduler="threads")
        else:
            from distributed import Client

            with Client(scheduler) as client:
                finite = gather_with_progress(client, client.compute(tasks), description)
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
        warnings=held_warnings(spec, inputs, held),
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
        "held": [k for k in run.spec.uncertainties if k not in matrix.columns],
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
