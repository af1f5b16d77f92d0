"""The results of a run: the labelled dataset (:mod:`.dataset`) and run folders on disk
(:mod:`.runs`)."""

from scenarios.results.dataset import (
    COUNTRY_VARIABLES,
    HISTORY,
    MONEY,
    PROGRAM_VARIABLES,
    at_year,
    full_series,
    sampled_bytes,
    series_years,
    to_dataset,
    with_history,
)
from scenarios.results.runs import (
    MARKER,
    check_folder_name,
    read_results,
    remove_leftovers,
    write_json,
    write_netcdf,
    write_run,
)

__all__ = [
    "COUNTRY_VARIABLES",
    "HISTORY",
    "MARKER",
    "MONEY",
    "PROGRAM_VARIABLES",
    "at_year",
    "check_folder_name",
    "full_series",
    "read_results",
    "remove_leftovers",
    "sampled_bytes",
    "series_years",
    "to_dataset",
    "with_history",
    "write_json",
    "write_netcdf",
    "write_run",
]
