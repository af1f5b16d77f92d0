"""Rebuild the embedded dataset from the staged raw files: ``python -m scenarios.data.build DIR``.

`inputs` names the staged files and fingerprints them (``vintage.json``), `national_accounts`
builds the MVA and GDP series and the country codes, `programs` the institutes, Fraunhofer and
literature tables, and `rebuild` writes them all (`build`, and `main` for the command line).
"""

from scenarios.data.build.inputs import (
    CODE_FILES,
    COUNTRIES,
    CURATED_FILES,
    RELEASES,
    SEED_CASTED,
    SEED_NIST,
    UN_FILES,
    WDI_FILE,
    vintage_info,
)
from scenarios.data.build.national_accounts import country_codes, series, wdi
from scenarios.data.build.programs import (
    MIC_NOTES,
    STATES,
    TABLE1,
    fraunhofer,
    impact_parameters,
    institutes,
)
from scenarios.data.build.rebuild import PACKAGE_DATA, build, main

__all__ = [
    "CODE_FILES",
    "COUNTRIES",
    "CURATED_FILES",
    "MIC_NOTES",
    "PACKAGE_DATA",
    "RELEASES",
    "SEED_CASTED",
    "SEED_NIST",
    "STATES",
    "TABLE1",
    "UN_FILES",
    "WDI_FILE",
    "build",
    "country_codes",
    "fraunhofer",
    "impact_parameters",
    "institutes",
    "main",
    "series",
    "vintage_info",
    "wdi",
]
