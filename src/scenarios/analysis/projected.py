"""A run's results from the base year on, only the variables that metrics of the future read.

:func:`scenarios.results.to_dataset` labels every array of the engine over history and
projection, the observed history repeated for each sample: 31 years of 7 variables to keep one
or two numbers a sample. A sensitivity design or a stress batch reduces each block of results
to a few metrics (:data:`scenarios.analysis.claims.FUTURE_METRICS`); most read years from the
base year on only. :func:`projected_dataset` labels ``mva`` and the program variables over the
base year and the projected years, no copy of history per sample, with the same numbers as
``to_dataset`` in those years (the base year's MVA and institutes are the observed ones).
:func:`reads_history` says when a metric needs the whole results instead.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.claims import MetricRef
from scenarios.config.schema import Spec
from scenarios.model.engine import ModelOutput
from scenarios.model.inputs import Inputs
from scenarios.results import COUNTRY_VARIABLES, PROGRAM_VARIABLES

FIELDS = {
    "institutes_active": "active",
    "institutes_launched": "launched",
    "spend_federal": "spend_federal",
    "spend_total": "spend_total",
}
"""Program variables of the results -> fields of :class:`scenarios.model.pipeline.PipelineResult`."""


def reads_history(refs: Iterable[MetricRef], base_year: int, by_year: bool = False) -> bool:
    """Whether any of ``refs`` reads a year before ``base_year`` (or every year, ``by_year``)."""
    for ref in refs:
        years = [y for y in (ref.year, ref.start, ref.end) if y is not None]
        if by_year or any(y < base_year for y in years):
            return True
    return False


def _year_major(n: int, width: int, n_years: int) -> np.ndarray:
    """An empty (sample, country or program, year) array, each year's samples contiguous (the
    layout of the engine's arrays and of ``to_dataset``'s, so sums over years add in order)."""
    return np.empty((n_years, width, n)).transpose(2, 1, 0)


def _mva(inputs: Inputs, output: ModelOutput, n: int) -> np.ndarray:
    values = _year_major(n, len(inputs.countries), len(output.years))
    observed = inputs.mva_observed.loc[inputs.base_year, inputs.countries].to_numpy(float)
    values[:, :, 0] = observed
    for i, country in enumerate(inputs.countries):
        values[:, i, 1:] = output.mva[country][:, 1:]
    return values


def _attrs(entry: tuple[str, str]) -> dict[str, str]:
    long_name, units = entry
    return {"long_name": long_name, "units": units}


def _program(
    inputs: Inputs, output: ModelOutput, programs: list[str], field: str, n: int
) -> np.ndarray:
    values = _year_major(n, len(programs), len(output.years))
    for i, key in enumerate(programs):
        model = getattr(output.programs[key], field)
        history = inputs.programs[key]
        if field == "active":
            values[:, i, 0] = history.observed_active.to_numpy()[-1]
        elif field == "launched":
            values[:, i, 0] = history.observed_launched.to_numpy()[-1]
        else:  # spend at the base year is the model's
            values[:, i, 0] = model[:, 0]
        values[:, i, 1:] = model[:, 1:]
    return values


def projected_dataset(
    spec: Spec, inputs: Inputs, output: ModelOutput, samples: pd.DataFrame | None = None
) -> xr.Dataset:
    """``mva`` and the program variables over the base year and the projected years.

    The signature of :func:`scenarios.results.to_dataset` (``samples`` is not labelled: the
    caller has the matrix). Values equal ``to_dataset``'s in the same years, bit for bit.
    """
    programs = list(spec.programs)
    n = next(iter(output.mva.values())).shape[0]
    variables = {
        "mva": (
            ("sample", "country", "year"),
            _mva(inputs, output, n),
            _attrs(COUNTRY_VARIABLES["mva"]),
        )
    }
    for name, field in FIELDS.items():
        variables[name] = (
            ("sample", "program", "year"),
            _program(inputs, output, programs, field, n),
            _attrs(PROGRAM_VARIABLES[name]),
        )
    coords = {
        "sample": np.arange(n),
        "country": inputs.countries,
        "year": output.years,
        "projected": ("year", output.years > inputs.base_year),
        "program": programs,
        "program_country": ("program", [spec.programs[p].country for p in programs]),
    }
    return xr.Dataset(variables, coords=coords, attrs={"base_year": int(inputs.base_year)})
