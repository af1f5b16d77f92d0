"""Read an IAMC export with pyam and nomenclature; print what they found as JSON.

Run by tests/test_iamc_pyam.py with a Python that has pyam-iamc and nomenclature-iamc (they pin
pandas < 3, so they may live in a venv of their own): ``python pyam_reader.py RUN_FOLDER``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nomenclature
import pyam


def main(folder: Path) -> dict:
    found: dict = {}
    for suffix in ("csv", "xlsx"):
        df = pyam.IamDataFrame(folder / f"iamc.{suffix}")
        found[suffix] = {
            "scenarios": sorted(df.scenario),
            "rows": len(df.timeseries()),
        }
    df = pyam.IamDataFrame(folder / "iamc.csv")
    parents = sorted({v.rpartition("|")[0] for v in df.variable} & set(df.variable))
    found["parents"] = parents
    found["check_aggregate"] = {
        parent: None if (failed := df.check_aggregate(parent)) is None else len(failed)
        for parent in parents
    }
    mva = df.filter(variable="Value Added|Manufacturing", region="USA")
    converted = mva.convert_unit("USD_2015 million/yr", to="billion USD_2015/yr")
    found["convert_unit"] = {
        "unit": list(converted.unit),
        "million": mva.timeseries().iloc[0].tolist(),
        "billion": converted.timeseries().iloc[0].tolist(),
    }
    found["values"] = {
        f"{s}|{r}|{v}|{y}": float(x)
        for (_, s, r, v, _, y), x in df.data.set_index(
            ["model", "scenario", "region", "variable", "unit", "year"]
        )["value"].items()
    }
    definition = nomenclature.DataStructureDefinition(folder / "iamc_definitions")
    try:
        definition.validate(df)
        found["nomenclature"] = "valid"
    except Exception as exc:  # nomenclature raises its own error types; report the message
        found["nomenclature"] = f"{type(exc).__name__}: {exc}"
    try:  # and a unit the definitions do not give fails
        definition.validate(df.rename(unit={"count": "pieces"}))
        found["nomenclature_wrong_unit"] = "valid"
    except Exception as exc:
        found["nomenclature_wrong_unit"] = type(exc).__name__
    return found


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
