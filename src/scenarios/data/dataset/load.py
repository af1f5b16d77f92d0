"""Loading the dataset (embedded, or a folder of CSVs) and importing a download into a folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pandas as pd

from scenarios.data.dataset.query import Dataset, require_known
from scenarios.data.dataset.tables import (
    COLUMNS,
    DEFAULT_EDITION,
    SERIES_KEY,
    read_table,
    read_vintage,
    write_csv,
)
from scenarios.data.importers import (
    PRICE_BASES,
    read_un_ama_xlsx,
    read_wdi_csv,
)
from scenarios.errors import DataError
from scenarios.files import writing


def load_dataset(path: str | Path | None = None) -> Dataset:
    """Load the embedded dataset, or a directory of CSVs with the same names.

    Parameters
    ----------
    path
        None for the package data; a directory otherwise. Files missing from the directory
        (e.g. all but ``series.csv`` after `import_file`) fall back to the embedded ones.

    Raises
    ------
    DataError
        The directory does not exist, or a CSV lacks columns, has non-numeric values or
        duplicated series rows.

    Examples
    --------
    >>> data = load_dataset()
    >>> data.origin, data.vintage
    ('embedded', 'UN AMA through2023 (Dec-2024 release)')
    """
    directory = None if path is None else Path(path)
    if directory is not None and not directory.is_dir():
        raise DataError(
            "dataset directory not found",
            file=str(directory),
            hint="give a directory holding series.csv (and optionally the other CSVs)",
        )
    if directory is not None and not any((directory / f"{name}.csv").is_file() for name in COLUMNS):
        raise DataError(
            f"not a dataset folder: it has none of {', '.join(f'{n}.csv' for n in COLUMNS)}",
            file=str(directory),
            hint="make one with 'scenarios data import wdi FILE --out DIR' "
            "(or 'un'), or drop data.path to use the embedded data",
        )
    tables = {name: read_table(name, directory) for name in COLUMNS}
    vintage = read_vintage(directory)
    return Dataset(
        **tables,
        origin="embedded" if directory is None else str(directory),
        default_edition=vintage.get("default_edition", DEFAULT_EDITION),
        releases=tuple(
            (ed, info.get("release", "")) for ed, info in vintage.get("editions", {}).items()
        ),
    )


def import_file(
    kind: Literal["wdi", "un"],
    file: str | Path,
    out_dir: str | Path,
    *,
    price_basis: str | None = None,
) -> Path:
    """Import a UN AMA or WDI download into ``out_dir/series.csv``, keeping other editions.

    Rows of the same edition, price basis and indicator as the imported ones are replaced; all
    other rows of the existing ``out_dir/series.csv`` (or, if absent, the embedded series) are
    kept. The file is written to a temporary file and moved into place.

    Parameters
    ----------
    kind
        ``"un"`` (UN AMA xlsx or wide CSV) or ``"wdi"`` (World Bank WDI CSV).
    file
        The downloaded file.
    out_dir
        Dataset directory, created if needed; use it with ``load_dataset(out_dir)``.
    price_basis
        UN: the price basis if the title does not say it; WDI: keep only that basis.

    Returns
    -------
    pathlib.Path
        The written ``series.csv``.

    Examples
    --------
    >>> import_file("wdi", "Data.csv", "mydata")  # doctest: +SKIP
    PosixPath('mydata/series.csv')
    """
    readers: dict[str, Callable[[], pd.DataFrame]] = {
        "un": lambda: read_un_ama_xlsx(file, price_basis),
        "wdi": lambda: read_wdi_csv(file),
    }
    if kind not in readers:
        raise DataError("unknown import kind", value=kind, hint="use 'un' or 'wdi'")
    new = readers[kind]()
    if kind == "wdi" and price_basis is not None:
        require_known(price_basis, pd.Series(PRICE_BASES), "price_basis")
        new = new[new["price_basis"] == price_basis]
    out = Path(out_dir)
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
    base = read_table("series", out)
    replaced = base.set_index(["edition", "price_basis", "indicator"]).index.isin(
        new.set_index(["edition", "price_basis", "indicator"]).index
    )
    merged = pd.concat([base[~replaced], new], ignore_index=True)
    target = out / "series.csv"
    with writing(target):
        write_csv(merged.sort_values(SERIES_KEY, ignore_index=True), target, float_format="%.3f")
    return target
