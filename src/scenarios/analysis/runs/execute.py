"""Running a scenario: samples drawn, the model run, the metrics and, in one world, the deltas."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.memory import PROCESS_BYTES, ensemble_bytes, memory_budget
from scenarios.analysis.metrics import compute_metrics, delta_metrics, headline, point_vs_ensemble
from scenarios.analysis.runs.loading import held_keys, load_reference, resolve, uncertainties_of
from scenarios.analysis.sampling import DESIGNS, sample
from scenarios.config.checks import metric_year_warnings
from scenarios.config.load import (
    config_hash,
    policy_differences,
)
from scenarios.config.schema import Spec
from scenarios.data import Dataset
from scenarios.errors import ConfigError, ScenariosError, in_file
from scenarios.model.engine import run_model
from scenarios.model.growth import observed_cagr
from scenarios.model.inputs import Inputs, build_inputs
from scenarios.model.parameters import lookup
from scenarios.results import to_dataset


@dataclass
class Run:
    """One scenario run: the resolved spec, the results dataset and the metrics table."""

    spec: Spec
    results: xr.Dataset
    metrics: pd.DataFrame
    inputs: Inputs
    config_file: str
    samples: pd.DataFrame | None = None
    method: str = "random"
    seconds: float = 0.0
    reference: Run | None = field(default=None, repr=False)
    point: pd.DataFrame | None = field(default=None, repr=False)
    """For an ensemble drawn from the config: the headline metrics of the deterministic run beside
    the ensemble's 25-75 % band (:func:`point_check`)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> pd.DataFrame:
        """The headline metrics, one row each (the terminal summary and summary.csv)."""
        return headline(self.metrics)

    @property
    def policy(self) -> dict:
        """The keys in which the scenario differs from its reference: dotted path -> (scenario
        value, reference value); empty without a reference."""
        return {} if self.reference is None else policy_differences(self.spec, self.reference.spec)


def point_value(spec: Spec, inputs: Inputs, path: str) -> object:
    """The value a deterministic run uses at a dotted path: the config's, or a growth rate the
    config takes ``from_data`` (the observed CAGR of its window); None where there is neither."""
    try:
        value = lookup(spec.model_dump(), path)
    except KeyError:
        value = None
    parts = path.split(".")
    if (
        value is None
        and parts[0] == "countries"
        and parts[2:] in (["growth", "g"], ["growth", "g0"])
    ):
        observed = spec.countries[parts[1]].growth.from_data
        if observed is not None:
            value = observed_cagr(inputs.growth_histories[parts[1]], observed.window, path=path)
    return value


def off_centre(spec: Spec, inputs: Inputs) -> list[str]:
    """Warnings for the uncertain parameters whose point value lies outside the central 50 % of
    their distribution: the deterministic run would not sit in the middle of its own ensemble."""
    warnings = []
    for path, dist in uncertainties_of(spec, None).items():
        point = point_value(spec, inputs, path)
        if not isinstance(point, int | float) or isinstance(point, bool):
            continue
        low, median, high = (float(q) for q in dist.ppf(np.array([0.25, 0.5, 0.75])))
        if not low <= point <= high:
            warnings.append(
                f"{path}: the point value {point:.4g} lies outside the central 50 % of its "
                f"distribution ({low:.4g} to {high:.4g}, median {median:.4g}); centre the "
                "distribution on it, or say in a comment why not"
            )
    return warnings


def draw_samples(
    spec: Spec, n: int, *, seed: int | None = None, method: str = "random", file: str | None = None
) -> pd.DataFrame:
    """The parameter matrix of an ensemble: one column per uncertain dotted path."""
    if n < 1:
        raise ConfigError("the number of samples must be at least 1", path="--samples", value=n)
    if not spec.uncertainties:
        raise ConfigError(
            "this config declares no uncertainties to sample",
            file=file,
            path="uncertainties",
            hint="add e.g. 'uncertainties: {impact.rho: {dist: uniform, low: 0.1, high: 0.6}}'",
        )
    correlation = spec.correlations or None
    return sample(
        uncertainties_of(spec, file),
        n,
        method=method,
        seed=spec.seed if seed is None else seed,
        correlation=correlation,
    )


