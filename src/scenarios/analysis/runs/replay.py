"""A run's manifest (config, seed, samples, versions, data hash) and a run replayed from one."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

from scenarios import __version__
from scenarios.analysis.runs.execute import Run, run
from scenarios.analysis.runs.loading import held_keys
from scenarios.config.load import (
    apply_overrides,
    config_hash,
    policy_record,
    shared_overrides,
    validate,
)
from scenarios.data import load_dataset
from scenarios.errors import ConfigError, shorten
from scenarios.files import read_text

DEPENDENCIES = ("numpy", "scipy", "pandas", "xarray", "SALib", "pydantic", "h5netcdf")


def manifest(run_: Run) -> dict:
    """Everything needed to re-run: resolved config, hash, seed, versions, data vintage, timing."""
    versions = {}
    for name in DEPENDENCIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "scenario": run_.spec.name,
        "config_file": run_.config_file,
        "config": run_.spec.model_dump(mode="json"),
        "config_hash": config_hash(run_.spec),
        "seed": run_.spec.seed,
        "n_samples": int(run_.results.sizes["sample"]),
        "package_version": __version__,
        "dependencies": versions,
        "data_vintage": run_.inputs.data_vintage,
        "data_hash": run_.inputs.data_hash,
        "base_year": int(run_.inputs.base_year),
        "run_seconds": round(run_.seconds, 4),
        "ensemble": run_.samples is not None,
        "held": [k for k in run_.spec.uncertainties if k not in run_.samples.columns]
        if run_.samples is not None
        else [],
        "method": run_.method,
        "reference_config": None
        if run_.reference is None
        else run_.reference.spec.model_dump(mode="json"),
        "policy": policy_record(run_.policy),
    }


def run_from_manifest(path: str | Path, overrides: list[str] | None = None) -> Run:
    """Re-run exactly what a run's manifest.json records (config, reference, seed, samples).

    ``overrides`` change the recorded world as ``--set`` does: both sides, except the policy
    levers, which change the scenario alone (:func:`load_reference`). Refuses a manifest whose
    config no longer has its recorded ``config_hash`` (edited by hand) or whose data changed
    since: the re-run would not be the recorded run.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(
            "manifest not found", file=str(path), hint="pass runs/<name>/manifest.json"
        )
    try:
        record = json.loads(read_text(path, "run manifest"))
        recorded = validate(record["config"], file=str(path))
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(f"not a run manifest ({shorten(str(exc))})", file=str(path)) from None
    if config_hash(recorded) != record.get("config_hash"):
        raise ConfigError(
            "the config in this manifest does not match its config_hash: it was edited "
            "after the run",
            file=str(path),
            path="config_hash",
            value=record.get("config_hash"),
            hint="to run a changed config, put it in a YAML file and run that: scenarios run FILE",
        )
    dataset = load_dataset(recorded.data.path)
    if dataset.hash != record.get("data_hash"):
        raise ConfigError(
            "the data changed since this run",
            file=str(path),
            path="data_hash",
            value=dataset.hash[:12],
            hint=f"the run used data {str(record.get('data_hash'))[:12]}; "
            "re-run from the config instead",
        )
    overrides = overrides or []
    spec = validate(apply_overrides(record["config"], overrides), file=str(path))
    spec = spec.model_copy(update={"seed": int(record.get("seed", spec.seed))})
    reference = record.get("reference_config")
    if reference is not None:
        shared = shared_overrides(overrides, recorded, validate(reference, file=str(path)))
        reference = validate(apply_overrides(reference, shared), file=str(path))
    n = record.get("n_samples", 1)
    if not isinstance(n, int) or isinstance(n, bool):
        raise ConfigError(
            "n_samples must be a whole number", file=str(path), path="n_samples", value=n
        )
    held = record.get("held", [])
    if not isinstance(held, list) or not all(isinstance(k, str) for k in held):
        raise ConfigError("held must be a list of dotted paths", file=str(path), path="held")
    return run(
        spec,
        samples=n if record.get("ensemble") else None,
        hold=[*held, *held_keys(spec, overrides)],
        method=record.get("method", "random"),
        dataset=dataset,
        reference=reference,
        with_reference=reference is not None,
    )
