"""UN AMA downloads (xlsx, or a wide CSV extract) -> the long series table, with a derived WLD."""

from __future__ import annotations

import re
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.data.importers.table import (
    MAX_TITLE_ROWS,
    PRICE_BASES,
    check_unique,
    column_letter,
    csv_rows,
    existing_download,
    finish_series,
    melt_years,
    parse_number,
)
from scenarios.errors import DataError

UN_INDICATORS = {"Manufacturing (ISIC D)": "MVA", "Gross Domestic Product (GDP)": "GDP"}
UN_PUBLISHER = "UN Statistics Division, National Accounts - Analysis of Main Aggregates (AMA)"
_UN_HEADER = ("CountryID", "Country", "IndicatorName")
_UN_CSV_HEADER = ("iso3", "un_country_id", "country", "indicator")
_UN_LAYOUT = (
    "UN AMA download: first sheet with a few title rows, then a header row "
    "'CountryID, Country, IndicatorName, 1970, 1971, ...' and values in US dollars"
)


# UN M49 code of a former state -> codes of the states that succeeded it. While the former state
# still reports, its successors' rows (where the UN backfills them) would count output twice.
_SUCCESSORS = {
    810: (31, 51, 112, 233, 268, 398, 417, 428, 440, 498, 643, 762, 795, 804, 860),  # USSR
    200: (203, 703),  # Czechoslovakia
    890: (70, 191, 412, 499, 688, 705, 807),  # Yugoslavia
    886: (887,),  # Yemen Arab Republic
    720: (887,),  # Yemen Democratic
    230: (231, 232),  # Ethiopia (former)
    736: (728, 729),  # Sudan (former)
    530: (531, 534, 535),  # Netherlands Antilles
}
# WLD is derived only from a download of (nearly) all countries, never from a partial extract.
_WLD_MIN_AREAS = 150
# A world sum missing one of these economies is not a world total (China's MVA starts in 2004).
_WLD_REQUIRES = {156: "CHN", 840: "USA", 276: "DEU", 392: "JPN"}


# Words of the xlsx title or file name that give the price basis away.
_PRICE_BASIS_KEYS = {
    "constant_2015_usd": ("constant 2015", "constant_2015", "gdpconstant"),
    "current_usd": ("current prices", "current_usd", "gdpcurrent"),
}


def read_un_ama_xlsx(
    path: str | Path,
    price_basis: str | None = None,
    *,
    iso3_codes: dict[int, str] | None = None,
) -> pd.DataFrame:
    """Read a UN AMA download (xlsx) or one of its wide CSV extracts into the long series table.

    Keeps "Manufacturing (ISIC D)" as MVA and "Gross Domestic Product (GDP)" as GDP, converts US
    dollars to USD million, and adds WLD, derived as the sum of the UN country rows (former and
    successor states never counted twice) when the file covers at least 150 countries or areas.
    WLD years in which China, the US, Germany or Japan is not reported are dropped (WLD MVA
    before 2004, when China's MVA is blank); the WLD source text says so. Former states without
    an ISO3 code count in WLD but are not returned.

    Parameters
    ----------
    path
        The xlsx download (``Download-GDPconstant-USD-countries.xlsx``) or a wide CSV with columns
        ``iso3, un_country_id, country, indicator, 1970, ...`` in USD million.
    price_basis
        ``constant_2015_usd`` or ``current_usd``; None reads it from the xlsx title row or the CSV
        file name. A value contradicting the title is an error.
    iso3_codes
        UN M49 code -> ISO3; default: the package's ``country_codes.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns `SERIES_COLUMNS`; edition ``"UN AMA through<last year>"``.

    Raises
    ------
    DataError
        Missing file, wrong layout, non-numeric cell or duplicated country-indicator row; the
        message names the file, row and column.

    Examples
    --------
    >>> un = read_un_ama_xlsx("Download-GDPconstant-USD-countries.xlsx")  # doctest: +SKIP
    """
    path = existing_download(path)
    if path.suffix.lower() == ".csv":
        wide, years, title = _read_un_csv(path)
    else:
        wide, years, title = _read_un_xlsx(path, iso3_codes or embedded_iso3_codes())
    if wide.empty:
        raise DataError(
            f"no {' or '.join(map(repr, UN_INDICATORS))} rows", file=str(path), hint=_UN_LAYOUT
        )
    price_basis = _un_price_basis(path, title, price_basis)
    check_unique(wide, ["un_id", "indicator"], path)
    edition = f"UN AMA through{max(years)}"
    source = f"{UN_PUBLISHER}, download {path.name}"
    countries = melt_years(wide[wide["iso3"] != ""], years)
    countries["source"] = source
    world = _world(wide, years, source) if wide["un_id"].nunique() >= _WLD_MIN_AREAS else None
    long = pd.concat([countries, world], ignore_index=True)
    long["price_basis"] = price_basis
    long["edition"] = edition
    return finish_series(long)


