"""The long series table every importer returns, and the file, row and cell checks they share."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.errors import DataError
from scenarios.files import check_input_file

SERIES_COLUMNS = [
    "iso3",
    "country",
    "indicator",
    "price_basis",
    "year",
    "value_usd_millions",
    "edition",
    "source",
]
PRICE_BASES = ("constant_2015_usd", "current_usd")
MAX_TITLE_ROWS = 10


def existing_download(path: str | Path) -> Path:
    """A download to import: a regular file under the input size limit."""
    path = Path(path)
    if not os.path.lexists(path):
        raise DataError(
            "file not found",
            file=str(path),
            hint="give the path of a downloaded UN AMA xlsx or WDI CSV file",
        )
    check_input_file(path, "download", DataError)
    return path


def csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Rows with their 1-based line numbers; blank lines dropped."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            return [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot read as a UTF-8 CSV file ({exc})", file=str(path)) from None


def parse_number(cell, path: Path, where: str) -> float:
    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        return np.nan
    if isinstance(cell, bool):
        raise DataError("not a number", file=str(path), path=where, value=cell)
    try:
        value = float(cell)
    except (TypeError, ValueError):
        raise DataError(
            "not a number",
            file=str(path),
            path=where,
            value=cell,
            hint="leave missing values blank (or '..' in WDI files)",
        ) from None
    if not math.isfinite(value):
        raise DataError(
            "not a finite number",
            file=str(path),
            path=where,
            value=cell,
            hint="leave missing values blank (or '..' in WDI files)",
        )
    return value


def check_unique(wide: pd.DataFrame, keys: list[str], path: Path) -> None:
    dup = wide[wide.duplicated(keys, keep=False)]
    if not dup.empty:
        lines = ", ".join(str(n) for n in dup["line"])
        raise DataError(
            f"duplicated {' / '.join(keys)} rows",
            file=str(path),
            path=f"rows {lines}",
            value=dup[keys].iloc[0].tolist(),
            hint="each country must appear once per indicator",
        )


def melt_years(wide: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    ids = [c for c in wide.columns if c not in years]
    long = wide.melt(
        id_vars=ids, value_vars=years, var_name="year", value_name="value_usd_millions"
    )
    return long.dropna(subset=["value_usd_millions"])


def finish_series(long: pd.DataFrame) -> pd.DataFrame:
    long = long.dropna(subset=["value_usd_millions"])
    long = long.astype({"year": int, "value_usd_millions": float})
    keys = ["edition", "price_basis", "indicator", "iso3", "year"]
    return long[SERIES_COLUMNS].sort_values(keys, ignore_index=True)


def column_letter(col: int) -> str:
    """Spreadsheet column letter of a 1-based column number."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
