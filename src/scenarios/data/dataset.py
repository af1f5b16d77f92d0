"""The curated dataset: embedded package CSVs, or a user directory with the same files."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from scenarios.data.importers import (
    PRICE_BASES,
    SERIES_COLUMNS,
    read_un_ama_xlsx,
    read_wdi_csv,
)
from scenarios.errors import DataError
from scenarios.files import writing

DEFAULT_EDITION = "UN AMA through2023"
COLUMNS = {
    "series": SERIES_COLUMNS,
    "institutes": [
        "program",
        "name",
        "founding_year",
        "agency",
        "province",
        "sector",
        "federal_musd",
        "nonfederal_musd",
        "members",
        "source",
    ],
    "fraunhofer": [
        "year",
        "institutes",
        "total_business_volume_meur",
        "contract_research_meur",
        "source",
    ],
    "program_facts": [
        "fact_id",
        "program",
        "country",
        "year",
        "item",
        "value",
        "low",
        "high",
        "unit",
        "currency",
        "price_basis",
        "status",
        "source",
        "note",
    ],
    "impact_parameters": ["parameter", "value", "low", "high", "unit", "source"],
}
NUMERIC = {
    "series": ["year", "value_usd_millions"],
    "institutes": ["founding_year", "federal_musd", "nonfederal_musd", "members"],
    "fraunhofer": ["year", "institutes", "total_business_volume_meur", "contract_research_meur"],
    "program_facts": ["value", "low", "high"],
    "impact_parameters": ["value", "low", "high"],
}
_SERIES_KEY = ["edition", "price_basis", "indicator", "iso3", "year"]
_UNITS = {
    "institutes": "federal/nonfederal_musd: USD million committed at award (nominal); "
    "members: count",
    "fraunhofer": "EUR million (nominal); nist_*_musd: USD million (NIST 2023 conversion)",
    "program_facts": "per row: unit, currency, price_basis columns",
    "impact_parameters": "per row: unit column",
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """MVA/GDP series, innovation programs and literature parameters, each row with its source.

    Attributes
    ----------
    series
        Long table (`SERIES_COLUMNS`): iso3, country, indicator (MVA | GDP), price_basis
        (constant_2015_usd | current_usd), year, value_usd_millions, edition, source.
    institutes
        One row per institute: program (manufacturing_usa | china_mic), name, founding_year, ...
    fraunhofer
        Fraunhofer-Gesellschaft by year: institutes, business volume (EUR million), ...
    program_facts
        One row per published budget fact (NIST Table 2, ITIF, seed 004, ...), unknowns marked.
    impact_parameters
        Literature values and ranges: R&D depreciation, rates of return, MEP ROI, leverage.
    origin
        ``"embedded"`` or the directory the dataset was read from.
    default_edition
        The edition `table` uses when none is given.
    releases
        (edition, release description) pairs from ``vintage.json``.
    """

    series: pd.DataFrame
    institutes: pd.DataFrame
    fraunhofer: pd.DataFrame
    program_facts: pd.DataFrame
    impact_parameters: pd.DataFrame
    origin: str
    default_edition: str = DEFAULT_EDITION
    releases: tuple[tuple[str, str], ...] = ()

    def table(
        self,
        indicator: str = "MVA",
        price_basis: str = "constant_2015_usd",
        edition: str | None = None,
    ) -> pd.DataFrame:
        """One series as a year x country table, from a single edition.

        Parameters
        ----------
        indicator
            ``MVA`` (manufacturing value added) or ``GDP``.
        price_basis
            ``constant_2015_usd`` or ``current_usd``.
        edition
            e.g. ``"UN AMA through2024"``; None = `default_edition`. Editions are never mixed.

        Returns
        -------
        pandas.DataFrame
            Index ``year`` (int), columns ``iso3``, values in USD million; NaN where not reported.

        Raises
        ------
        DataError
            Unknown indicator, price basis or edition; the message lists what is available.

        Examples
        --------
        >>> mva = load_dataset().table("MVA", "constant_2015_usd")
        >>> round(mva.loc[2023, "USA"])
        2311702
        """
        rows = self._select(indicator, price_basis, edition)
        table = rows.pivot(index="year", columns="iso3", values="value_usd_millions")
        table.index = table.index.astype(int)
        return table.sort_index()

    def deflator(self, iso3: str, edition: str | None = None) -> pd.Series:
        """Implicit GDP deflator, current / constant 2015 USD GDP, rebased to exactly 1.0 in 2015.

        Raises
        ------
        DataError
            The edition lacks current or constant GDP, or the country or 2015 is missing.

        Examples
        --------
        >>> float(load_dataset().deflator("USA").loc[2015])
        1.0
        """
        current = self.table("GDP", "current_usd", edition)
        constant = self.table("GDP", "constant_2015_usd", edition)
        both = sorted(set(current.columns) & set(constant.columns))
        if iso3 not in both:
            raise DataError(
                f"no current and constant GDP for {iso3!r}",
                path="deflator",
                value=iso3,
                hint=f"available: {', '.join(both)}",
            )
        ratio = (current[iso3] / constant[iso3]).dropna()
        if 2015 not in ratio.index:
            raise DataError(f"no 2015 GDP for {iso3}: cannot rebase the deflator", value=iso3)
        return (ratio / ratio.loc[2015]).rename("deflator")

    def last_year(
        self,
        indicator: str = "MVA",
        price_basis: str = "constant_2015_usd",
        edition: str | None = None,
    ) -> int:
        """Last year in which every country of `table(indicator, price_basis, edition)` reports."""
        complete = self.table(indicator, price_basis, edition).dropna(how="any")
        if complete.empty:
            raise DataError("no year in which every country reports", value=indicator)
        return int(complete.index.max())

    def founding_years(self, program: str) -> np.ndarray:
        """Founding years (sorted ints), one per institute of `program`.

        Examples
        --------
        >>> len(load_dataset().founding_years("china_mic"))
        33
        """
        programs = sorted(self.institutes["program"].unique())
        if program not in programs:
            raise DataError(
                f"no institutes for program {program!r}",
                path="program",
                value=program,
                hint=f"available: {', '.join(programs)}",
            )
        years = self.institutes.loc[self.institutes["program"] == program, "founding_year"]
        return np.sort(years.to_numpy(dtype=np.int64))

    def sources(self) -> pd.DataFrame:
        """One row per table or (series, edition): what it holds, years covered, source, units."""
        rows = [
            _series_source(key, part)
            for key, part in self.series.groupby(["indicator", "price_basis", "edition"], sort=True)
        ]
        for name in ("institutes", "fraunhofer", "program_facts", "impact_parameters"):
            rows.append(_table_source(name, getattr(self, name)))
        return pd.DataFrame(rows, columns=["table", "what", "edition", "years", "source", "units"])

    @property
    def vintage(self) -> str:
        """Default edition and release, e.g. ``"UN AMA through2023 (Dec-2024 release)"``."""
        release = dict(self.releases).get(self.default_edition)
        return f"{self.default_edition} ({release})" if release else self.default_edition

    @cached_property
    def hash(self) -> str:
        """sha256 over the CSV contents of the five tables (identical data -> identical hash)."""
        digest = hashlib.sha256()
        for name in COLUMNS:
            digest.update(f"{name}\n".encode())
            digest.update(getattr(self, name).to_csv(index=False, lineterminator="\n").encode())
        return digest.hexdigest()

    def _select(self, indicator: str, price_basis: str, edition: str | None) -> pd.DataFrame:
        series = self.series
        _require(indicator, series["indicator"], "indicator")
        _require(price_basis, series["price_basis"], "price_basis")
        matching = series[
            (series["indicator"] == indicator) & (series["price_basis"] == price_basis)
        ]
        edition = self.default_edition if edition is None else edition
        rows = matching[matching["edition"] == edition]
        if rows.empty:
            editions = sorted(matching["edition"].unique())
            raise DataError(
                f"no {indicator} {price_basis} series in edition {edition!r}",
                path="edition",
                value=edition,
                hint=f"available: {', '.join(editions)}",
            )
        return rows


def load_dataset(path: str | Path | None = None) -> Dataset:
    """Load the embedded dataset, or a directory of CSVs with the same names.

    Parameters
    ----------
    path
        None for the package data; a directory otherwise. Files missing from the directory
        (e.g. all but ``series.csv`` after `import_file`) fall back to the embedded ones.

    Raises
    ------
    DataError
        The directory does not exist, or a CSV lacks columns, has non-numeric values or
        duplicated series rows.

    Examples
    --------
    >>> data = load_dataset()
    >>> data.origin, data.vintage
    ('embedded', 'UN AMA through2023 (Dec-2024 release)')
    """
    directory = None if path is None else Path(path)
    if directory is not None and not directory.is_dir():
        raise DataError(
            "dataset directory not found",
            file=str(directory),
            hint="give a directory holding series.csv (and optionally the other CSVs)",
        )
    if directory is not None and not any((directory / f"{name}.csv").is_file() for name in COLUMNS):
        raise DataError(
            f"not a dataset folder: it has none of {', '.join(f'{n}.csv' for n in COLUMNS)}",
            file=str(directory),
            hint="make one with 'scenarios data import wdi FILE --out DIR' "
            "(or 'un'), or drop data.path to use the embedded data",
        )
    tables = {name: _read_table(name, directory) for name in COLUMNS}
    vintage = _read_vintage(directory)
    return Dataset(
        **tables,
        origin="embedded" if directory is None else str(directory),
        default_edition=vintage.get("default_edition", DEFAULT_EDITION),
        releases=tuple(
            (ed, info.get("release", "")) for ed, info in vintage.get("editions", {}).items()
        ),
    )


def import_file(
    kind: Literal["wdi", "un"],
    file: str | Path,
    out_dir: str | Path,
    *,
    price_basis: str | None = None,
) -> Path:
    """Import a UN AMA or WDI download into ``out_dir/series.csv``, keeping other editions.

    Rows of the same edition, price basis and indicator as the imported ones are replaced; all
    other rows of the existing ``out_dir/series.csv`` (or, if absent, the embedded series) are
    kept. The file is written to a temporary file and moved into place.

    Parameters
    ----------
    kind
        ``"un"`` (UN AMA xlsx or wide CSV) or ``"wdi"`` (World Bank WDI CSV).
    file
        The downloaded file.
    out_dir
        Dataset directory, created if needed; use it with ``load_dataset(out_dir)``.
    price_basis
        UN: the price basis if the title does not say it; WDI: keep only that basis.

    Returns
    -------
    pathlib.Path
        The written ``series.csv``.

    Examples
    --------
    >>> import_file("wdi", "Data.csv", "mydata")  # doctest: +SKIP
    PosixPath('mydata/series.csv')
    """
    readers: dict[str, Callable[[], pd.DataFrame]] = {
        "un": lambda: read_un_ama_xlsx(file, price_basis),
        "wdi": lambda: read_wdi_csv(file),
    }
    if kind not in readers:
        raise DataError("unknown import kind", value=kind, hint="use 'un' or 'wdi'")
    new = readers[kind]()
    if kind == "wdi" and price_basis is not None:
        _require(price_basis, pd.Series(PRICE_BASES), "price_basis")
        new = new[new["price_basis"] == price_basis]
    out = Path(out_dir)
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
    base = _read_table("series", out)
    replaced = base.set_index(["edition", "price_basis", "indicator"]).index.isin(
        new.set_index(["edition", "price_basis", "indicator"]).index
    )
    merged = pd.concat([base[~replaced], new], ignore_index=True)
    target = out / "series.csv"
    with writing(target):
        write_csv(merged.sort_values(_SERIES_KEY, ignore_index=True), target, float_format="%.3f")
    return target


def write_csv(frame: pd.DataFrame, target: Path, *, float_format: str = "%.10g") -> None:
    """Write `frame` to `target` atomically: a temporary file in the same folder, os.replace."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            frame.to_csv(f, index=False, float_format=float_format, lineterminator="\n")
        os.chmod(tmp, 0o644)  # mkstemp creates 0o600; the data is meant to be readable
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- reading and checking ---------------------------------------------------------------------


