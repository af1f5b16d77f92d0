"""Rebuild the embedded dataset from the staged raw files: ``python -m scenarios.data.build DIR``.

DIR is the shared data directory (``raw/*.xlsx``, the transcribed CSVs and SOURCES.md); the seed
documents are read from ``DIR/../seeds``. Writes ``series.csv``, ``country_codes.csv``,
``institutes.csv``, ``fraunhofer.csv``, ``impact_parameters.csv`` and ``vintage.json`` into the
package data folder (or ``--out``). ``program_facts.csv`` is curated by hand and not rebuilt.
``series.csv`` holds every UN AMA edition and the World Bank WDI series of the staged extract,
each row tagged with its edition; runs read the default edition only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import pandas as pd

from scenarios.data.dataset import DEFAULT_EDITION, write_csv
from scenarios.data.importers import SERIES_COLUMNS, WDI_PUBLISHER, WDI_SERIES, read_un_ama_xlsx
from scenarios.errors import DataError

PACKAGE_DATA = Path(__file__).parent
COUNTRIES = ("USA", "CHN", "DEU", "JPN", "KOR", "IND", "GBR", "FRA", "WLD")
UN_FILES = (
    "raw/UNSD_AMA_Download-GDPconstant-USD-countries_through2023.xlsx",
    "raw/UNSD_AMA_Download-GDPcurrent-USD-countries_through2023.xlsx",
    "raw/UNSD_AMA_Download-GDPcurrent-USD-countries_through2024.xlsx",
)
CODE_FILES = (
    "un_ama_mva_gdp_all_countries_constant_2015_usd_through2023.csv",
    "un_ama_mva_gdp_all_countries_current_usd_through2023.csv",
    "un_ama_mva_gdp_all_countries_current_usd_through2024.csv",
)
# Release of each AMA edition, per SOURCES.md (the xlsx files do not state it).
RELEASES = {
    "UN AMA through2023": "Dec-2024 release",
    "UN AMA through2024": "Dec-2025 release",
    "WDI 2025-07": "WDI July-2025 update (Open Numbers mirror)",
    "WDI 2025": "WDI 2025, series to 2024 (Open Numbers mirror)",
    "WDI 2023 vintage": "WDI 2023, US series to 2021 (Open Numbers mirror)",
    "WDI older vintage": "WDI, World GDP at current prices to 2022 (Open Numbers mirror)",
}
SEED_NIST = "001_017d06697d5ead08.txt"
SEED_CASTED = "004_c28e45fc07610c43.txt"
# Seed 004 Table 1 (NNMI Annual Report, first 7 institutes): 5-year federal / non-federal funding
# (USD million) and members. A trailing "+" marks "超过" (more than): the value is a lower bound.
TABLE1 = {
    "America Makes": ("55", "55", "149"),
    "MxD (DMDII)": ("70", "106", "140+"),
    "LIFT": ("70", "78", "82"),
    "AIM Photonics": ("110", "502", "124+"),
    "NextFlex": ("75", "96+", "160+"),
    "PowerAmerica": ("70", "70+", "25"),
    "IACMI": ("70", "180", "122+"),
}
STATES = {"Minnesota": "MN", "Arizona": "AZ"}
WDI_FILE = "wdi_mva_gdp_selected_long.csv"
CURATED_FILES = (
    WDI_FILE,
    "manufacturing_usa_institutes.csv",
    "fraunhofer_by_year.csv",
    "impact_parameters_literature.csv",
)
MIC_NOTES = {
    24: ["province as printed in the seed ('Guandong' = Guangdong)"],
    33: ["'Al' in the seed's name is 'AI' (embodied AI)"],
}


def build(data_dir: str | Path, out_dir: str | Path = PACKAGE_DATA) -> list[Path]:
    """Regenerate the embedded CSVs and ``vintage.json`` from the shared raw files.

    Parameters
    ----------
    data_dir
        The shared data directory (holds ``raw/`` and the transcribed CSVs).
    out_dir
        Where to write; default the package data folder.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    DataError
        An input file is missing or malformed, or two sources disagree.
    """
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    seeds = data_dir.parent / "seeds"
    codes = country_codes(data_dir)
    iso3 = dict(zip(codes["un_country_id"], codes["iso3"], strict=True))
    sources = {name: read_un_ama_xlsx(_input(data_dir, name), iso3_codes=iso3) for name in UN_FILES}
    sources[WDI_FILE] = wdi(data_dir, dict(zip(codes["iso3"], codes["country"], strict=False)))
    tables = {
        "country_codes": codes,
        "series": series(sources.values()),
        "institutes": institutes(data_dir, seeds),
        "fraunhofer": fraunhofer(data_dir),
        "impact_parameters": impact_parameters(data_dir),
    }
    written = []
    for name, frame in tables.items():
        target = out_dir / f"{name}.csv"
        write_csv(frame, target, float_format="%.3f" if name == "series" else "%.10g")
        written.append(target)
    editions = {name: sorted(frame["edition"].unique()) for name, frame in sources.items()}
    target = out_dir / "vintage.json"
    target.write_text(
        json.dumps(vintage_info(data_dir, editions), indent=2) + "\n", encoding="utf-8"
    )
    return [*written, target]


def country_codes(data_dir: Path) -> pd.DataFrame:
    """UN M49 code -> ISO3 (blank for former states), from the wide UN extracts' iso3 column."""
    frames = [
        pd.read_csv(
            _input(data_dir, f),
            usecols=["iso3", "un_country_id", "country"],
            dtype={"iso3": str},
            keep_default_na=False,
        )
        for f in CODE_FILES
    ]
    codes = pd.concat(frames).drop_duplicates(["un_country_id", "iso3"])
    clash = codes[codes.duplicated("un_country_id", keep=False)]
    if not clash.empty:
        raise DataError(
            "the extracts give one UN code two ISO3 codes",
            file=CODE_FILES[0],
            value=clash.to_dict("records"),
        )
    codes = codes.sort_values("un_country_id", ignore_index=True)
    codes["source"] = f"{CODE_FILES[0]} (iso3 from pycountry by UN M49 code; blank = former state)"
    return codes


