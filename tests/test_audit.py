"""The published-figure audit: hand calculations from the shipped CSVs, the precision rule, outputs."""

from __future__ import annotations

import csv
import json
import math
from importlib import resources

import pandas as pd
import pytest
from typer.testing import CliRunner

from scenarios import api
from scenarios.analysis.audit import COLUMNS, Figure, Recipe, load_registry
from scenarios.cli import app
from scenarios.data import load_dataset
from scenarios.errors import ConfigError

REQUIRED = [
    "id",
    "text",
    "source",
    "published",
    "unit",
    "recomputed",
    "reproduces",
    "difference",
    "reproduced_by",
]


def shipped_value(edition: str, prices: str, indicator: str, iso3: str, year: int) -> float:
    """One value read straight from the shipped series.csv (no package code in between)."""
    with resources.files("scenarios.data").joinpath("series.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (row["edition"], row["price_basis"], row["indicator"], row["iso3"], row["year"]) == (
                edition,
                prices,
                indicator,
                iso3,
                str(year),
            ):
                return float(row["value_usd_millions"])
    raise LookupError((edition, prices, indicator, iso3, year))


def shipped_fact(fact_id: str) -> float:
    with (
        resources.files("scenarios.data").joinpath("program_facts.csv").open(encoding="utf-8") as f
    ):
        return next(float(r["value"]) for r in csv.DictReader(f) if r["fact_id"] == fact_id)


UN23 = "UN AMA through2023"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return api.audit(out_dir=None).set_index("id")


def figure(published: str, qualifier: str = "exact") -> Figure:
    return Figure(
        id="f",
        text="t",
        source="s",
        location="l",
        published=published,
        qualifier=qualifier,
        unit="%",
        recipe=Recipe(kind="sum"),
    )


# --- the precision rule -----------------------------------------------------------------------


def test_printed_precision_is_half_a_unit_of_the_last_digit():
    assert figure("1.5").interval() == pytest.approx((1.45, 1.55))
    assert figure("1.5").reproduced(1.45) and figure("1.5").reproduced(1.5499)
    assert not figure("1.5").reproduced(1.55) and not figure("1.5").reproduced(1.4499)
    assert figure("0.019").interval() == pytest.approx((0.0185, 0.0195))
    assert figure("2840447").interval() == pytest.approx((2840446.5, 2840447.5))
    assert not figure("1.5").reproduced(math.nan)


def test_qualifiers():
    assert figure("30", "nearly").interval() == pytest.approx((29, 30.5))
    assert figure("30", "nearly").reproduced(29.31) and not figure("30", "exact").reproduced(29.31)
    assert figure("0.50", "under").reproduced(0.4999) and not figure("0.50", "under").reproduced(
        0.5
    )
    assert figure("33", "at_least").reproduced(33) and not figure("33", "at_least").reproduced(32.9)


# --- hand calculations from the shipped CSVs ----------------------------------------------------


def test_china_cagr_2017_2022_by_hand_does_not_reproduce(table):
    first = shipped_value(UN23, "constant_2015_usd", "MVA", "CHN", 2017)
    last = shipped_value(UN23, "constant_2015_usd", "MVA", "CHN", 2022)
    by_hand = 100 * ((last / first) ** (1 / 5) - 1)  # 5.14 %, published 5.3 %
    row = table.loc["chn_cagr_2017_2022"]
    assert row["recomputed"] == pytest.approx(by_hand, rel=1e-12)
    assert row["difference"] == pytest.approx(by_hand - 5.3, rel=1e-12)
    assert not row["reproduces"] and row["verdict"] == "does not reproduce"
    assert row["reproduced_by"] == ""  # no edition, price basis or shifted window gives 5.3
    assert row["alternatives_tried"] >= 9


def test_us_growth_2023_by_hand_reproduces(table):
    before = shipped_value(UN23, "constant_2015_usd", "MVA", "USA", 2022)
    after = shipped_value(UN23, "constant_2015_usd", "MVA", "USA", 2023)
    row = table.loc["usa_growth_2023"]
    assert row["recomputed"] == pytest.approx(100 * (after / before - 1), rel=1e-12)
    assert 0.25 <= row["recomputed"] < 0.35 and row["reproduces"]
    assert row["basis"] == "UN AMA through2023, constant 2015 prices"


def test_us_world_share_by_hand_reproduced_by_nothing(table):
    share = shipped_value(UN23, "current_usd", "MVA", "USA", 2023) / shipped_value(
        UN23, "current_usd", "MVA", "WLD", 2023
    )
    row = table.loc["usa_world_share_2023"]
    assert row["recomputed"] == pytest.approx(100 * share, rel=1e-12)  # 17.4 %, published 22.7 %
    assert not row["reproduces"] and row["reproduced_by"] == ""
    assert row["closest_value"] < 18  # no edition, price basis, year or world total comes close


def test_itif_total_is_not_the_sum_of_its_parts(table):
    row = table.loc["itif_fy2016_its_sum"]
    parts = shipped_fact("itif_fy2016_nnmi") + shipped_fact("itif_fy2016_mep")
    assert parts == 156 and row["recomputed"] == 156 and row["difference"] == 1
    assert not row["reproduces"] and row["reproduced_by"] == ""


