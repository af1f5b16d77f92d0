"""The MVA and GDP series and the country codes, from the UN AMA downloads and the WDI extract."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from scenarios.data.build.inputs import CODE_FILES, COUNTRIES, WDI_FILE, input_path
from scenarios.data.importers import SERIES_COLUMNS, WDI_PUBLISHER, WDI_SERIES
from scenarios.errors import DataError


def country_codes(data_dir: Path) -> pd.DataFrame:
    """UN M49 code -> ISO3 (blank for former states), from the wide UN extracts' iso3 column."""
    frames = [
        pd.read_csv(
            input_path(data_dir, f),
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
    raw = pd.read_csv(input_path(data_dir, WDI_FILE), dtype=str, keep_default_na=False)
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
