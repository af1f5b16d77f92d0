"""Importers on small files written here, in the UN AMA and World Bank WDI download layouts."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from scenarios.data import SERIES_COLUMNS, import_file, load_dataset, read_un_ama_xlsx, read_wdi_csv
from scenarios.errors import DataError

CODES = {156: "CHN", 840: "USA", 276: "DEU", 392: "JPN", 643: "RUS"}
TITLE = "GDP/breakdown at constant 2015 prices in US Dollars (all countries)"
B = 1e9  # values in the downloads are US dollars; the importer returns USD million


def write_un_xlsx(path: Path, rows: list[list], title: str = TITLE) -> Path:
    """UN AMA layout: title, blank row, header on row 3, data from row 4; footnotes sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append([])
    sheet.append(["CountryID", "Country", "IndicatorName", 1990, 1991, 2004])
    for row in rows:
        sheet.append(row)
    notes = book.create_sheet("Download-Footnotes-constant")
    notes.append(["CountryID", "Country", "Item", "Footnote", 1970])
    book.save(path)
    return path


UN_ROWS = [
    [156, "China", "Manufacturing (ISIC D)", None, None, 600 * B],
    [156, "China", "Gross Domestic Product (GDP)", 400 * B, 420 * B, 2000 * B],
    [156, "China", "Total Value Added", 1, 1, 1],
    [840, "United States", "Manufacturing (ISIC D)", 1000 * B, 1010 * B, 1500 * B],
    [840, "United States", "Gross Domestic Product (GDP)", 8000 * B, 8100 * B, 13000 * B],
    [276, "Germany", "Manufacturing (ISIC D)", 500 * B, 490 * B, 550 * B],
    [276, "Germany", "Gross Domestic Product (GDP)", 2500 * B, 2600 * B, 3000 * B],
    [392, "Japan", "Manufacturing (ISIC D)", 700 * B, 710 * B, 800 * B],
    [392, "Japan", "Gross Domestic Product (GDP)", 4000 * B, 4100 * B, 4500 * B],
    [810, "USSR (Former)", "Gross Domestic Product (GDP)", 900 * B, None, None],
    [643, "Russian Federation", "Gross Domestic Product (GDP)", 600 * B, 580 * B, 700 * B],
]
# WLD is derived only from files covering >= 150 areas: 150 small areas without ISO3 codes,
# GDP 1 (USD million) in every year, make up the rest.
FILLER = [
    [1000 + i, f"Area {i}", "Gross Domestic Product (GDP)", 1e6, 1e6, 1e6] for i in range(150)
]


def value(frame: pd.DataFrame, iso3: str, indicator: str, year: int) -> float:
    row = frame[
        (frame["iso3"] == iso3) & (frame["indicator"] == indicator) & (frame["year"] == year)
    ]
    assert len(row) == 1, (iso3, indicator, year)
    return float(row["value_usd_millions"].iloc[0])


# --- UN AMA xlsx --------------------------------------------------------------------------------


def test_un_xlsx_values_and_labels(tmp_path):
    path = write_un_xlsx(tmp_path / "Download-GDPconstant-USD-countries.xlsx", UN_ROWS + FILLER)
    un = read_un_ama_xlsx(path, iso3_codes=CODES)
    assert list(un.columns) == SERIES_COLUMNS
    assert set(un["indicator"]) == {"MVA", "GDP"}
    assert set(un["price_basis"]) == {"constant_2015_usd"}
    assert set(un["edition"]) == {"UN AMA through2004"}
    assert value(un, "USA", "MVA", 1991) == 1_010_000.0
    assert value(un, "CHN", "MVA", 2004) == 600_000.0
    assert un["source"].str.contains(path.name).all()
    assert not {"USSR (Former)", "Area 1"} & set(un["country"])  # no ISO3: in WLD only