def embedded_iso3_codes() -> dict[int, str]:
    """UN M49 code -> ISO3 of the countries and areas in the UN AMA files (country_codes.csv)."""
    with resources.files("scenarios.data").joinpath("country_codes.csv").open("rb") as f:
        codes = pd.read_csv(f, dtype={"iso3": str}, keep_default_na=False)
    return dict(zip(codes["un_country_id"].astype(int), codes["iso3"], strict=True))


def _read_un_xlsx(path: Path, iso3_codes: dict[int, str]) -> tuple[pd.DataFrame, list[int], str]:
    import openpyxl  # a dependency, imported here so that `import scenarios` stays light
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise DataError(
            f"cannot open as an xlsx workbook ({exc})", file=str(path), hint=_UN_LAYOUT
        ) from None
    cells = book.worksheets[0].iter_rows(values_only=True)
    try:
        rows = enumerate(cells, start=1)
        header_at, header, title = _un_header(rows, path)
        years = _header_years(header[3:], 4, header_at, path)
        records = [
            _un_record(line, row, years, iso3_codes, path)
            for line, row in rows
            if len(row) > 2 and row[2] in UN_INDICATORS
        ]
    finally:
        cells.close()  # an unfinished generator would keep the file open
        book.close()
    return pd.DataFrame(records), list(years.values()), title


def _un_header(rows, path: Path) -> tuple[int, tuple, str]:
    title = ""
    for line, row in rows:
        if tuple(row[:3]) == _UN_HEADER:
            return line, row, title
        if not title and row and row[0]:
            title = str(row[0])
        if line >= MAX_TITLE_ROWS:
            break
    raise DataError(
        f"no header row 'CountryID, Country, IndicatorName, <years>' in the first "
        f"{MAX_TITLE_ROWS} rows of the first sheet",
        file=str(path),
        hint=_UN_LAYOUT,
    )


def _header_years(cells, first_col: int, line: int, path: Path) -> dict[int, int]:
    """Map 0-based column index -> year for the header cells from `first_col` (1-based) on."""
    years = {}
    for col, cell in enumerate(cells, start=first_col):
        if cell is None:
            continue
        if not re.fullmatch(r"(19|20)\d\d", str(cell).strip()):
            raise DataError(
                "header cell is not a year",
                file=str(path),
                path=f"row {line}, column {column_letter(col)}",
                value=cell,
                hint=_UN_LAYOUT,
            )
        years[col - 1] = int(str(cell).strip())
    if not years:
        raise DataError(
            "no year columns in the header", file=str(path), path=f"row {line}", hint=_UN_LAYOUT
        )
    return years


def _un_record(line, row, years, iso3_codes, path: Path) -> dict:
    un_id = row[0]
    if isinstance(un_id, float) and un_id.is_integer():
        un_id = int(un_id)
    if not isinstance(un_id, int) or isinstance(un_id, bool):
        raise DataError(
            "CountryID is not an integer UN M49 code",
            file=str(path),
            path=f"row {line}, column A (CountryID)",
            value=un_id,
            hint=_UN_LAYOUT,
        )
    record = {
        "un_id": un_id,
        "iso3": iso3_codes.get(un_id, ""),
        "country": str(row[1]),
        "indicator": UN_INDICATORS[row[2]],
        "line": line,
    }
    for col, year in years.items():
        cell = row[col] if col < len(row) else None
        where = f"row {line}, column {column_letter(col + 1)} ({year})"
        record[year] = parse_number(cell, path, where) / 1e6
    return record


