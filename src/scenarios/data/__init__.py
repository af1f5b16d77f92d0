"""The embedded dataset (MVA/GDP series, innovation programs, literature parameters) and importers.

Examples
--------
>>> from scenarios.data import load_dataset
>>> data = load_dataset()
>>> data.founding_years("manufacturing_usa").size
18
"""

from scenarios.data.dataset import DEFAULT_EDITION, Dataset, import_file, load_dataset
from scenarios.data.importers import SERIES_COLUMNS, read_un_ama_xlsx, read_wdi_csv

__all__ = [
    "DEFAULT_EDITION",
    "SERIES_COLUMNS",
    "Dataset",
    "import_file",
    "load_dataset",
    "read_un_ama_xlsx",
    "read_wdi_csv",
]
