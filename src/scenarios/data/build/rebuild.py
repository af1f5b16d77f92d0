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
import json
import sys
from pathlib import Path

from scenarios.data.build.inputs import UN_FILES, WDI_FILE, input_path, vintage_info
from scenarios.data.build.national_accounts import country_codes, series, wdi
from scenarios.data.build.programs import fraunhofer, impact_parameters, institutes
from scenarios.data.dataset import write_csv
from scenarios.data.importers import read_un_ama_xlsx
from scenarios.errors import DataError

PACKAGE_DATA = Path(__file__).parents[1]


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
    sources = {
        name: read_un_ama_xlsx(input_path(data_dir, name), iso3_codes=iso3) for name in UN_FILES
    }
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