def test_per_american_uses_a_cited_population(table):
    inputs = load_registry().inputs
    population = inputs["us_population_2016"].value
    row = table.loc["itif_fy2016_per_american"]
    assert row["recomputed"] == pytest.approx(155e6 / population)  # $0.48 < $0.50
    assert row["reproduces"] and row["published"] == "0.50" and row["qualifier"] == "under"
    assert "cited input" in row["note"] and "Census Bureau" in row["note"]


def test_index_reproduced_only_by_mixing_world_bank_and_un(table):
    # Table 2's 19.6 is Germany's budget over the World Bank's MVA against the US's over the UN's.
    deu = shipped_value("WDI 2025", "current_usd", "MVA", "DEU", 2023)
    usa = shipped_value(UN23, "current_usd", "MVA", "USA", 2023)
    mixed = (shipped_fact("t2_deu_total_budget") / deu) / (
        shipped_fact("t2_usa_total_budget") / usa
    )
    assert 19.55 <= mixed < 19.65
    row = table.loc["t2_deu_index_2023"]
    assert row["recomputed"] == pytest.approx((3225 / 838894) / (540 / 2840447), rel=1e-5)  # 20.22
    assert not row["reproduces"]
    assert row["reproduced_by"] == "WDI 2025, current prices, USA: UN AMA through2023"
    assert row["closest_value"] == pytest.approx(mixed, rel=1e-12)


def test_china_share_of_gdp_reproduced_only_by_the_newer_edition_a_year_earlier(table):
    mva = shipped_value("UN AMA through2024", "current_usd", "MVA", "CHN", 2022)
    gdp = shipped_value("UN AMA through2024", "current_usd", "GDP", "CHN", 2022)
    assert 25.5 <= 100 * mva / gdp < 26.5
    row = table.loc["t2_chn_mfg_share_gdp_2023"]
    assert not row["reproduces"]
    assert row["reproduced_by"] == "UN AMA through2024, current prices, years -1"


def test_table1_commitments_match_the_institutes_data(table):
    rows = table[table.index.str.startswith("s004_t1_")]
    assert len(rows) == 14 and rows["reproduces"].all()
    assert table.loc["s004_t1_aim_nonfederal", "recomputed"] == 502


# --- outputs ----------------------------------------------------------------------------------


def test_run_folder_csv_report_and_manifest(tmp_path):
    result = api.audit(out_dir=tmp_path)
    folder = tmp_path / "audit"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit"]  # no temporary folder left
    figures = pd.read_csv(folder / "figures.csv", keep_default_na=False, dtype={"published": str})
    assert list(figures.columns) == COLUMNS and set(REQUIRED) <= set(figures.columns)
    assert len(figures) == len(load_registry().figures) == len(result)
    assert figures["id"].is_unique
    page = (folder / "report.html").read_text(encoding="utf-8")
    n = int(result["reproduces"].sum())
    answer = f"{n} of {len(result)} published figures reproduce"
    assert answer in page and page.index(answer) < page.index("Every figure")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["reproduce"] == n and manifest["data_hash"] == load_dataset().hash


def test_cli_prints_the_table(tmp_path):
    result = CliRunner().invoke(app, ["audit", "--out", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "does not reproduce" in result.output and "published figures reproduce" in result.output
    assert (tmp_path / "audit" / "figures.csv").is_file()


# --- the registry -----------------------------------------------------------------------------


def test_registry_errors_name_the_problem(tmp_path):
    path = tmp_path / "figures.yaml"
    entry = (
        "  - {id: a, text: t, source: s, location: l, published: '1', unit: count, "
        "recipe: {kind: per_capita, facts: [x], population: nobody}}\n"
    )
    path.write_text("figures:\n" + entry)
    with pytest.raises(ConfigError, match="undefined input"):
        load_registry(path)
    path.write_text("figures:\n" + entry.replace("population: nobody", "") * 2)
    with pytest.raises(ConfigError, match="duplicated figure ids"):
        load_registry(path)
    path.write_text("figures:\n" + entry.replace("facts: [x], population: nobody", ""))
    with pytest.raises(ConfigError, match="a per_capita recipe needs facts, population"):
        load_registry(path)
    path.write_text("figures:\n" + entry.replace("'1'", "'1,5'"))
    with pytest.raises(ConfigError, match="published"):
        load_registry(path)


def test_every_shipped_figure_cites_a_seed_file():
    seeds = {"000_d4a945767f502f36.txt", "001_017d06697d5ead08.txt", "004_c28e45fc07610c43.txt"}
    assert {f.source for f in load_registry().figures} <= seeds


def test_docs_page_gives_todays_answer(table):
    from pathlib import Path

    from scenarios.outputs.audit import answer

    page = (Path(__file__).resolve().parents[1] / "docs" / "audit.md").read_text(encoding="utf-8")
    assert answer(table.reset_index())[0] in page
    for row in table.reset_index().to_dict("records"):
        if not row["id"].startswith("s004_t1_"):
            assert f"`{row['id']}`" in page, row["id"]