def _read_table(name: str, directory: Path | None) -> pd.DataFrame:
    file = f"{name}.csv"
    user = directory is not None and (directory / file).is_file()
    where = str(directory / file) if user else f"embedded {file}"
    path = directory / file if user else resources.files("scenarios.data").joinpath(file)
    try:
        with path.open("rb") as f:
            frame = pd.read_csv(f)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(
            f"cannot read as CSV ({exc})",
            file=where,
            hint=f"expected columns: {', '.join(COLUMNS[name])}",
        ) from None
    missing = [c for c in COLUMNS[name] if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing columns {missing}: not the layout of {file}",
            file=where,
            path=f"row 1 (header), column {missing[0]}",
            value=list(frame.columns)[:10],
            hint=f"expected columns: {', '.join(COLUMNS[name])}",
        )
    for column in NUMERIC[name]:
        frame[column] = _numeric(frame[column], where, column)
    if name == "series":
        _check_series(frame, where)
    return frame


def _numeric(column: pd.Series, where: str, name: str) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce")
    bad = (values.isna() & column.notna()) | np.isinf(values)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            "not a (finite) number",
            file=where,
            path=f"row {row + 2}, column {name}",
            value=column.iloc[row],
        )
    return values


def _check_series(series: pd.DataFrame, where: str) -> None:
    for column in ("year", "value_usd_millions"):
        if series[column].isna().any():
            row = int(np.flatnonzero(series[column].isna().to_numpy())[0])
            raise DataError(
                "blank cell",
                file=where,
                path=f"row {row + 2}, column {column}",
                hint="leave unreported years out of series.csv",
            )
    checks = [
        (series["year"] % 1 != 0, "year", "a year must be a whole number"),
        (series["value_usd_millions"] <= 0, "value_usd_millions", "MVA and GDP must be positive"),
    ]
    for bad, column, message in checks:
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                message,
                file=where,
                path=f"row {row + 2}, column {column}",
                value=series[column].iloc[row],
            )
    series["year"] = series["year"].astype(int)
    bad_basis = ~series["price_basis"].isin(PRICE_BASES)
    if bad_basis.any():
        row = int(np.flatnonzero(bad_basis.to_numpy())[0])
        raise DataError(
            "unknown price basis",
            file=where,
            path=f"row {row + 2}, column price_basis",
            value=series["price_basis"].iloc[row],
            hint=f"use one of {', '.join(PRICE_BASES)}",
        )
    dup = np.flatnonzero(series.duplicated(_SERIES_KEY, keep=False).to_numpy())
    if dup.size:
        raise DataError(
            "duplicated edition / price_basis / indicator / iso3 / year rows",
            file=where,
            path="rows " + ", ".join(str(r + 2) for r in dup[:10]) + ", column year",
            hint="keep one value per country, year and edition",
        )


