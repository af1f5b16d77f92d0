"""Readers for public MVA and GDP downloads: UN AMA (xlsx or wide CSV) and World Bank WDI (CSV).

Every reader returns the same long table (`SERIES_COLUMNS`): one row per country, indicator, price
basis and year, in USD million, with the edition and the source of each row. `table` holds that
layout and the cell checks both readers share; `un_ama` and `wdi` read one source each.
"""

from scenarios.data.importers.table import PRICE_BASES, SERIES_COLUMNS
from scenarios.data.importers.un_ama import (
    UN_INDICATORS,
    UN_PUBLISHER,
    embedded_iso3_codes,
    read_un_ama_xlsx,
)
from scenarios.data.importers.wdi import WDI_PUBLISHER, WDI_SERIES, read_wdi_csv

__all__ = [
    "PRICE_BASES",
    "SERIES_COLUMNS",
    "UN_INDICATORS",
    "UN_PUBLISHER",
    "WDI_PUBLISHER",
    "WDI_SERIES",
    "embedded_iso3_codes",
    "read_un_ama_xlsx",
    "read_wdi_csv",
]