def series(frames) -> pd.DataFrame:
    """MVA and GDP of `COUNTRIES` from the importers' output (UN AMA downloads, WDI extract)."""
    long = pd.concat(frames, ignore_index=True)
    long = long[long["iso3"].isin(COUNTRIES)]
    return long.sort_values(
        ["edition", "price_basis", "indicator", "iso3", "year"], ignore_index=True
    )


def wdi(data_dir: Path, names: dict[str, str]) -> pd.DataFrame:
    """World Bank WDI series of the staged extract (one row per value), in the series layout.

    The edition is "WDI" and the extract's vintage label up to its parenthesis ("WDI 2025-07",
    "WDI 2023 vintage"): the extract mixes mirror commits, and no edition mixes two of them. The
    extract's flag (e.g. "SUSPECT" for the 2025-vintage US constant-price series) goes into the
    source text. `names` maps ISO3 codes to the UN country names.
    """
    raw = pd.read_csv(_input(data_dir, WDI_FILE), dtype=str, keep_default_na=False)
    unknown = sorted(set(raw["indicator_code"]) - set(WDI_SERIES))
    if unknown:
        raise DataError(
            f"unknown WDI series {unknown}",
            file=WDI_FILE,
            hint=f"supported: {', '.join(WDI_SERIES)}",
        )
    codes = raw["indicator_code"]
    flag = raw["flag"].map(lambda f: f"; flag: {f}" if f else "")
    out = pd.DataFrame(
        {
            "iso3": raw["iso3"],
            "country": raw["iso3"].map(names | {"WLD": "World (World Bank)"}),
            "indicator": codes.map(lambda c: WDI_SERIES[c][0]),
            "price_basis": codes.map(lambda c: WDI_SERIES[c][1]),
            "year": raw["year"].astype(int),
            "value_usd_millions": raw["value_usd"].astype(float) / 1e6,
            "edition": "WDI " + raw["wdi_vintage"].str.split(" (", regex=False).str[0],
            "source": f"{WDI_PUBLISHER} ("
            + codes
            + "), mirror "
            + raw["source"].map(_mirror)
            + flag,
        }
    )
    return out[SERIES_COLUMNS]


def _mirror(source: str) -> str:
    """'github owner/repo, path, commit <sha>' -> 'owner/repo@<sha[:10]>' (the path names the
    series, which the source text already gives)."""
    match = re.fullmatch(r"github (\S+), \S+, commit ([0-9a-f]{40})", source)
    if match is None:
        raise DataError(
            "unexpected source text",
            file=WDI_FILE,
            value=source,
            hint="expected 'github OWNER/REPO, PATH, commit SHA'",
        )
    return f"{match.group(1)}@{match.group(2)[:10]}"


