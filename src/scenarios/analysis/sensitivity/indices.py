"""Indices from a design and its model results, with a convergence check."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.analysis.sampling.designs import Seed
from scenarios.analysis.sensitivity.design import as_unit_matrix
from scenarios.analysis.sensitivity.methods import (
    RESAMPLES,
    Method,
    Outputs,
    find_method,
)
from scenarios.errors import ModelError

PAIRWISE = {"S2", "S2_conf"}
"""The indices of parameter pairs (dims ``parameter``, ``parameter_2``)."""


@contextmanager
def _contained(notes: list[str]) -> Iterator[None]:
    """Run SALib without leaking its global state; its warnings become notes.

    Some analyzers reseed ``np.random`` or reset the warnings filter and formatter.
    """
    state, formatter = np.random.get_state(), warnings.formatwarning  # noqa: NPY002
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            np.random.set_state(state)  # noqa: NPY002
            warnings.formatwarning = formatter
    notes.extend(
        str(w.message).strip()
        for w in caught
        if not str(w.message).startswith("FAST confidence intervals")
    )


def _degenerate(y: np.ndarray) -> str:
    bad = int(np.sum(~np.isfinite(y)))
    if bad:
        return f"{bad} of {y.size} model results are not finite; indices not computed"
    if np.ptp(y) <= 1e-12 * np.max(np.abs(y)):
        return (
            f"output is constant ({y[0]:g}) across all samples: it depends on none of the "
            "parameters; indices are undefined"
        )
    return ""


def analyzer_seed(seed: Seed) -> int:
    """The nonzero int every analyzer gets (SALib tests some seeds with ``if seed:``)."""
    return int(np.random.default_rng(seed).integers(1, 2**31 - 1))


def analyze_rows(
    spec: Method,
    problem: dict,
    X: np.ndarray,
    Y: np.ndarray,
    seed: int,
    conf: float,
    resamples: int,
) -> tuple[list[dict[str, np.ndarray]], list[str]]:
    """Indices of each row of ``Y`` (one output per row, one value per design row) and a note
    per output; outputs without indices (constant, not finite) get NaN and the note says why."""
    d = problem["num_vars"]
    notes = [_degenerate(y) for y in Y]
    values = [{k: np.full((d, d) if k in PAIRWISE else d, np.nan) for k in spec.indices} for _ in Y]
    good = [i for i, note in enumerate(notes) if not note]
    if spec.analyze_many is not None and good:
        many = spec.analyze_many(dict(problem), X, Y[good], seed, conf, resamples)
        for row, i in enumerate(good):
            values[i] = {k: many[k][row] for k in spec.indices}
        return values, notes
    for i in good:
        found: list[str] = []
        with _contained(found):
            result = spec.analyze(dict(problem), X, Y[i], seed, conf, resamples)
        found.extend(result.get("notes", []))
        values[i] = {k: np.asarray(result[k], dtype=float) for k in spec.indices}
        notes[i] = "; ".join(dict.fromkeys(found))
    return values, notes


def analyze(
    problem: dict,
    X: np.ndarray | pd.DataFrame,
    Y: Outputs,
    method: str,
    *,
    seed: Seed = None,
    conf_level: float = 0.95,
    second_order: bool = False,
    resamples: int = RESAMPLES,
) -> xr.Dataset:
    """Compute sensitivity indices of each output from a design and its model results.

    Parameters
    ----------
    problem : dict
        From :func:`design`.
    X : numpy.ndarray or pandas.DataFrame
        The unit-cube design, or the parameter matrix from :func:`design` (categorical
        columns are coded in order of appearance; Morris ``mu`` signs then follow that order).
    Y : dict of str -> numpy.ndarray
        Output name -> one value per design row.
    method : str
        The method the design was built for, a key of :data:`METHODS`.
    seed : int, numpy.random.Generator or None
        Seeds the bootstrap confidence intervals.
    conf_level : float
        Confidence level of the ``*_conf`` half-widths.
    second_order : bool
        Sobol' only: the design has second-order rows; also compute ``S2``.
    resamples : int
        Bootstrap resamples of the confidence intervals.

    Returns
    -------
    xarray.Dataset
        Dims ``(output, parameter)`` (``S2``: ``(output, parameter, parameter_2)``); one
        variable per index of the method; a ``note`` coordinate on ``output`` says why an
        output has NaN indices (constant or non-finite results) and relays SALib's warnings.
        Attributes: ``method``, ``n``, ``n_evaluations``, ``conf_level``, ``resamples``,
        ``caveat``.

    Raises
    ------
    ModelError
        When an output does not have one value per design row.
    """
    spec = find_method(method, second_order)
    return analyze_with(spec, method, problem, X, Y, seed, conf_level, resamples)


def analyze_with(
    spec: Method,
    method: str,
    problem: dict,
    X: np.ndarray | pd.DataFrame,
    Y: Outputs,
    seed: Seed,
    conf_level: float,
    resamples: int,
) -> xr.Dataset:
    if not Y:
        raise ModelError("no outputs to analyse", hint="pass {output name: values}")
    X = as_unit_matrix(X)
    rows, names = X.shape[0], list(problem["names"])
    seed_int = analyzer_seed(seed)
    for out, y in Y.items():
        if np.size(y) != rows:
            raise ModelError(
                f"output '{out}' has {np.size(y)} values for {rows} design rows",
                hint="evaluate must return one value per row of the parameter matrix",
            )
    outputs = list(Y)
    stacked = np.stack([np.asarray(Y[o], dtype=float).ravel() for o in outputs])
    values, notes = analyze_rows(spec, problem, X, stacked, seed_int, conf_level, resamples)
    attrs = {"method": method, "conf_level": conf_level, "resamples": resamples}
    return indices_dataset(spec, names, rows, outputs, values, notes, attrs)


def indices_dataset(
    spec: Method,
    names: list[str],
    rows: int,
    outputs: list[str],
    values: list[dict[str, np.ndarray]],
    notes: list[str],
    attrs: dict,
) -> xr.Dataset:
    """The indices of each output (from :func:`analyze_rows`) as a Dataset, see :func:`analyze`."""
    data = {
        k: (
            ("output", "parameter", "parameter_2") if k in PAIRWISE else ("output", "parameter"),
            np.stack([v[k] for v in values]),
        )
        for k in spec.indices
    }
    coords = {
        "output": outputs,
        "parameter": names,
        "note": ("output", notes),
    }
    if PAIRWISE & set(spec.indices):
        coords["parameter_2"] = names
    attrs = {
        "method": attrs["method"],
        "n": rows // spec.block(len(names)),
        "n_evaluations": rows,
        "conf_level": attrs["conf_level"],
        "resamples": attrs["resamples"],
        "caveat": spec.caveat,
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def to_frame(indices: xr.Dataset) -> pd.DataFrame:
    """Tidy table of sensitivity indices.

    Parameters
    ----------
    indices : xarray.Dataset
        From :func:`analyze`, :func:`sensitivity` or :func:`over_time`.

    Returns
    -------
    pandas.DataFrame
        Columns ``output, parameter[, year], index, value, conf``; second-order indices have
        parameter ``"a:b"`` (each pair once); ``conf`` is NaN where the method gives none.
    """
    order = {p: i for i, p in enumerate(indices["parameter"].values)}
    frames = []
    for name, da in indices.data_vars.items():
        if str(name).endswith("_conf"):
            continue
        conf = indices.get(f"{name}_conf", xr.full_like(da, np.nan))
        df = pd.DataFrame(
            {"value": da.drop_vars("note").to_series(), "conf": conf.drop_vars("note").to_series()}
        ).reset_index()
        if "parameter_2" in da.dims:
            df = df[df["parameter"].map(order) < df["parameter_2"].map(order)]
            df = df.assign(parameter=df["parameter"] + ":" + df["parameter_2"])
        frames.append(df.assign(index=name))
    columns = [
        "output",
        "parameter",
        *(["year"] if "year" in indices.dims else []),
        "index",
        "value",
        "conf",
    ]
    return pd.concat(frames, ignore_index=True)[columns]
