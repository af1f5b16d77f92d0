"""Model arrays -> the results ``xarray.Dataset`` (the one place that attaches dims and units),
and runs on disk: ``runs/<name>/`` written to a temporary folder and moved into place when complete.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from scenarios import netcdf
from scenarios.config.schema import Spec
from scenarios.data.sources import cite
from scenarios.errors import OutputError, ScenariosError, shorten
from scenarios.files import output_error
from scenarios.model.engine import ModelOutput
from scenarios.model.inputs import Inputs
from scenarios.signals import raise_if_interrupted

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


def _observed(inputs: Inputs, years: np.ndarray) -> dict[str, np.ndarray]:
    """Observed MVA and its growth (country, year) and the observed institute counts (program,
    year) over ``years``, NaN where not observed."""
    mva = inputs.mva_observed[inputs.countries]
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
    observed counts, as that year is observed."""
    years, countries, programs = output.years, inputs.countries, list(spec.programs)
    n, n_years = next(iter(output.mva.values())).shape
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
    variables |= _observed_variables(inputs)
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


def _observed_variables(inputs: Inputs) -> dict[str, tuple[tuple[str, ...], Any, dict[str, str]]]:
    """The data the run starts from, over every year (history and horizon), NaN where none."""
    all_years = inputs.years
    observed = _observed(inputs, all_years)
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


# --------------------------------------------------------------------------------------------
# runs on disk


MARKER = ".scenarios-run"  # in every folder the tool writes under runs/: only those are replaced
_LEFTOVER = re.compile(r"\..+\.(?:tmp|old)-(\d+)-[A-Za-z0-9_]+")  # .<name>.tmp-<pid>-<random>


def write_run(run_dir: Path, writers: dict[str, Callable[[Path], None]], kind: str = "run") -> Path:
    """Write a run atomically: every file into a temporary sibling folder, then swap it in.

    Only a folder carrying the :data:`MARKER` file (one this tool wrote) is ever replaced;
    anything else at ``run_dir`` is refused. An interrupted run leaves any earlier run of the
    same name intact and no folder that looks finished; temporary folders of processes that
    died (``kill -9``) are removed by the next run in the same parent folder. File-system
    failures (read-only, full, missing folder) are :class:`OutputError` naming the folder.
    """
    run_dir = Path(run_dir)
    check_folder_name(run_dir.name)
    prefix = f".{run_dir.name}.tmp-{os.getpid()}-"  # this process's temporary folders only
    try:
        run_dir.parent.mkdir(parents=True, exist_ok=True)
        _check_replaceable(run_dir)
        remove_leftovers(run_dir.parent)
        try:
            tmp = run_dir.parent / f"{prefix}{secrets.token_hex(4)}"
            tmp.mkdir()  # mode 0o777 less the umask (tempfile.mkdtemp would force 0o700)
            write_json(
                {"written_by": "scenarios", "kind": kind, "name": run_dir.name}, tmp / MARKER
            )
            for name, write in writers.items():
                write(tmp / name)
            raise_if_interrupted()  # a signal whose exception a finaliser dropped
            _swap_into_place(tmp, run_dir)
        except BaseException:
            for leftover in run_dir.parent.glob(f"{glob.escape(prefix)}*"):
                shutil.rmtree(leftover, ignore_errors=True)
            raise
    except OutputError:
        raise
    except OSError as exc:
        raise output_error(exc, run_dir) from None
    return run_dir


def check_folder_name(name: str) -> None:
    """A run folder's name is one visible path component the file system takes."""
    if (
        not name
        or name.startswith(".")
        or any(c in name for c in "/\\\0")
        or len(name.encode()) > 255
    ):
        raise OutputError(
            "not a usable run folder name",
            value=name,
            hint="one folder name of at most 255 bytes, without '/', not starting with '.'",
        )


