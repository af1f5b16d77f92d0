"""Programs and literature: Manufacturing USA, China's MICs, Fraunhofer, impact parameters."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from scenarios.data.build.inputs import SEED_CASTED, SEED_NIST, input_path
from scenarios.errors import DataError

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
MIC_NOTES = {
    24: ["province as printed in the seed ('Guandong' = Guangdong)"],
    33: ["'Al' in the seed's name is 'AI' (embodied AI)"],
}


def institutes(data_dir: Path, seeds: Path) -> pd.DataFrame:
    """The 18 Manufacturing USA institutes and the 33 Chinese MICs (seed 001, Appendix A)."""
    return pd.concat([_us_institutes(data_dir), _mics(seeds / SEED_NIST)], ignore_index=True)


def fraunhofer(data_dir: Path) -> pd.DataFrame:
    """Fraunhofer by year, plus NIST's 2023 budget conversion (seed 001 Table 2, USD million)."""
    raw = pd.read_csv(input_path(data_dir, "fraunhofer_by_year.csv"))
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
    raw = pd.read_csv(input_path(data_dir, "impact_parameters_literature.csv"))
    out = raw[["parameter", "value", "low", "high", "unit", "context", "note"]].copy()
    out.insert(0, "symbol", raw["parameter"].map(_symbol))
    out["source"] = "impact_parameters_literature.csv; " + raw["source"]
    return out


def _us_institutes(data_dir: Path) -> pd.DataFrame:
    raw = pd.read_csv(input_path(data_dir, "manufacturing_usa_institutes.csv"))
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
    text = input_path(seed.parent, seed.name).read_text(encoding="utf-8")
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
