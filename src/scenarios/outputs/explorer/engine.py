"""The explorer's computation: a setting of the levers -> the ensemble of the scenario and its
reference on common random numbers -> the numbers the page shows. No web code here.

The steps are those of :func:`scenarios.api.run` (validate, build inputs, draw the parameter
matrix with the config's seed, run the model, label the arrays), so a setting exported with
:func:`export_yaml` and run with ``scenarios run --samples N`` gives the same numbers; the
explorer only skips the full metrics table and keeps the reference run while its matrix is
unchanged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.sampling import correlation_matrix, sample, validate_uncertainties
from scenarios.config.checks import check_spec
from scenarios.config.load import (
    deep_merge,
    load_raw,
    policy_differences,
    resolve_config_path,
    touches_policy,
    validate,
)
from scenarios.config.schema import Spec
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ConfigError, ScenariosError
from scenarios.model.engine import run_model
from scenarios.model.inputs import Inputs, build_inputs
from scenarios.outputs.explorer.levers import (
    Lever,
    export_yaml,
    levers_for,
    nested,
    setting_changes,
)
from scenarios.outputs.explorer.verdicts import Verdict, claims_for, judge
from scenarios.results import full_series, series_years, to_dataset

QUANTILES = (5, 25, 50, 75, 95)
HEADLINE_YEARS = (2035, 2040)
# the result variables that charts, deltas, ratios and claim metrics read (a lean dataset is faster)
VARIABLES = (
    "mva",
    "growth",
    "institutes_active",
    "institutes_launched",
    "spend_federal",
    "spend_total",
)


@dataclass
class Answer:
    """What the page shows for one setting (or the schema's message in ``error``)."""

    years: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    base_year: int = 0
    bands: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )  # (scenario, reference) quantiles
    headline: pd.DataFrame = field(default_factory=pd.DataFrame)
    verdicts: list[Verdict] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


def spec_of(
    raw: dict[str, Any], changes: dict[str, Any], file: str, seed: int | None = None
) -> Spec:
    """Validate a config dict with changes merged in, with every check of ``load_config``."""
    spec = validate(deep_merge(raw, changes), file=file)
    check_spec(spec, file=file)
    dists = validate_uncertainties(spec.uncertainties, file=file)
    if spec.correlations:
        correlation_matrix(spec.correlations, list(dists), file=file)
    return spec if seed is None else spec.model_copy(update={"seed": seed})


def check_shifted(raw: dict[str, Any], changes: dict[str, Any], file: str) -> None:
    """A lever that moves a sampled parameter must keep its whole distribution (both ends of
    ``bounds()``) within the schema's range for that parameter."""
    moved = changes.get("uncertainties", {})
    if not moved:
        return
    merged = deep_merge(raw, changes)
    dists = validate_uncertainties(merged["uncertainties"], file=file)
    for path in moved:
        for end in dists[path].bounds():
            try:
                validate(deep_merge(merged, nested(path, end)), file=file)
            except ConfigError as exc:
                raise ConfigError(
                    f"moved this far, the distribution of {path} reaches {end:g}: {exc.problems[0].message}",
                    file=file,
                    path=f"uncertainties.{path}",
                    value=merged["uncertainties"][path],
                    hint="move the lever less far, or narrow the distribution in the config",
                ) from None