def test_un_world_sum_without_double_counting(tmp_path):
    un = read_un_ama_xlsx(write_un_xlsx(tmp_path / "a.xlsx", UN_ROWS + FILLER), iso3_codes=CODES)
    # 1990: the USSR reports, so Russia's backfilled 600 is left out; 1991: Russia counts.
    assert value(un, "WLD", "GDP", 1990) == (400 + 8000 + 2500 + 4000 + 900) * 1000 + 150
    assert value(un, "WLD", "GDP", 1991) == (420 + 8100 + 2600 + 4100 + 580) * 1000 + 150
    assert value(un, "WLD", "MVA", 2004) == (600 + 1500 + 550 + 800) * 1000
    wld_mva = un[(un["iso3"] == "WLD") & (un["indicator"] == "MVA")]
    assert wld_mva["year"].tolist() == [2004]  # China's MVA is blank before
    assert "WLD MVA before 2004 dropped (CHN not reported)" in wld_mva["source"].iloc[0]
    wld_gdp = un[(un["iso3"] == "WLD") & (un["indicator"] == "GDP")].set_index("year")["source"]
    assert "sum of 155 UN country/area rows" in wld_gdp[2004]  # 150 areas + 4 + Russia


def test_un_no_world_from_a_partial_file(tmp_path):
    un = read_un_ama_xlsx(write_un_xlsx(tmp_path / "a.xlsx", UN_ROWS), iso3_codes=CODES)
    assert "WLD" not in set(un["iso3"])


def test_un_file_without_mva_or_gdp_rows(tmp_path):
    path = write_un_xlsx(tmp_path / "a.xlsx", [UN_ROWS[2]])
    with pytest.raises(DataError, match="no 'Manufacturing \\(ISIC D\\)' or"):
        read_un_ama_xlsx(path, iso3_codes=CODES)


def test_un_price_basis_from_title_or_argument(tmp_path):
    current = write_un_xlsx(
        tmp_path / "x.xlsx",
        UN_ROWS,
        title="GDP/breakdown at current prices in US Dollars (all countries)",
    )
    assert set(read_un_ama_xlsx(current, iso3_codes=CODES)["price_basis"]) == {"current_usd"}
    with pytest.raises(DataError, match="contradicts the file title"):
        read_un_ama_xlsx(current, "constant_2015_usd", iso3_codes=CODES)
    untitled = write_un_xlsx(tmp_path / "y.xlsx", UN_ROWS, title="my extract")
    with pytest.raises(DataError, match="cannot tell the price basis"):
        read_un_ama_xlsx(untitled, iso3_codes=CODES)
    assert set(read_un_ama_xlsx(untitled, "current_usd", iso3_codes=CODES)["price_basis"]) == {
        "current_usd"
    }


def test_un_non_numeric_cell_names_file_row_column(tmp_path):
    rows = [*UN_ROWS[:3], [840, "United States", "Manufacturing (ISIC D)", 1.0, "n/a", 2.0]]
    path = write_un_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(DataError) as err:
        read_un_ama_xlsx(path, iso3_codes=CODES)
    message = str(err.value)
    assert str(path) in message
    assert "row 7, column E (1991): not a number" in message
    assert "'n/a'" in message