def _read_vintage(directory: Path | None) -> dict:
    if directory is not None and (directory / "vintage.json").is_file():
        text = (directory / "vintage.json").read_text(encoding="utf-8")
    else:
        text = resources.files("scenarios.data").joinpath("vintage.json").read_text("utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"invalid JSON ({exc.msg})", file="vintage.json", path=f"line {exc.lineno}"
        ) from None


def _require(value: str, available: pd.Series, what: str) -> None:
    choices = sorted(available.unique())
    if value not in choices:
        raise DataError(
            f"unknown {what}", path=what, value=value, hint=f"available: {', '.join(choices)}"
        )


# --- summaries --------------------------------------------------------------------------------


def _series_source(key: tuple[str, str, str], part: pd.DataFrame) -> dict:
    indicator, price_basis, edition = key
    countries = ", ".join(sorted(part["iso3"].unique()))
    derived = part["source"].str.startswith("derived")
    cited = sorted(part.loc[~derived, "source"].unique())
    if derived.any():
        cited.append("WLD derived by the importer (see series.source)")
    return {
        "table": "series",
        "what": f"{indicator} {price_basis}: {countries}",
        "edition": edition,
        "years": _span(part["year"]),
        "source": "; ".join(cited),
        "units": "USD million"
        + (", constant 2015 prices" if "constant" in price_basis else ", current prices"),
    }


def _table_source(name: str, frame: pd.DataFrame) -> dict:
    year_col = next((c for c in ("year", "founding_year") if c in frame.columns), None)
    cited = sorted({str(s).split(";")[0].strip() for s in frame["source"].dropna()})
    return {
        "table": name,
        "what": f"{len(frame)} rows",
        "edition": "",
        "years": _span(frame[year_col]) if year_col else "",
        "source": "; ".join(cited),
        "units": _UNITS[name],
    }


def _span(years: pd.Series) -> str:
    years = years.dropna()
    return f"{int(years.min())}-{int(years.max())}" if len(years) else ""