def _check_replaceable(run_dir: Path) -> None:
    """Refuse to replace anything at ``run_dir`` that is not a run folder this tool wrote.

    Other writers of the same name may swap their runs in meanwhile: what is refused is
    the same file (inode) before and after the marker is looked for.
    """
    for _ in range(100):
        try:
            before = os.lstat(run_dir)
            if stat.S_ISDIR(before.st_mode) and (run_dir / MARKER).is_file():
                return
            after = os.lstat(run_dir)
        except FileNotFoundError:  # nothing there (any more)
            return
        if (after.st_ino, after.st_dev) == (before.st_ino, before.st_dev):
            what = "a folder" if stat.S_ISDIR(after.st_mode) else "a file"
            raise OutputError(
                f"{what} that is not a scenarios run is in the way (no {MARKER} marker); "
                "it is left untouched",
                file=str(run_dir),
                hint="pass --out with another folder, or rename or move it (a run written by "
                "an older version carries no marker: delete it to write the run again)",
            )


def remove_leftovers(parent: Path) -> None:
    """Remove the ``.<name>.tmp-<pid>-*`` and ``.old-`` folders of processes no longer alive."""
    for path in parent.glob(".*.*-*-*"):
        match = _LEFTOVER.fullmatch(path.name)
        if match and path.is_dir() and not path.is_symlink() and not _alive(int(match[1])):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether a process with this pid runs (on doubt: yes, and its folder is kept)."""
    if os.name != "posix" or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except (ProcessLookupError, OverflowError):  # OverflowError: no process has such a pid
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    return True


def _swap_into_place(tmp: Path, run_dir: Path) -> None:
    """Move ``tmp`` to ``run_dir``, replacing an earlier run of the same name.

    Ctrl-C and SIGTERM wait until the swap is done, so the earlier run is never left moved
    aside; when another process of the same name swaps its run in between, this one retries
    (the run that finishes last is kept, whole).
    """
    with _signals_held():
        for _ in range(100):
            old = None
            if os.path.lexists(run_dir):
                _check_replaceable(run_dir)  # again: something else may have appeared meanwhile
                old = run_dir.parent / f".{run_dir.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
                try:
                    os.replace(run_dir, old)
                except FileNotFoundError:  # another writer moved it aside first
                    old = None
            try:
                os.replace(tmp, run_dir)
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                continue  # another writer's run landed in between: move it aside in turn
            finally:
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
            return
        raise OSError(
            errno.EBUSY,
            f"could not move the finished run into {run_dir}: other runs keep replacing it",
        )


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (POSIX main thread) until the block ends; they arrive after it."""
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_netcdf(results: xr.Dataset, path: Path) -> None:
    """``results`` as CF-1.10 NetCDF4 (see :mod:`scenarios.netcdf`)."""
    netcdf.write(results, path, what=str(results.attrs.get("scenario") or path.stem))


def read_results(run_dir: str | Path) -> xr.Dataset:
    """Load ``runs/<name>/results.nc`` fully into memory."""
    run_dir = Path(run_dir)
    if _LEFTOVER.fullmatch(run_dir.name):
        raise ScenariosError(
            "an unfinished run, left by a process that was stopped",
            file=str(run_dir),
            hint="compare the finished run folder; this one is removed by the next run here",
        )
    path = run_dir / "results.nc"
    if not path.is_file():
        raise ScenariosError(
            "no results.nc here: not a finished run",
            file=str(path),
            hint="run 'scenarios run CONFIG' first, or pass the run's folder",
        )
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return netcdf.decode(ds.load())
    except (OSError, ValueError, KeyError) as exc:
        raise ScenariosError(
            f"cannot read results.nc: truncated or not NetCDF ({shorten(str(exc))})",
            file=str(path),
            hint="run the scenario again to write it anew",
        ) from None


def write_json(data: dict, path: Path) -> None:
    # keys keep their order: the order of countries, programs and uncertainties is part of a
    # config (it fixes the random draws), so a manifest must give it back for run --from
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
