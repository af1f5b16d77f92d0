"""What a sensitivity analysis of a scenario measures: the key outputs of a config, their names
and units, and the engine evaluated for them over a parameter matrix (`EngineOutputs`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from pydantic import ValidationError

from scenarios.analysis import blockwise, runs
from scenarios.analysis.claims import (
    FUTURE_METRICS,
    MetricRef,
    countries_read,
    future_metric,
    policy_effect,
)
from scenarios.config.schema import Spec
from scenarios.data import Dataset
from scenarios.errors import ConfigError, ScenariosError, in_file
from scenarios.results import MONEY

US_PROGRAM = "manufacturing_usa"
UNITS = {
    "mva": MONEY,
    "mva_ratio": "ratio",
    "world_share": "fraction",
    "institutes_active": "count",
    "institutes_established": "count",
    "intensity_index": "ratio to the reference country",
    "cagr": "fraction per year",
    "cagr_gap": "fraction per year",
    "crossover_year": "year (horizon + 1: not by the horizon)",
    "spend_federal_cumulative": MONEY,
}
"""Units of each claim metric, as analysed."""
GAP_PATH = "mva gap CHN-USA"
PATH_COUNTRIES = {"USA", "CHN"}  # the countries of the yearly paths
PATH_PREFIX = "path: "  # marks the yearly paths among the values of a block


def key_outputs(spec: Spec) -> list[MetricRef]:
    """The headline outputs of a scenario's sensitivity analysis.

    US MVA in 2035 and the CHN-USA CAGR gap 2025-2035 (each also against the reference scenario,
    if the config has one), the year US MVA reaches China's, Manufacturing USA institutes active
    in 2035 and its cumulative federal spend. 2035 becomes the horizon when that is earlier.
    """
    end = min(2035, spec.horizon)
    levels = [
        MetricRef(name="mva", country="USA", year=end),
        MetricRef(name="cagr_gap", a="CHN", b="USA", start=2025, end=end),
    ]
    outputs = []
    for level in levels:
        outputs.append(level)
        if spec.reference:
            outputs.append(level.model_copy(update={"reference": spec.reference}))
    outputs.append(MetricRef(name="crossover_year", a="USA", b="CHN"))
    if US_PROGRAM in spec.programs:
        outputs += [
            MetricRef(name="institutes_active", program=US_PROGRAM, year=end),
            MetricRef(name="spend_federal_cumulative", program=US_PROGRAM),
        ]
    return outputs


def output_name(ref: MetricRef) -> str:
    """Readable unique name of an output, e.g. ``"cagr_gap CHN-USA 2025-2035 vs baseline"``."""
    fields = ref.model_dump()
    parts = [ref.name]
    for group in (("country",), ("a", "b"), ("program",), ("year",), ("start", "end")):
        values = [str(fields[k]) for k in group if fields[k] is not None]
        if values:
            parts.append("-".join(values))
    if ref.reference:
        parts.append(f"vs {ref.reference}" + (" (relative)" if ref.change == "percent" else ""))
    return " ".join(parts)


def output_units(ref: MetricRef) -> str:
    """Units of an output (a relative change against the reference is a fraction)."""
    if ref.reference and ref.change == "percent":
        return "fraction"
    return UNITS[ref.name]


def parse_output(text: str) -> MetricRef:
    """Parse ``--output name=mva,country=JPN,year=2030`` into a :class:`MetricRef`.

    Raises
    ------
    ConfigError
        For a malformed item, an unknown metric or key, or a missing argument.
    """
    example = "e.g. --output name=mva,country=JPN,year=2030"
    fields: dict[str, object] = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(
                "an output is name=METRIC,key=value,...", path="--output", value=text, hint=example
            )
        value = value.strip()
        fields[key.strip()] = int(value) if value.lstrip("-").isdigit() else value
    try:
        ref = MetricRef.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(
            f"invalid output: {'.'.join(map(str, error['loc']))}: {error['msg']}",
            path="--output",
            value=text,
            hint=f"keys: {', '.join(MetricRef.model_fields)}; {example}",
        ) from None
    if ref.name not in FUTURE_METRICS:
        raise ConfigError(
            f"unknown metric '{ref.name}'",
            path="--output",
            value=text,
            hint=f"choose one of: {', '.join(FUTURE_METRICS)}",
        )
    missing = [k for k in FUTURE_METRICS[ref.name][1] if getattr(ref, k) is None]
    if missing:
        raise ConfigError(
            f"metric '{ref.name}' needs {', '.join(missing)}",
            path="--output",
            value=text,
            hint=f"add {','.join(f'{k}=...' for k in missing)}",
        )
    return ref


def _paths(results: xr.Dataset) -> dict[str, np.ndarray]:
    """US MVA and the CHN-USA MVA gap in each projected year, shape (sample, year)."""
    mva = results["mva"].isel(year=results["projected"].to_numpy())
    us, china = mva.sel(country="USA").to_numpy(), mva.sel(country="CHN").to_numpy()
    return {"mva USA": us, GAP_PATH: china - us}


def _countries(spec: Spec, outputs: list[MetricRef]) -> list[str] | None:
    """The scenario's countries that the outputs and the yearly paths read (None: all): the
    engine projects only those."""
    read = countries_read(outputs)
    return None if read is None else [c for c in spec.countries if c in read | PATH_COUNTRIES]


class EngineOutputs:
    """Outputs of a scenario for a parameter matrix, from runs of the scenario and its reference.

    The matrix is run a block of rows at a time (:func:`scenarios.analysis.blockwise.evaluate`): each
    block's results are reduced to the outputs and yearly paths and dropped.

    Parameters
    ----------
    spec : Spec
        The scenario.
    file : str
        Its config file (the reference is looked up beside it).
    outputs : sequence of MetricRef
        What to evaluate; a ``reference`` must be the scenario's own reference.
    dataset : Dataset
        The data the engine calibrates on.
    scheduler : str, optional
        A dask.distributed scheduler address to run the blocks on.
    overrides : list of str, optional
        The overrides ``spec`` was loaded with: the reference gets those that are not policy
        levers (:func:`scenarios.analysis.runs.load_reference`).
    """

    def __init__(
        self,
        spec: Spec,
        file: str,
        outputs: Sequence[MetricRef],
        dataset: Dataset,
        scheduler: str | None = None,
        overrides: list[str] | None = None,
    ):
        self.spec, self.file, self.outputs, self.dataset = spec, file, list(outputs), dataset
        self.scheduler = scheduler
        foreign = [output_name(r) for r in outputs if r.reference not in (None, spec.reference)]
        if foreign:
            raise ConfigError(
                f"output '{foreign[0]}' compares with another scenario than this "
                "config's reference",
                path="--output",
                value=foreign[0],
                hint=f"use reference={spec.reference}"
                if spec.reference
                else "this config has no 'reference:'",
            )
        held = runs.held_keys(spec, overrides or [])
        columns = [k for k in spec.uncertainties if k not in held]  # the design's columns
        countries = _countries(spec, self.outputs)
        try:
            self.main = blockwise.Side.of(spec, dataset, columns, countries)
            self.reference = blockwise.reference_side(
                spec, file, columns, dataset, overrides=overrides, countries=countries
            )
        except ScenariosError as exc:
            raise in_file(exc, file) from None
        self.years = self.main.inputs.projected_years
        """The projected years: the columns of the yearly paths."""

    def _reduce(self, results: xr.Dataset, base: xr.Dataset | None) -> dict[str, np.ndarray]:
        values = {output_name(r): future_metric(results, r) for r in self.outputs}
        paths = _paths(results)
        if base is not None:
            for r in self.outputs:
                if r.reference:
                    values[output_name(r)] = policy_effect(
                        values[output_name(r)], future_metric(base, r), r.change
                    )
            gain = paths.pop("mva USA") - _paths(base)["mva USA"]
            paths = {f"mva USA vs {self.spec.reference}": gain, **paths}
        return {**values, **{PATH_PREFIX + k: v for k, v in paths.items()}}

    def __call__(self, params: pd.DataFrame) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Outputs (one value per row) and yearly paths (rows x projected years), policy effects
        included."""
        try:
            everything = blockwise.evaluate(
                self.main,
                self.reference,
                params,
                self._reduce,
                scheduler=self.scheduler,
                label=f"{self.main.spec.name}: model runs",
            )
        except ScenariosError as exc:
            raise in_file(exc, self.file) from None
        values = {k: v for k, v in everything.items() if not k.startswith(PATH_PREFIX)}
        paths = {
            k.removeprefix(PATH_PREFIX): v
            for k, v in everything.items()
            if k.startswith(PATH_PREFIX)
        }
        return values, paths
