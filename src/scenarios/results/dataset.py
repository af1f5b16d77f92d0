"""Model arrays -> the results ``xarray.Dataset``: the one place that attaches dims and units.

The sampled variables are views of the engine's arrays over the base year and the projected
years; the observed history is stored once per (country or program, ``observed_year``), and
:func:`full_series`, :func:`at_year` and :func:`with_history` join the two for the consumers that
show or measure years before the base year.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.config.schema import Spec
from scenarios.data.sources import cite
from scenarios.model.engine import ModelOutput
from scenarios.model.inputs import Inputs

MONEY = "USD million, constant 2015 prices"
COUNTRY_VARIABLES = {
    "mva": ("manufacturing value added", MONEY),
    "mva_baseline": ("manufacturing value added without program impact", MONEY),
    "growth": ("annual growth of manufacturing value added", "fraction per year"),
    "innovation_capital": (
        "innovation capital stock built by program spend (projected years)",
        MONEY,
    ),
}
PROGRAM_VARIABLES = {
    "institutes_active": ("expected active institutes", "count"),
    "institutes_launched": ("institutes launched in the year", "count"),
    "spend_federal": ("federal program spend (base year and projected years)", MONEY),
    "spend_total": (
        "program spend, federal plus non-federal match (base year and projected years)",
        MONEY,
    ),
}


HISTORY = {
    "mva": "mva_observed",
    "mva_baseline": "mva_observed",
    "growth": "growth_observed",
    "institutes_active": "institutes_active_observed",
    "institutes_launched": "institutes_launched_observed",
}
"""Sampled variable -> the variable holding its observed history, once per (country or program,
observed year); a sampled variable not named here is not observed before the base year."""


def sampled_bytes(
    n_samples: int, n_years: int, n_countries: int, n_programs: int, n_parameters: int
) -> int:
    """Bytes of a results dataset's sampled variables over the model's ``n_years`` and its
    sampled parameters: what results.nc holds, less its history and labels."""
    per_year = len(COUNTRY_VARIABLES) * n_countries + len(PROGRAM_VARIABLES) * n_programs
    return 8 * n_samples * (n_years * per_year + n_parameters)


def _stacked(arrays: list[np.ndarray], n: int, n_years: int) -> np.ndarray:
    """(sample, key, year) over the engine's (sample, year) arrays, one per key.

    The engine allocates its outputs in one block, each year's samples contiguous; where the
    arrays lie at equal distances in that block (a table's countries, a field of every program)
    the result is a view of it, nothing copied. Otherwise they are copied into the same layout.
    """
    if not arrays:
        return np.zeros((n, 0, n_years))
    first = arrays[0]
    step = _common_step(arrays)
    if step is not None:
        return np.lib.stride_tricks.as_strided(
            first, (n, len(arrays), n_years), (first.strides[0], step, first.strides[1])
        )
    block = np.empty((len(arrays), n_years, n))
    for i, values in enumerate(arrays):
        block[i] = values.T
    return block.transpose(2, 0, 1)


def _common_step(arrays: list[np.ndarray]) -> int | None:
    """Bytes between consecutive arrays of one allocation with the same shape and strides."""
    first = arrays[0]
    if first.base is None or any(
        a.shape != first.shape or a.strides != first.strides or a.base is not first.base
        for a in arrays
    ):
        return None
    starts = [a.__array_interface__["data"][0] for a in arrays]
    steps = {b - a for a, b in itertools.pairwise(starts)}
    if len(steps) > 1:
        return None
    return steps.pop() if steps else first.nbytes


def _growth(mva: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Year-on-year growth of (sample, country, year) ``mva``; its first year from ``before``
    (country), the observation before it. Laid out as ``mva``'s engine arrays are."""
    growth = np.empty((mva.shape[1], mva.shape[2], mva.shape[0])).transpose(2, 0, 1)
    np.divide(mva[..., :1], before[None, :, None], out=growth[..., :1])
    np.divide(mva[..., 1:], mva[..., :-1], out=growth[..., 1:])
    growth -= 1
    return growth


def _observed(inputs: Inputs, countries: list[str], years: np.ndarray) -> dict[str, np.ndarray]:
    """Observed MVA and its growth (country, year) and the observed institute counts (program,
    year) over ``years``, NaN where not observed."""
    mva = inputs.mva_observed[countries]
    growth = (mva / mva.shift(1, axis=0) - 1).where(mva.index.to_series().diff().eq(1), axis=0)
    history = [inputs.programs[key] for key in inputs.programs]
    return {
        "mva_observed": mva.reindex(years).to_numpy().T,
        "growth_observed": growth.reindex(years).to_numpy().T,
        "institutes_active_observed": _counts([p.observed_active for p in history], years),
        "institutes_launched_observed": _counts([p.observed_launched for p in history], years),
    }


def _observed_counts(inputs: Inputs, field: str, programs: list[str]) -> np.ndarray:
    """The observed ``active`` or ``launched`` count of each program in the base year."""
    return np.array(
        [getattr(inputs.programs[p], f"observed_{field}").loc[inputs.base_year] for p in programs]
    )


def _counts(series: list[pd.Series], years: np.ndarray) -> np.ndarray:
    if not series:
        return np.zeros((0, len(years)))
    return np.stack([s.reindex(years).to_numpy(dtype=float) for s in series])


def to_dataset(
    spec: Spec, inputs: Inputs, output: ModelOutput, samples: pd.DataFrame | None = None
) -> xr.Dataset:
    """Label the model's arrays in the results schema: sampled variables (sample, country or
    program, year) over the base year and the projected years, views of the engine's arrays;
    observed history once per (country or program, observed_year) (see :func:`full_series`).
    The engine's arrays are not copied: the base year of its institute counts is set to the
    observed counts, as that year is observed. The countries are those the model projected."""
    years, countries, programs = output.years, list(output.mva), list(spec.programs)
    n, n_years = output.n, len(years)
    mva = _stacked([output.mva[c] for c in countries], n, n_years)
    before = inputs.mva_observed[countries].loc[inputs.base_year - 1].to_numpy()
    data = {
        "mva": mva,
        "mva_baseline": _stacked([output.mva_baseline[c] for c in countries], n, n_years),
        "growth": _growth(mva, before),
        "innovation_capital": _stacked([output.capital[c] for c in countries], n, n_years),
    }
    variables: dict[str, tuple[tuple[str, ...], Any, dict[str, str]]] = {
        name: (("sample", "country", "year"), values, _attrs(COUNTRY_VARIABLES[name]))
        for name, values in data.items()
    }
    field_of = {
        "institutes_active": "active",
        "institutes_launched": "launched",
        "spend_federal": "spend_federal",
        "spend_total": "spend_total",
    }
    for name, field in field_of.items():
        values = _stacked([getattr(output.programs[p], field) for p in programs], n, n_years)
        if field in ("active", "launched"):  # the base year's counts are observed ones
            values[..., 0] = _observed_counts(inputs, field, programs)
        variables[name] = (("sample", "program", "year"), values, _attrs(PROGRAM_VARIABLES[name]))
    variables["cap"] = (
        ("program",),
        [_cap(spec, p) for p in programs],
        {"units": "count", "long_name": "network cap (NaN: none)"},
    )
    variables |= _observed_variables(inputs, countries)
    if samples is not None:
        for path in samples.columns:
            column = samples[path].to_numpy()
            variables[path] = (
                ("sample",),
                column.astype(str) if column.dtype == object else column,
                {"units": "as in the config", "long_name": f"sampled value of {path}"},
            )
    coords = {
        "sample": np.arange(n),
        "country": countries,
        "year": years,
        "projected": ("year", years > inputs.base_year),
        "observed_year": inputs.years,
        "program": programs,
        "program_country": ("program", [spec.programs[p].country for p in programs]),
        "program_label": ("program", [spec.programs[p].label for p in programs]),
        "economy": list(inputs.deflators),
    }
    return xr.Dataset(variables, coords=coords, attrs=_dataset_attrs(spec, inputs))


def _observed_variables(
    inputs: Inputs, countries: list[str]
) -> dict[str, tuple[tuple[str, ...], Any, dict[str, str]]]:
    """The data the run starts from, over every year (history and horizon), NaN where none."""
    all_years = inputs.years
    observed = _observed(inputs, countries, all_years)
    country, program = ("country", "observed_year"), ("program", "observed_year")
    return {
        "mva_observed": (
            country,
            observed["mva_observed"],
            {"units": MONEY, "long_name": "observed manufacturing value added (data)"},
        ),
        "growth_observed": (
            country,
            observed["growth_observed"],
            {"units": "fraction per year", "long_name": "observed growth of MVA (data)"},
        ),
        "institutes_active_observed": (
            program,
            observed["institutes_active_observed"],
            {"units": "count", "long_name": "active institutes, observed (data)"},
        ),
        "institutes_launched_observed": (
            program,
            observed["institutes_launched_observed"],
            {"units": "count", "long_name": "institutes launched in the year, observed (data)"},
        ),
        "deflator": (
            ("economy", "observed_year"),
            np.stack([inputs.deflators[e].reindex(all_years).to_numpy() for e in inputs.deflators]),
            {
                "units": "index, 2015 = 1",
                "long_name": "implicit GDP deflator in USD terms "
                "(observed, then the config's inflation)",
            },
        ),
    }


def series_years(results: xr.Dataset) -> np.ndarray:
    """The years of :func:`full_series`: observed years before the model's, then the model's."""
    years = results["year"].to_numpy()
    if "observed_year" not in results.dims:
        return years
    observed = results["observed_year"].to_numpy()
    return np.concatenate([observed[observed < years[0]], years])


def full_series(results: xr.Dataset, name: str, **sel: Any) -> xr.DataArray:
    """``results[name]`` at ``sel`` over every year: the observed history before the model's
    first year (:data:`HISTORY`; NaN for a variable not observed), then the model's years.

    The history is broadcast over samples only here, for the selection asked for. A dataset
    already over every year (no ``observed_year``) gives ``results[name].sel(sel)`` itself.
    """
    return with_history(results, name, results[name].sel(sel))


def at_year(results: xr.Dataset, name: str, year: Any, **sel: Any) -> xr.DataArray:
    """``results[name]`` at ``sel`` in ``year`` (one or several), from the observed history for
    years before the model's (see :func:`full_series`)."""
    first = int(results["year"][0])
    if "observed_year" not in results.dims or np.all(np.asarray(year) >= first):
        return results[name].sel(sel).sel(year=year)
    return full_series(results, name, **sel).sel(year=year)


def with_history(results: xr.Dataset, name: str, values: xr.DataArray) -> xr.DataArray:
    """``values`` of variable ``name`` over the model's years (whole, selected or reduced over
    samples) preceded by its observed history (see :func:`full_series`)."""
    if "observed_year" not in results.dims:
        return values
    values = values.drop_vars("projected", errors="ignore")
    observed_years = results["observed_year"].to_numpy()
    past = observed_years[observed_years < int(results["year"][0])]
    if name in HISTORY:
        observed = results[HISTORY[name]]
        sel = {d: values[d] for d in observed.dims if d in values.dims and d != "observed_year"}
        sel |= {d: values.coords[d] for d in observed.dims if d in values.coords and d not in sel}
        history = observed.sel(sel).sel(observed_year=past).rename(observed_year="year")
        history = history.drop_vars([c for c in history.coords if c not in values.coords])
    else:
        history = xr.DataArray(np.full(past.size, np.nan), coords={"year": past}, dims="year")
    combined = xr.concat([history, values], dim="year", coords="minimal", join="outer")
    years = combined["year"].to_numpy()
    return combined.transpose(*values.dims).assign_coords(
        projected=("year", years > int(results.attrs["base_year"]))
    )


def _cap(spec: Spec, program: str) -> float:
    cap = spec.programs[program].cap
    return np.nan if cap is None else float(cap)


def _attrs(entry: tuple[str, str]) -> dict[str, str]:
    long_name, units = entry
    return {"long_name": long_name, "units": units}


def _dataset_attrs(spec: Spec, inputs: Inputs) -> dict[str, object]:
    unknowns = [f"programs.{key}.{name}" for key, p in spec.programs.items() for name in p.unknown]
    caveats = [
        f"{path} is unknown in the sources; modelled with the range in 'uncertainties'"
        for path in unknowns
    ]
    if "WLD" in inputs.countries:
        caveats.append("WLD is projected as the rest of the world plus the modelled countries")
    return {
        "scenario": spec.name,
        "description": spec.description,
        "source": cite(spec.source),  # by short reference: "ITIF (2016)"
        "source_file": spec.source,
        "data_source": inputs.data_source,
        "data_hash": inputs.data_hash,
        "base_year": int(inputs.base_year),
        "seed": int(spec.seed),
        "caveats": "\n".join(caveats),
    }
