"""The dataset's CSV files: their columns, reading and checking them, writing them atomically."""

from __future__ import annotations

import json
import os
import tempfile
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.data.importers import (
    PRICE_BASES,
    SERIES_COLUMNS,
)
from scenarios.errors import DataError

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
SERIES_KEY = ["edition", "price_basis", "indicator", "iso3", "year"]


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


def read_table(name: str, directory: Path | None) -> pd.DataFrame:
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
    dup = np.flatnonzero(series.duplicated(SERIES_KEY, keep=False).to_numpy())
    if dup.size:
        raise DataError(
            "duplicated edition / price_basis / indicator / iso3 / year rows",
            file=where,
            path="rows " + ", ".join(str(r + 2) for r in dup[:10]) + ", column year",
            hint="keep one value per country, year and edition",
        )


def read_vintage(directory: Path | None) -> dict:
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
