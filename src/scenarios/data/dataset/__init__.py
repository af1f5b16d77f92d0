"""The curated dataset: embedded package CSVs, or a user directory with the same files.

`tables` reads and checks the CSV files, `query` is the `Dataset` that answers questions of them,
and `load` finds the files (`load_dataset`) and imports a download into a folder (`import_file`).
"""

from scenarios.data.dataset.load import import_file, load_dataset
from scenarios.data.dataset.query import Dataset
from scenarios.data.dataset.tables import COLUMNS, DEFAULT_EDITION, NUMERIC, write_csv

__all__ = [
    "COLUMNS",
    "DEFAULT_EDITION",
    "NUMERIC",
    "Dataset",
    "import_file",
    "load_dataset",
    "write_csv",
]
