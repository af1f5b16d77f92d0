"""The reference job: the engine's 24 arrays of an ensemble, written once with plain xarray.

    python benchmarks/reference_job.py CONFIG SAMPLES SEED OUT.nc

What a user who only wants the arrays would write: draw the same parameter matrix as
``scenarios run CONFIG --samples SAMPLES --seed SEED`` (``api.draw_samples``), call
:func:`scenarios.model.engine.run_model` once, and write every array with
``xarray.Dataset.to_netcdf(engine="h5netcdf")``: one variable per country or program array, dims
(year, sample) so that the engine's memory layout (each year's samples contiguous) goes to the
file without a transpose or a copy; no history, metrics, compression or plots. Prints one JSON
line with the time of each step. ``benchmarks/run.py`` runs it as a child process and takes its
wall time and peak resident memory from the operating system.
"""

from __future__ import annotations

import json
import sys
import time


def main(config: str, samples: int, seed: int, path: str) -> dict:
    started = time.perf_counter()
    import xarray as xr

    from scenarios import api
    from scenarios.data import load_dataset
    from scenarios.model.engine import run_model
    from scenarios.model.inputs import build_inputs

    imported = time.perf_counter()
    spec = api.load_config(config)
    inputs = build_inputs(spec, load_dataset(spec.data.path))
    matrix = api.draw_samples(spec, samples, seed=seed)
    prepared = time.perf_counter()
    out = run_model(spec, inputs, matrix)
    computed = time.perf_counter()
    dims = ("year", "sample")
    variables = {
        f"{table}_{c}": (dims, getattr(out, table)[c].T)
        for table in ("mva", "mva_baseline", "capital")
        for c in out.mva
    }
    variables |= {
        f"{field}_{key}": (dims, getattr(result, field).T)
        for key, result in out.programs.items()
        for field in ("launched", "active", "spend_federal", "spend_total")
    }
    dataset = xr.Dataset(variables, coords={"year": out.years, "sample": range(samples)})
    dataset.to_netcdf(path, engine="h5netcdf")
    written = time.perf_counter()
    return {
        "import_s": imported - started,
        "inputs_and_samples_s": prepared - imported,
        "engine_s": computed - prepared,
        "write_s": written - computed,
        "bytes": int(sum(v.nbytes for v in dataset.data_vars.values())),
    }


if __name__ == "__main__":
    config, samples, seed, path = sys.argv[1:]
    print(json.dumps(main(config, int(samples), int(seed), path)))
