"""World Bank WDI CSV downloads (DataBank or API layout) -> the long series table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from scenarios.data.importers.table import (
    MAX_TITLE_ROWS,
    check_unique,
    column_letter,
    csv_rows,
    existing_download,
    finish_series,
    melt_years,
    parse_number,
)
from scenarios.errors import DataError

WDI_SERIES = {
    "NV.IND.MANF.KD": ("MVA", "constant_2015_usd"),
    "NV.IND.MANF.CD": ("MVA", "current_usd"),
    "NY.GDP.MKTP.KD": ("GDP", "constant_2015_usd"),
    "NY.GDP.MKTP.CD": ("GDP", "current_usd"),
}
WDI_PUBLISHER = "World Bank, World Development Indicators"
_WDI_LAYOUT = (
    "World Bank WDI CSV: DataBank layout 'Country Name, Country Code, Series Name, Series Code, "
    "1990 [YR1990], ...' or API layout (metadata rows, then 'Country Name, Country Code, "
    "Indicator Name, Indicator Code, 1960, ...'); values in US dollars, '..' or blank for missing"
)
_ISO3 = re.compile(r"[A-Z]{3}")


def read_wdi_csv(path: str | Path, *, vintage: str | None = None) -> pd.DataFrame:
    """Read a World Bank WDI CSV download (DataBank or API layout) into the long series table.

    Keeps the series in `WDI_SERIES` (NV.IND.MANF.KD/CD, NY.GDP.MKTP.KD/CD) and ignores the
    others; converts US dollars to USD million. WDI aggregates keep their WDI codes (WLD = the
    World Bank's own world total).

    Parameters
    ----------
    path
        ``Data.csv`` from DataBank or ``API_<code>_DS2_en_csv_v2_<n>.csv`` from the API.
    vintage
        Edition label after "WDI "; default: the file's "Last Updated" date, else its name.

    Returns
    -------
    pandas.DataFrame
        Columns `SERIES_COLUMNS`; edition ``"WDI <vintage>"``.

    Raises
    ------
    DataError
        Missing file, unknown layout, no supported series, non-numeric cell or duplicated
        country-series row; the message names the file, row and column.

    Examples
    --------
    >>> wdi = read_wdi_csv("Data.csv", vintage="2025-07")  # doctest: +SKIP
    """
    path = existing_download(path)
    rows = csv_rows(path)
    header_at, header = _wdi_header(rows, path)
    header_line = rows[header_at - 1][0]
    code_col = header.index("Series Code" if "Series Code" in header else "Indicator Code")
    years = {i: int(m.group(1)) for i, h in enumerate(header) if (m := _WDI_YEAR.match(h))}
    if not years:
        raise DataError(
            "no year columns in the header",
            file=str(path),
            path=f"row {header_line}",
            value=header,
            hint=_WDI_LAYOUT,
        )
    records = [
        _wdi_record(line, row, header, code_col, years, path)
        for line, row in rows[header_at:]
        if len(row) > code_col and row[code_col].strip() in WDI_SERIES
    ]
    if not records:
        raise DataError(
            "no supported series in the file",
            file=str(path),
            hint=f"download one of {', '.join(WDI_SERIES)}",
        )
    wide = pd.DataFrame(records)
    check_unique(wide, ["iso3", "code"], path)
    long = melt_years(wide, sorted(years.values()))
    long["value_usd_millions"] /= 1e6
    long["indicator"] = long["code"].map(lambda c: WDI_SERIES[c][0])
    long["price_basis"] = long["code"].map(lambda c: WDI_SERIES[c][1])
    long["edition"] = f"WDI {vintage or _wdi_updated(rows) or path.stem}"
    long["source"] = WDI_PUBLISHER + " (" + long["code"] + "), download " + path.name
    return finish_series(long)


_WDI_YEAR = re.compile(r"^\s*(\d{4})(?: \[YR\d{4}\])?\s*$")
_WDI_UPDATED = re.compile(r"^Last Updated(?: Date)?:?(.*)$")


def _wdi_header(rows, path: Path) -> tuple[int, list[str]]:
    """Index of the first data row in `rows`, and the stripped header cells."""
    for i, (line, row) in enumerate(rows[:MAX_TITLE_ROWS]):
        if row and row[0].strip() == "Country Name":
            header = [h.strip() for h in row]
            if header[1:4] in (
                ["Country Code", "Series Name", "Series Code"],
                ["Country Code", "Indicator Name", "Indicator Code"],
            ):
                return i + 1, header
            raise DataError(
                "unexpected header columns",
                file=str(path),
                path=f"row {line}",
                value=header[:4],
                hint=_WDI_LAYOUT,
            )
    raise DataError(
        f"no header row starting with 'Country Name' in the first {MAX_TITLE_ROWS} rows",
        file=str(path),
        hint=_WDI_LAYOUT,
    )


def _wdi_record(line, row, header, code_col, years, path: Path) -> dict:
    record = {
        "iso3": row[1].strip(),
        "country": row[0].strip(),
        "code": row[code_col].strip(),
        "line": line,
    }
    if not _ISO3.fullmatch(record["iso3"]):
        raise DataError(
            "not a country code: three capital letters A-Z",
            file=str(path),
            path=f"row {line}, column B ({header[1]})",
            value=record["iso3"],
            hint="WDI codes are ISO3 (USA, CHN) or World Bank aggregates (WLD)",
        )
    for col, year in years.items():
        cell = row[col].strip() if col < len(row) else ""
        where = f"row {line}, column {column_letter(col + 1)} ({header[col]})"
        record[year] = value = parse_number(None if cell == ".." else cell, path, where)
        if value <= 0:
            raise DataError(
                "MVA and GDP must be positive",
                file=str(path),
                path=where,
                value=cell,
                hint="leave a missing value blank or '..'",
            )
    return record


def _wdi_updated(rows) -> str | None:
    """The "Last Updated" date: a metadata row of the API layout or a footer line of DataBank's."""
    for _, row in rows:
        match = _WDI_UPDATED.match(row[0].strip())
        if match:
            value = match.group(1).strip() or (row[1].strip() if len(row) > 1 else "")
            return value or None
    return None