def run(
    config: str | Path | Spec,
    *,
    overrides: list[str] | None = None,
    samples: int | pd.DataFrame | None = None,
    seed: int | None = None,
    method: str = "random",
    dataset: Dataset | None = None,
    with_reference: bool = True,
    reference: Spec | None = None,
    hold: Sequence[str] = (),
) -> Run:
    """Run a scenario: deterministic (point values) or an ensemble over its uncertainties.

    Parameters
    ----------
    config
        A config path, a shipped config name, or a loaded :class:`Spec`.
    overrides
        ``dotted.path=value`` strings applied before validation.
    samples
        None for one deterministic run; an int for an ensemble of that size drawn from the
        config's ``uncertainties``; or a ready parameter matrix (columns are dotted paths).
    seed
        Overrides the config's seed.
    method
        Ensemble design: ``random``, ``lhs`` or ``sobol``.
    with_reference
        Also run the config's ``reference`` scenario (same samples) and add delta metrics.
    reference
        The reference scenario's spec, instead of loading it by name.
    hold
        Uncertain keys an ensemble leaves at their config value, besides those ``overrides``
        set (a run replayed from its manifest).
    """
    started = time.perf_counter()
    if method not in DESIGNS:  # also on a deterministic run: a typo is never ignored
        raise ConfigError(
            f"unknown ensemble design {method!r}",
            path="--method",
            value=method,
            hint=f"choose one of: {', '.join(DESIGNS)}",
        )
    file, spec, dataset = resolve(config, overrides, seed, dataset)
    try:
        inputs = build_inputs(spec, dataset)
        if isinstance(samples, int):
            check_ensemble_size(
                samples,
                len(inputs.projected_years) + 1,
                len(inputs.countries),
                len(spec.programs),
                with_reference=with_reference and bool(spec.reference),
            )
        held = tuple(dict.fromkeys([*hold, *held_keys(spec, overrides or [])]))
        held = tuple(k for k in held if k in spec.uncertainties) if isinstance(samples, int) else ()
        matrix = (  # the draws of the config as written, less the keys --set holds
            draw_samples(spec, samples, method=method, file=file).drop(columns=list(held))
            if isinstance(samples, int)
            else samples
        )
        results = to_dataset(spec, inputs, run_model(spec, inputs, matrix), matrix)
        results.attrs.update(config_file=file, config_hash=config_hash(spec))
        metrics = compute_metrics(results, spec.metrics)
    except (
        ScenariosError
    ) as exc:  # the model and metrics know the key path, not the file it came from
        raise in_file(exc, file) from None
    ref_run = ref_spec = None
    if with_reference and spec.reference:
        ref_spec = reference or load_reference(file, spec, overrides)
        ref_run = _run_reference(spec, matrix, dataset, ref_spec)
        metrics = pd.concat([metrics, _deltas(results, ref_run, spec)], ignore_index=True)
    point = point_check(metrics, spec, dataset, ref_spec) if isinstance(samples, int) else None
    return Run(
        spec,
        results,
        metrics,
        inputs,
        file,
        matrix,
        method,
        time.perf_counter() - started,
        ref_run,
        point,
        metric_year_warnings(spec, inputs.base_year) + held_warnings(spec, inputs, held),
    )


def held_warnings(spec: Spec, inputs: Inputs, held: tuple[str, ...]) -> list[str]:
    """What an ensemble says of the uncertain keys that ``--set`` holds fixed."""
    return [
        f"{key} is held at {point_value(spec, inputs, key)} by --set: the ensemble does not draw "
        "it (the other parameters keep the draws of the config as written)"
        for key in held
    ]


def point_check(
    metrics: pd.DataFrame, spec: Spec, dataset: Dataset, reference: Spec | None
) -> pd.DataFrame:
    """The headline metrics of the deterministic run of ``spec`` (against ``reference``) beside
    the 25-75 % band of an ensemble's ``metrics``: ``outside`` flags where the two tell different
    stories (see :func:`scenarios.analysis.metrics.point_vs_ensemble`)."""
    point = run(spec, dataset=dataset, with_reference=reference is not None, reference=reference)
    keys = ["metric", "country", "start", "end"]
    return headline(metrics)[keys].merge(point_vs_ensemble(metrics, point.metrics), on=keys)


def check_ensemble_size(
    n_samples: int, n_years: int, n_countries: int, n_programs: int, *, with_reference: bool
) -> None:
    """Refuse ensembles that would not fit in memory, before allocating anything (``n_years``:
    the model's, base year to horizon)."""
    needed = ensemble_bytes(
        n_samples, n_years, n_countries, n_programs, with_reference=with_reference
    )
    budget = memory_budget()
    if needed > budget:
        fitting = int(n_samples * (budget - PROCESS_BYTES) / (needed - PROCESS_BYTES))
        raise ConfigError(
            f"{n_samples:,} samples would need about {needed / 1e9:.1f} GB of memory; "
            f"{budget / 1e9:.1f} GB may be used on this machine now",
            path="--samples",
            value=n_samples,
            hint=f"use at most {max(fitting, 0):,} samples, or --chunks to run it "
            "in chunks with dask",
        )


def _run_reference(
    spec: Spec, matrix: pd.DataFrame | None, dataset: Dataset, ref_spec: Spec
) -> Run:
    shared = (
        None
        if matrix is None
        else matrix[[c for c in matrix.columns if c in ref_spec.uncertainties]]
    )
    if shared is not None and shared.shape[1] == 0:
        shared = None
    return run(
        ref_spec.model_copy(update={"seed": spec.seed}),
        samples=shared,
        dataset=dataset,
        with_reference=False,
    )


def _deltas(results: xr.Dataset, reference: Run, spec: Spec) -> pd.DataFrame:
    ref = reference.results
    same = (
        list(results["country"].values) == list(ref["country"].values)
        and list(results["program"].values) == list(ref["program"].values)
        and list(results["year"].values) == list(ref["year"].values)
        and results.attrs["base_year"] == ref.attrs["base_year"]
    )
    if not same:
        raise ConfigError(
            f"reference scenario {spec.reference!r} has other countries, programs or years",
            path="reference",
            value=spec.reference,
            hint="a reference must extend the same parent config with the same base year and horizon",
        )
    if reference.results.sizes["sample"] not in (1, results.sizes["sample"]):
        raise ConfigError("reference ensemble size differs", path="reference", value=spec.reference)
    if ref.sizes["sample"] == 1 and results.sizes["sample"] > 1:
        ref = ref.isel(sample=np.zeros(results.sizes["sample"], dtype=int)).assign_coords(
            sample=results["sample"]
        )
    return delta_metrics(results, ref, spec.metrics)
