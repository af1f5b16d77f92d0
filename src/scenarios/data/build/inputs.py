"""The staged input files, the editions they hold, and their fingerprint (``vintage.json``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from scenarios.data.dataset import DEFAULT_EDITION
from scenarios.errors import DataError

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
WDI_FILE = "wdi_mva_gdp_selected_long.csv"
CURATED_FILES = (
    WDI_FILE,
    "manufacturing_usa_institutes.csv",
    "fraunhofer_by_year.csv",
    "impact_parameters_literature.csv",
)


def vintage_info(data_dir: Path, editions: dict[str, list[str]]) -> dict:
    """Editions, build date (latest xlsx 'modified' property) and sha256 of every input.

    `editions` maps each series input file to the editions read from it.
    """
    names = [*UN_FILES, *CODE_FILES, *CURATED_FILES]
    files = [file_info(input_path(data_dir, name), name) for name in names]
    files += [
        file_info(input_path(data_dir.parent / "seeds", s), f"../seeds/{s}")
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


def file_info(path: Path, name: str) -> dict:
    info = {"file": name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        info["modified"] = book.properties.modified.isoformat()
        book.close()
    return info


def input_path(directory: Path, name: str) -> Path:
    path = directory / name
    if not path.is_file():
        raise DataError(
            "input file not found",
            file=str(path),
            hint="pass the shared data directory (see its SOURCES.md)",
        )
    return path