def reference_changes(changes: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    """The changes that the reference takes too: all but the policy levers (one world, two
    policies, as ``--set``). Moved distributions stay out: the reference runs on the scenario's
    draws."""
    shared: dict[str, Any] = {}
    for path, value in _leaves({k: v for k, v in changes.items() if k != "uncertainties"}):
        if not touches_policy(path, policy):
            shared = deep_merge(shared, nested(path, value))
    return shared


def _leaves(tree: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    return [
        leaf
        for key, value in tree.items()
        for leaf in (
            _leaves(value, f"{prefix}{key}.")
            if isinstance(value, dict)
            else [(f"{prefix}{key}", value)]
        )
    ]


def reference_path(config_file: Path, reference: str) -> Path:
    """A reference beside the config, else the shipped one (as :func:`scenarios.api.run`)."""
    beside = config_file.parent / f"{reference}.yaml"
    return beside if beside.exists() else resolve_config_path(reference)


class Explorer:
    """One session's explorer: the starting config, its levers, and an ensemble of ``samples``
    futures on common random numbers (the config's seed unless ``seed`` is given)."""

    def __init__(
        self,
        config: str | Path,
        *,
        samples: int = 1000,
        seed: int | None = None,
        dataset: Dataset | None = None,
    ) -> None:
        self.path = resolve_config_path(config)
        self.file = str(self.path)
        self.raw = load_raw(self.path)
        self.start = spec_of(self.raw, {}, self.file, seed)
        self.seed, self.samples = self.start.seed, samples
        self.dataset = dataset or load_dataset(self.start.data.path)
        self.reference = None
        if self.start.reference:
            self._ref_file = str(reference_path(self.path, self.start.reference))
            self._ref_raw = load_raw(Path(self._ref_file))
            self.reference = spec_of(self._ref_raw, {}, self._ref_file, self.seed)
            self._policy = policy_differences(self.start, self.reference)
        self._ref_cache: dict[bytes, xr.Dataset] = {}
        self._inputs_cache: dict[str, Inputs] = {}
        results, _ = self.run({})
        self.levers: list[Lever] = levers_for(self.start, self._growth(results))
        self.claims = claims_for(self.start.name, self.start.reference, self.path)

    def _growth(self, results: xr.Dataset) -> dict[str, float]:
        first = int(results.attrs["base_year"]) + 1
        return {
            str(c): float(results["growth"].sel(country=c, year=first).isel(sample=0))
            for c in results["country"].values
        }

    def values(self) -> dict[str, float]:
        """The starting value of every lever."""
        return {lever.path: lever.start for lever in self.levers}

    def changes(self, values: dict[str, float]) -> dict[str, Any]:
        """The config keys a setting changes."""
        return setting_changes(self.levers, values)

    def export(self, values: dict[str, float]) -> str:
        """The setting as a YAML config extending the starting one."""
        return export_yaml(
            self.path, self.start.name, self.changes(values), samples=self.samples, seed=self.seed
        )

    def run(self, changes: dict[str, Any]) -> tuple[xr.Dataset, xr.Dataset | None]:
        """The scenario's ensemble with ``changes``, and its reference on the same draws."""
        spec = spec_of(self.raw, changes, self.file, self.seed)
        check_shifted(self.raw, changes, self.file)
        inputs = self._inputs(spec)
        matrix = None
        if spec.uncertainties:
            dists = validate_uncertainties(spec.uncertainties, file=self.file)
            matrix = sample(
                dists, self.samples, seed=spec.seed, correlation=spec.correlations or None
            )
        results = to_dataset(spec, inputs, run_model(spec, inputs, matrix), matrix)[list(VARIABLES)]
        return results, self._reference_run(matrix, results, changes)

    def _inputs(self, spec: Spec) -> Inputs:
        """Calibrated inputs, rebuilt only when a key they depend on changes (no lever does)."""
        key = repr(
            (
                list(spec.countries),
                spec.history_start,
                spec.horizon,
                spec.base_year,
                spec.data,
                spec.money.inflation,
                [(k, p.history) for k, p in spec.programs.items()],
            )
        )
        if key not in self._inputs_cache:  # the scenario's and its reference's: no lever moves them
            self._inputs_cache[key] = build_inputs(spec, self.dataset)
        return self._inputs_cache[key]

    def _reference_run(
        self, matrix: pd.DataFrame | None, results: xr.Dataset, changes: dict[str, Any]
    ) -> xr.Dataset | None:
        """The reference on the scenario's draws, with the changes that are not policy levers."""
        if self.reference is None:
            return None
        own = reference_changes(changes, self._policy)
        reference = spec_of(self._ref_raw, own, self._ref_file, self.seed)
        shared = (
            None
            if matrix is None
            else matrix[[c for c in matrix.columns if c in reference.uncertainties]]
        )
        if shared is not None and shared.shape[1] == 0:
            shared = None
        key = repr(own).encode() + (
            b""
            if shared is None
            else shared.to_numpy().tobytes() + str(list(shared.columns)).encode()
        )
        if key not in self._ref_cache:
            self._ref_cache.clear()
            inputs = self._inputs(reference)
            ref = to_dataset(reference, inputs, run_model(reference, inputs, shared), shared)[
                list(VARIABLES)
            ]
            self._ref_cache[key] = ref
        ref = self._ref_cache[key]
        if ref.sizes["sample"] == 1 and results.sizes["sample"] > 1:
            ref = ref.isel(sample=np.zeros(results.sizes["sample"], dtype=int)).assign_coords(
                sample=results["sample"]
            )
        return ref

    def update(self, values: dict[str, float]) -> Answer:
        """Everything the page shows for a setting; a schema or model error becomes its message."""
        started = time.perf_counter()
        try:
            results, reference = self.run(self.changes(values))
        except ScenariosError as exc:
            return Answer(error=str(exc), seconds=time.perf_counter() - started)
        answer = summarize(results, reference, self.focus, self.start.metrics.discount_rate)
        answer.verdicts = (
            [judge(c, results, reference) for c in self.claims] if reference is not None else []
        )
        answer.seconds = time.perf_counter() - started
        return answer

    @property
    def focus(self) -> str:
        """The country the charts follow: the metrics' reference country (USA)."""
        country = self.start.metrics.reference_country
        return country if country in self.start.countries else next(iter(self.start.countries))


def _series(results: xr.Dataset, focus: str) -> dict[str, np.ndarray]:
    """(sample, year) arrays: the focus country's MVA, and its programs' institutes and spend."""
    own = results["program_country"].values == focus
    by_program = {
        "institutes": "institutes_active",
        "spend": "spend_federal",
        "spend_total": "spend_total",
    }
    mva = full_series(results, "mva", country=focus)
    out = {"mva": mva.transpose("sample", "year").values}
    out.update(
        {
            name: full_series(results, var).values[:, own, :].sum(axis=1)
            for name, var in by_program.items()
        }
    )
    return out


def _quantiles(values: np.ndarray) -> np.ndarray:
    return np.percentile(values, QUANTILES, axis=0)


def summarize(results: xr.Dataset, reference: xr.Dataset | None, focus: str, rate: float) -> Answer:
    """Fan-chart quantiles, headline deltas and benefit-cost ratios of one ensemble."""
    years = series_years(results)
    base = int(results.attrs["base_year"])
    ours = _series(results, focus)
    theirs = _series(reference, focus) if reference is not None else ours
    bands = {
        name: (_quantiles(ours[name]), _quantiles(theirs[name]))
        for name in ("mva", "institutes", "spend")
    }
    gain = (
        ours["mva"] - theirs["mva"]
    )  # sample by sample: the same future with and without the policy
    bands["gain"] = (_quantiles(gain), _quantiles(np.zeros_like(gain)))
    headline = (
        _headline(ours, theirs, years, base, focus, rate)
        if reference is not None
        else pd.DataFrame()
    )
    return Answer(years=years, base_year=base, bands=bands, headline=headline)


def _row(quantity: str, year: int | str, values: np.ndarray, units: str) -> dict[str, Any]:
    values = np.asarray(values, dtype=float).reshape(-1)
    finite = np.isfinite(values).all()
    p05, p50, p95 = np.percentile(values, [5, 50, 95], method="linear" if finite else "nearest")
    return {"quantity": quantity, "year": year, "p05": p05, "p50": p50, "p95": p95, "units": units}


def _headline(
    ours: dict, theirs: dict, years: np.ndarray, base: int, focus: str, rate: float
) -> pd.DataFrame:
    """Policy effects in 2035 and 2040 (median and 5-95 % range), then the benefit-cost ratios."""
    projected = years > base
    extra_spend = np.cumsum(np.where(projected, ours["spend"] - theirs["spend"], 0.0), axis=1)
    rows = []
    for year in (y for y in HEADLINE_YEARS if base < y <= years[-1]):
        i = int(np.flatnonzero(years == year)[0])
        gain = ours["mva"][:, i] - theirs["mva"][:, i]
        rows += [
            _row(f"{focus} MVA gain", year, gain, "USD million, constant 2015 prices"),
            _row(f"{focus} MVA gain, percent", year, 100 * gain / theirs["mva"][:, i], "%"),
            _row(
                "Extra institutes active",
                year,
                ours["institutes"][:, i] - theirs["institutes"][:, i],
                "count",
            ),
            _row(
                "Extra federal spend since the base year",
                year,
                extra_spend[:, i],
                "USD million, constant 2015 prices",
            ),
        ]
    factor = (1 + rate) ** -(years[projected] - base).astype(float)

    def discounted(key: str) -> np.ndarray:
        return ((ours[key] - theirs[key])[:, projected] * factor).sum(axis=1)

    for cost, key in (("federal", "spend"), ("total", "spend_total")):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = discounted("mva") / discounted(key)
        if np.all(np.isfinite(ratio)):  # as the metrics table: no ratio without extra cost
            rows.append(_row(f"Benefit-cost ratio, {cost} cost", f"to {years[-1]}", ratio, "ratio"))
    return pd.DataFrame(rows)