def institutes(data_dir: Path, seeds: Path) -> pd.DataFrame:
    """The 18 Manufacturing USA institutes and the 33 Chinese MICs (seed 001, Appendix A)."""
    return pd.concat([_us_institutes(data_dir), _mics(seeds / SEED_NIST)], ignore_index=True)


def fraunhofer(data_dir: Path) -> pd.DataFrame:
    """Fraunhofer by year, plus NIST's 2023 budget conversion (seed 001 Table 2, USD million)."""
    raw = pd.read_csv(_input(data_dir, "fraunhofer_by_year.csv"))
    out = pd.DataFrame(
        {
            "year": raw["year"],
            "institutes": raw["institutes_and_research_units"].astype("Int64"),
            "employees": raw["employees"].astype("Int64"),
            "total_business_volume_meur": raw["total_business_volume_meur"],
            "contract_research_meur": raw["contract_research_meur"],
            "nist_total_budget_musd": float("nan"),
            "nist_base_funding_musd": float("nan"),
            "source": "fraunhofer_by_year.csv; " + raw["source"],
            "note": raw["note"],
        }
    )
    in_2023 = out["year"] == 2023
    if out.loc[in_2023, "institutes"].tolist() != [76]:
        raise DataError(
            "fraunhofer_by_year.csv: 2023 institutes differ from NIST's 76",
            file="fraunhofer_by_year.csv",
            path="year 2023",
        )
    out.loc[in_2023, ["nist_total_budget_musd", "nist_base_funding_musd"]] = [3225, 374]
    out.loc[in_2023, "source"] += f"; 2023 USD budget and base funding: {SEED_NIST} Table 2"
    return out


def impact_parameters(data_dir: Path) -> pd.DataFrame:
    """Literature parameters with a `symbol` naming the model parameter each informs."""
    raw = pd.read_csv(_input(data_dir, "impact_parameters_literature.csv"))
    out = raw[["parameter", "value", "low", "high", "unit", "context", "note"]].copy()
    out.insert(0, "symbol", raw["parameter"].map(_symbol))
    out["source"] = "impact_parameters_literature.csv; " + raw["source"]
    return out


def vintage_info(data_dir: Path, editions: dict[str, list[str]]) -> dict:
    """Editions, build date (latest xlsx 'modified' property) and sha256 of every input.

    `editions` maps each series input file to the editions read from it.
    """
    names = [*UN_FILES, *CODE_FILES, *CURATED_FILES]
    files = [_file_info(_input(data_dir, name), name) for name in names]
    files += [
        _file_info(_input(data_dir.parent / "seeds", s), f"../seeds/{s}")
        for s in (SEED_NIST, SEED_CASTED)
    ]
    for info in files:
        if info["file"] in editions:
            info["edition"] = ", ".join(editions[info["file"]])
    return {
        "default_edition": DEFAULT_EDITION,
        "editions": {
            edition: {
                "release": RELEASES.get(edition, ""),
                "files": [name for name, eds in editions.items() if edition in eds],
            }
            for edition in sorted({ed for eds in editions.values() for ed in eds})
        },
        "build_date": max(f["modified"] for f in files if "modified" in f)[:10],
        "build_date_basis": "latest 'modified' property of the input xlsx files, not the clock",
        "countries": list(COUNTRIES),
        "inputs": files,
    }


# --- helpers ----------------------------------------------------------------------------------