def test_un_missing_header_row(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Country", "Year", "Value"])
    book.save(tmp_path / "wrong.xlsx")
    with pytest.raises(DataError, match="no header row 'CountryID, Country, IndicatorName") as err:
        read_un_ama_xlsx(tmp_path / "wrong.xlsx", iso3_codes=CODES)
    assert "wrong.xlsx" in str(err.value)


def test_un_duplicated_country_rows(tmp_path):
    path = write_un_xlsx(tmp_path / "dup.xlsx", [*UN_ROWS, UN_ROWS[3]])
    with pytest.raises(DataError, match="duplicated un_id / indicator rows") as err:
        read_un_ama_xlsx(path, iso3_codes=CODES)
    assert "rows 7, 15" in str(err.value)


def test_un_missing_and_unreadable_files(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_un_ama_xlsx(tmp_path / "absent.xlsx", "current_usd")
    (tmp_path / "text.xlsx").write_text("not a workbook")
    with pytest.raises(DataError, match="cannot open as an xlsx workbook"):
        read_un_ama_xlsx(tmp_path / "text.xlsx", "current_usd", iso3_codes=CODES)


def test_un_wide_csv_extract(tmp_path):
    path = tmp_path / "un_ama_mva_gdp_all_countries_current_usd_through2023.csv"
    path.write_text(
        "iso3,un_country_id,country,indicator,2022,2023\n"
        "USA,840,United States,MVA,2800000.5,2840447.0\n"
        "CHN,156,China,MVA,4900000,4781179.466\n"
        "DEU,276,Germany,MVA,800000,838893.614\n"
        "JPN,392,Japan,MVA,850000,842796.7\n"
    )
    un = read_un_ama_xlsx(path)
    assert set(un["price_basis"]) == {"current_usd"}
    assert set(un["edition"]) == {"UN AMA through2023"}
    assert value(un, "USA", "MVA", 2023) == 2840447.0
    assert value(un, "CHN", "MVA", 2023) == 4781179.466
    assert len(un) == 8 and "WLD" not in set(un["iso3"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.floats(0, 1e7, allow_nan=False), min_size=150, max_size=150))
def test_un_world_is_the_sum_of_its_countries(tmp_path, values):
    path = tmp_path / "un_ama_mva_gdp_all_countries_constant_2015_usd_through2023.csv"
    big4 = [f"{iso3},{un_id},{iso3},GDP,1" for un_id, iso3 in list(CODES.items())[:4]]
    areas = [f",{1000 + i},Area {i},GDP,{v!r}" for i, v in enumerate(values)]
    path.write_text("iso3,un_country_id,country,indicator,2023\n" + "\n".join(big4 + areas))
    un = read_un_ama_xlsx(path)
    assert value(un, "WLD", "GDP", 2023) == pytest.approx(4 + sum(values))


# --- World Bank WDI -----------------------------------------------------------------------------

DATABANK = (
    '\ufeff"Country Name","Country Code","Series Name","Series Code",'
    '"2021 [YR2021]","2022 [YR2022]"\n'
    '"United States","USA","Manufacturing, value added (current US$)","NV.IND.MANF.CD",'
    '"2500000000000",".."\n'
    '"China","CHN","Manufacturing, value added (constant 2015 US$)","NV.IND.MANF.KD",'
    '"4000000000000","4100000000000"\n'
    '"China","CHN","GDP (current US$)","NY.GDP.MKTP.CD","17800000000000","17900000000000"\n'
    '"China","CHN","Population, total","SP.POP.TOTL","1412360000","1412175000"\n'
    "\n\n"
    '"Data from database: World Development Indicators"\n'
    '"Last Updated: 07/01/2025"\n'
)
API = (
    '\ufeff"Data Source","World Development Indicators",\n'
    "\n"
    '"Last Updated Date","2025-07-01",\n'
    "\n"
    '"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023",\n'
    '"Germany","DEU","GDP (constant 2015 US$)","NY.GDP.MKTP.KD","3500000000000","3490000000000",\n'
    '"World","WLD","GDP (constant 2015 US$)","NY.GDP.MKTP.KD","","90000000000000",\n'
)


def test_wdi_databank_layout(tmp_path):
    path = tmp_path / "Data.csv"
    path.write_text(DATABANK, encoding="utf-8")
    wdi = read_wdi_csv(path)
    assert list(wdi.columns) == SERIES_COLUMNS
    assert value(wdi, "USA", "MVA", 2021) == 2_500_000.0
    assert value(wdi, "CHN", "MVA", 2022) == 4_100_000.0
    assert len(wdi) == 5  # the US 2022 '..' and the population series are left out
    by_key = wdi.set_index(["iso3", "indicator", "year"])["price_basis"]
    assert by_key[("USA", "MVA", 2021)] == "current_usd"
    assert by_key[("CHN", "MVA", 2021)] == "constant_2015_usd"
    assert set(wdi["edition"]) == {"WDI 07/01/2025"}
    assert wdi["source"].str.startswith("World Bank, World Development Indicators").all()


def test_wdi_api_layout(tmp_path):
    path = tmp_path / "API_NY.GDP.MKTP.KD_DS2_en_csv_v2_1.csv"
    path.write_text(API, encoding="utf-8")
    wdi = read_wdi_csv(path)
    assert set(wdi["edition"]) == {"WDI 2025-07-01"}
    assert value(wdi, "DEU", "GDP", 2023) == 3_490_000.0
    assert value(wdi, "WLD", "GDP", 2023) == 90_000_000.0
    assert len(wdi) == 3
    assert set(read_wdi_csv(path, vintage="July 2025")["edition"]) == {"WDI July 2025"}


def test_wdi_non_numeric_cell_names_file_row_column(tmp_path):
    path = tmp_path / "Data.csv"
    path.write_text(DATABANK.replace('"4100000000000"', '"4.1 trillion"'), encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_wdi_csv(path)
    assert "Data.csv: row 3, column F (2022 [YR2022]): not a number" in str(err.value)


def test_wdi_wrong_layout(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Country,Code,Year,Value\nUSA,USA,2020,1\n")
    with pytest.raises(DataError, match="no header row starting with 'Country Name'") as err:
        read_wdi_csv(path)
    assert "other.csv" in str(err.value)
    path.write_text('"Country Name","Country Code","Year","Value"\n')
    with pytest.raises(DataError, match="unexpected header columns") as err:
        read_wdi_csv(path)
    assert "row 1" in str(err.value)


def test_wdi_no_supported_series(tmp_path):
    path = tmp_path / "Data.csv"
    lines = [line for line in DATABANK.splitlines() if not re.search("NV.IND|NY.GDP", line)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="no supported series") as err:
        read_wdi_csv(path)
    assert "NV.IND.MANF.KD" in str(err.value)


def test_wdi_duplicated_rows(tmp_path):
    line = DATABANK.splitlines()[1]
    path = tmp_path / "Data.csv"
    path.write_text(DATABANK.replace(line, f"{line}\n{line}"), encoding="utf-8")
    with pytest.raises(DataError, match="duplicated iso3 / code rows") as err:
        read_wdi_csv(path)
    assert "rows 2, 3" in str(err.value)


# --- import_file --------------------------------------------------------------------------------


def test_import_file_merges_without_overwriting(tmp_path):
    download = tmp_path / "Data.csv"
    download.write_text(DATABANK, encoding="utf-8")
    out = tmp_path / "mydata"
    target = import_file("wdi", download, out)
    assert target == out / "series.csv"
    assert sorted(p.name for p in out.iterdir()) == ["series.csv"]  # no temporary file left
    data = load_dataset(out)
    embedded = load_dataset()
    pd.testing.assert_frame_equal(data.table(), embedded.table())
    assert data.table("MVA", "current_usd", edition="WDI 07/01/2025").loc[2021, "USA"] == 2.5e6
    assert len(data.series) == len(embedded.series) + 5

    # Re-importing the same edition replaces its rows; other editions stay.
    import_file("wdi", download, out)
    assert len(load_dataset(out).series) == len(embedded.series) + 5


def test_import_file_price_basis_filter_and_bad_kind(tmp_path):
    download = tmp_path / "Data.csv"
    download.write_text(DATABANK, encoding="utf-8")
    import_file("wdi", download, tmp_path / "out", price_basis="constant_2015_usd")
    series = load_dataset(tmp_path / "out").series
    imported = series["edition"] == "WDI 07/01/2025"
    assert set(series.loc[imported, "price_basis"]) == {"constant_2015_usd"}
    with pytest.raises(DataError, match="use 'un' or 'wdi'"):
        import_file("imf", download, tmp_path / "out")  # type: ignore[arg-type]


def test_import_file_un(tmp_path):
    path = write_un_xlsx(tmp_path / "Download-GDPconstant-USD-countries.xlsx", UN_ROWS + FILLER)
    import_file("un", path, tmp_path / "out")
    data = load_dataset(tmp_path / "out")
    table = data.table("MVA", "constant_2015_usd", edition="UN AMA through2004")
    assert table.loc[2004, "CHN"] == 600_000.0