def _read_un_csv(path: Path) -> tuple[pd.DataFrame, list[int], str]:
    rows = csv_rows(path)
    if not rows or tuple(rows[0][1][:4]) != _UN_CSV_HEADER:
        raise DataError(
            "not a UN AMA wide extract",
            file=str(path),
            path="row 1",
            value=rows[0][1][:4] if rows else None,
            hint="expected columns 'iso3, un_country_id, country, indicator, "
            "1970, ...' in USD million",
        )
    years = _header_years(rows[0][1][4:], 5, 1, path)
    records = []
    for line, row in rows[1:]:
        if len(row) < 4 or row[3] not in UN_INDICATORS.values():
            continue
        un_id = parse_number(row[1], path, f"row {line}, column B (un_country_id)")
        if not float(un_id).is_integer():
            raise DataError(
                "un_country_id is not an integer UN M49 code",
                file=str(path),
                path=f"row {line}, column B (un_country_id)",
                value=row[1],
            )
        record = {
            "un_id": int(un_id),
            "iso3": row[0].strip(),
            "country": row[2],
            "indicator": row[3],
            "line": line,
        }
        for col, year in years.items():
            cell = row[col] if col < len(row) else ""
            record[year] = parse_number(
                cell, path, f"row {line}, column {column_letter(col + 1)} ({year})"
            )
        records.append(record)
    return pd.DataFrame(records), list(years.values()), ""


def _un_price_basis(path: Path, title: str, given: str | None) -> str:
    text = f"{title} {path.name}".lower()
    found = [basis for basis, keys in _PRICE_BASIS_KEYS.items() if any(k in text for k in keys)]
    if given is not None and given not in PRICE_BASES:
        raise DataError(
            "unknown price basis",
            file=str(path),
            value=given,
            hint=f"use one of {', '.join(PRICE_BASES)}",
        )
    if given is not None and found and found != [given]:
        raise DataError(
            f"price basis contradicts the file title {title!r}",
            file=str(path),
            value=given,
            hint=f"the title says {found[0]}",
        )
    if given is None and len(found) != 1:
        raise DataError(
            "cannot tell the price basis from the title or file name",
            file=str(path),
            value=title or path.name,
            hint=f"pass price_basis= one of {', '.join(PRICE_BASES)}",
        )
    return given or found[0]


def _world(wide: pd.DataFrame, years: list[int], source: str) -> pd.DataFrame:
    """WLD per indicator: the sum of UN country rows, without double counting former states."""
    parts = []
    for indicator, block in wide.groupby("indicator", sort=True):
        values = block.set_index("un_id")[years]
        for former, successors in _SUCCESSORS.items():
            if former in values.index:
                reporting = values.loc[former].notna().to_numpy()
                rows = values.index.isin(successors)
                values.loc[rows, reporting] = np.nan
        total = values.sum(min_count=1)
        count = values.notna().sum()
        missing = {
            iso3: values.loc[un_id].isna() if un_id in values.index else total.isna() | True
            for un_id, iso3 in _WLD_REQUIRES.items()
        }
        drop = pd.concat(missing, axis=1).any(axis=1)
        parts.append(
            pd.DataFrame(
                {
                    "iso3": "WLD",
                    "country": "World (derived)",
                    "indicator": indicator,
                    "year": total.index,
                    "value_usd_millions": total.to_numpy(),
                    "source": _world_source(source, indicator, count, drop, missing),
                }
            )[~drop.to_numpy()]
        )
    return pd.concat(parts, ignore_index=True)


def _world_source(source: str, indicator: str, count, drop, missing) -> list[str]:
    note = ""
    if drop.any() and not drop.all():
        first_kept = int(drop.index[~drop.to_numpy()].min())
        absent = sorted(iso3 for iso3, m in missing.items() if (m & drop).any())
        note = f"; WLD {indicator} before {first_kept} dropped ({', '.join(absent)} not reported)"
    return [
        f"derived from {source}: sum of {n} UN country/area rows (former/successor states not "
        f"double counted){note}"
        for n in count.to_numpy()
    ]