def _us_institutes(data_dir: Path) -> pd.DataFrame:
    raw = pd.read_csv(_input(data_dir, "manufacturing_usa_institutes.csv"))
    table1 = {name: [_lower_bound(v) for v in values] for name, values in TABLE1.items()}
    for name, (federal, nonfederal, _) in table1.items():
        row = raw[raw["short_name"] == name]
        found = row[["federal_commitment_musd", "nonfederal_commitment_musd"]].to_numpy().tolist()
        if found != [[federal[0], nonfederal[0]]]:
            raise DataError(
                f"{name}: seed 004 Table 1 gives {federal[0]}/{nonfederal[0]}",
                file="manufacturing_usa_institutes.csv",
                value=found,
            )
    members = raw["short_name"].map(lambda n: table1[n][2][0] if n in table1 else None)
    return pd.DataFrame(
        {
            "program": "manufacturing_usa",
            "name": raw["short_name"],
            "founding_year": raw["founding_year"],
            "agency": raw["sponsoring_agency"].str.split().str[0],
            "province": raw["hq_location"].map(_state),
            "sector": raw["technology_focus"],
            "federal_musd": raw["federal_commitment_musd"],
            "nonfederal_musd": raw["nonfederal_commitment_musd"],
            "members": members.astype("Int64"),
            "note": raw["short_name"].map(lambda n: _bounds_note(table1.get(n))),
            "source": raw.apply(_us_source, axis=1),
        }
    )


def _us_source(row: pd.Series) -> str:
    table1 = f"; funding and members: {SEED_CASTED} Table 1" if row["short_name"] in TABLE1 else ""
    return f"manufacturing_usa_institutes.csv{table1}; {row['sources']}"


def _lower_bound(text: str) -> tuple[float, bool]:
    return float(text.rstrip("+")), text.endswith("+")


def _bounds_note(values) -> str:
    if values is None:
        return "commitments at award (manufacturing_usa_institutes.csv)"
    labels = ("federal", "non-federal", "members")
    bounds = [label for label, (_, more) in zip(labels, values, strict=True) if more]
    text = "5-year funding per seed 004 Table 1"
    return text + (f"; {', '.join(bounds)}: lower bound ('more than')" if bounds else "")


def _state(hq: str) -> str:
    match = re.search(r", ([A-Z]{2})\b", hq)
    return match.group(1) if match else STATES[hq.split(" (")[0]]


def _mics(seed: Path) -> pd.DataFrame:
    """The 33 MICs of seed 001 table A.1 (tab-separated: no, name, year, province, city, sector)."""
    text = _input(seed.parent, seed.name).read_text(encoding="utf-8")
    section = text.split("A.1. Table of Manufacturing Innovation Centers")[-1].split("A.2.")[0]
    rows = re.findall(r"^(\d+)\t(.+?)\t(\d{4})\t(.+?)\t(.+?)\t(.+?)\s*$", section, re.MULTILINE)
    numbers = [int(r[0]) for r in rows]
    if numbers != list(range(1, 34)):
        raise DataError(
            "expected MICs numbered 1-33 in Appendix A.1", file=seed.name, value=numbers
        )
    return pd.DataFrame(
        {
            "program": "china_mic",
            "name": [r[1].strip() for r in rows],
            "founding_year": [int(r[2]) for r in rows],
            "agency": "",
            "province": [r[3].strip() for r in rows],
            "sector": [r[5].strip() for r in rows],
            "federal_musd": float("nan"),
            "nonfederal_musd": float("nan"),
            "members": pd.array([pd.NA] * len(rows), dtype="Int64"),
            "note": [
                "; ".join([f"city: {r[4].strip()}", *MIC_NOTES.get(n, [])])
                for n, r in zip(numbers, rows, strict=True)
            ],
            "source": [f"{SEED_NIST} Appendix A.1 (NIST AMS 600-17), row {n}" for n in numbers],
        }
    )


def _symbol(parameter: str) -> str:
    text = parameter.lower()
    rules = (
        ("depreciation", "delta"),
        ("rate of return", "rho"),
        ("return", "rho"),
        ("mep roi", "mep_roi"),
        ("leverage", "match_ratio"),
    )
    return next((symbol for key, symbol in rules if key in text), "")


def _file_info(path: Path, name: str) -> dict:
    info = {"file": name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        info["modified"] = book.properties.modified.isoformat()
        book.close()
    return info


def _input(directory: Path, name: str) -> Path:
    path = directory / name
    if not path.is_file():
        raise DataError(
            "input file not found",
            file=str(path),
            hint="pass the shared data directory (see its SOURCES.md)",
        )
    return path


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m scenarios.data.build DATA_DIR [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m scenarios.data.build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("data_dir", help="shared data directory, e.g. /work/shared/data")
    parser.add_argument("--out", default=str(PACKAGE_DATA), help="output folder (default: package)")
    args = parser.parse_args(argv)
    try:
        for path in build(args.data_dir, args.out):
            print(path)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
