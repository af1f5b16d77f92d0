"""Data files with gaps, duplicated years, non-numeric cells or another layout: a DataError that
names the file, the row and the column, through ``load_dataset(folder)`` and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import yaml

from scenarios import api
from scenarios.data import load_dataset
from scenarios.errors import DataError, ScenariosError

ENV = {**os.environ, "COLUMNS": "300", "NO_COLOR": "1"}


def embedded(table: str) -> pd.DataFrame:
    with resources.files("scenarios.data").joinpath(f"{table}.csv").open("rb") as f:
        return pd.read_csv(f)


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return embedded("series")


def row_of(
    series: pd.DataFrame,
    iso3: str,
    year: int,
    indicator: str = "MVA",
    price_basis: str = "constant_2015_usd",
) -> int:
    """The 0-based data row of one observation (file line = row + 2)."""
    match = series.index[
        (series["iso3"] == iso3)
        & (series["year"] == year)
        & (series["indicator"] == indicator)
        & (series["price_basis"] == price_basis)
    ]
    return int(match[0])


def write_series(folder: Path, frame: pd.DataFrame) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "series.csv"
    frame.to_csv(path, index=False)
    return path


def edited(series: pd.DataFrame, row: int, column: str, value) -> pd.DataFrame:
    frame = series.copy().astype({column: object})
    frame.loc[row, column] = value
    return frame


CELL_CASES = [  # (column, bad value, words in the message)
    ("value_usd_millions", "", "blank cell"),
    ("year", "", "blank cell"),
    ("value_usd_millions", "n/a", "blank cell"),  # pandas reads n/a, NA, null as missing
    ("value_usd_millions", "twelve", "not a (finite) number"),
    ("value_usd_millions", "2,311,702", "not a (finite) number"),
    ("value_usd_millions", "inf", "not a (finite) number"),
    ("value_usd_millions", "-5", "must be positive"),
    ("year", "twenty", "not a (finite) number"),
    ("year", "2023.5", "whole number"),
    ("price_basis", "constant_2010_usd", "unknown price basis"),
]


@pytest.mark.parametrize(("column", "value", "words"), CELL_CASES)
def test_bad_cell_names_file_row_and_column(tmp_path, series, column, value, words):
    row = row_of(series, "USA", 2019)
    path = write_series(tmp_path / "data", edited(series, row, column, value))
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path / "data")
    text = str(err.value)
    assert words in text
    assert str(path) in text
    assert f"row {row + 2}, column {column}" in text


def test_duplicated_years_name_rows_and_column(tmp_path, series):
    row = row_of(series, "CHN", 2015)
    frame = pd.concat([series, series.iloc[[row]]], ignore_index=True)
    path = write_series(tmp_path / "data", frame)
    with pytest.raises(DataError, match="duplicated") as err:
        load_dataset(tmp_path / "data")
    assert str(path) in str(err.value)
    assert f"rows {row + 2}, {len(series) + 2}, column year" in str(err.value)


@pytest.mark.parametrize("layout", ["wdi_wide", "semicolons", "renamed", "empty"])
def test_other_layout_names_file_header_row_and_column(tmp_path, series, layout):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "series.csv"
    if layout == "wdi_wide":  # a World Bank download dropped in as series.csv
        path.write_text(
            '"Country Name","Country Code","Series Name","Series Code","2021 [YR2021]"\n'
            '"United States","USA","Manufacturing","NV.IND.MANF.KD","2500000000000"\n'
        )
    elif layout == "semicolons":
        series.head(20).to_csv(path, index=False, sep=";")
    elif layout == "renamed":
        series.head(20).rename(columns={"value_usd_millions": "value"}).to_csv(path, index=False)
    else:
        path.write_text("")
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    text = str(err.value)
    assert str(path) in text
    if layout != "empty":
        assert "row 1 (header), column" in text and "missing columns" in text
    assert "expected columns" in text


def test_reordered_columns_still_load(tmp_path, series):
    """Another column order is the same layout."""
    write_series(tmp_path / "data", series[list(reversed(series.columns))])
    pd.testing.assert_frame_equal(load_dataset(tmp_path / "data").table(), load_dataset().table())


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("institutes", "founding_year", "circa 2015"),
        ("fraunhofer", "institutes", "seventy-six"),
        ("program_facts", "value", "$160M"),
    ],
)
def test_other_tables_name_file_row_and_column(tmp_path, table, column, value):
    frame = embedded(table).astype({column: object})
    frame.loc[3, column] = value
    folder = tmp_path / "data"
    folder.mkdir()
    frame.to_csv(folder / f"{table}.csv", index=False)
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    assert f"{folder / f'{table}.csv'}: row 5, column {column}" in str(err.value)


def test_gap_in_the_history_is_named_when_running(tmp_path, series, config_dir):
    """A missing year (a row left out) inside the modelled history: a clean DataError."""
    row = row_of(series, "DEU", 2016)
    write_series(tmp_path / "data", series.drop(index=row))
    config = yaml.safe_load((config_dir / "baseline.yaml").read_text())
    config["data"] = {"path": str(tmp_path / "data")}
    (config_dir / "gap.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(DataError) as err:
        api.run(config_dir / "gap.yaml", with_reference=False)
    text = str(err.value)
    assert "DEU" in text and "2016" in text and "gap.yaml" in text


# --- the command line -----------------------------------------------------------------------


def scenarios(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scenarios", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )


DATABANK = (
    '"Country Name","Country Code","Series Name","Series Code","2021 [YR2021]","2022 [YR2022]"\n'
    '"United States","USA","Manufacturing, value added (constant 2015 US$)","NV.IND.MANF.KD",'
    '"2300000000000","2350000000000"\n'
    '"China","CHN","Manufacturing, value added (constant 2015 US$)","NV.IND.MANF.KD",'
    '"4000000000000","4100000000000"\n'
)


def test_data_import_and_show_errors_on_the_command_line(tmp_path, series):
    """``data import`` of broken downloads and ``data show`` of a broken folder: exit 2, file, row,
    column, no traceback (all in one interpreter start each, run side by side)."""
    lines = DATABANK.splitlines()
    downloads = {
        "non_numeric.csv": DATABANK.replace('"4100000000000"', '"4.1 trillion"'),
        "duplicated.csv": "\n".join([*lines, lines[1]]) + "\n",
        "other_layout.csv": "Country,Code,Year,Value\nUSA,USA,2020,1\n",
    }
    expected = {
        "non_numeric.csv": ["row 3, column F"],
        "duplicated.csv": ["rows 2, 4"],
        "other_layout.csv": ["Country Name"],
    }
    procs = {}
    for name, text in downloads.items():
        (tmp_path / name).write_text(text)
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", "scenarios", "data", "import", "wdi", name, "--out", "imported"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
    bad = tmp_path / "bad_data"
    row = row_of(series, "USA", 2019)
    write_series(bad, edited(series, row, "value_usd_millions", "twelve"))
    procs["show"] = subprocess.Popen(
        [sys.executable, "-m", "scenarios", "data", "show", "--path", str(bad)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    expected["show"] = [str(bad / "series.csv"), f"row {row + 2}, column value_usd_millions"]
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        flat = " ".join(stderr.replace("│", " ").split())
        assert proc.returncode == 2, f"{name}: exit {proc.returncode}\n{stderr}"
        assert "DataError" in stderr and "Traceback" not in stderr + stdout, stderr
        if name != "show":
            assert name in flat, stderr
        for words in expected[name]:
            assert words in flat, f"{name}: {words!r} not in\n{stderr}"
    assert not (tmp_path / "imported" / "series.csv").exists()


def test_import_merges_and_the_result_loads(tmp_path):
    """A good download imports; a broken one afterwards leaves the imported folder as it was."""
    (tmp_path / "Data.csv").write_text(DATABANK)
    from scenarios.data import import_file

    target = import_file("wdi", tmp_path / "Data.csv", tmp_path / "mydata")
    before = target.read_bytes()
    assert "WDI" in " ".join(load_dataset(tmp_path / "mydata").series["edition"].unique())
    (tmp_path / "Broken.csv").write_text(DATABANK.replace('"2300000000000"', '"lots"'))
    with pytest.raises(ScenariosError):
        import_file("wdi", tmp_path / "Broken.csv", tmp_path / "mydata")
    assert target.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "mydata").iterdir()) == ["series.csv"]
