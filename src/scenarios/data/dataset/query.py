"""`Dataset`: the tables in memory and the questions asked of them (series, deflators, sources)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from scenarios.data.dataset.tables import COLUMNS, DEFAULT_EDITION
from scenarios.data.sources import group_citations
from scenarios.errors import DataError

_UNITS = {
    "institutes": "federal/nonfederal_musd: USD million committed at award (nominal); "
    "members: count",
    "fraunhofer": "EUR million (nominal); nist_*_musd: USD million (NIST 2023 conversion)",
    "program_facts": "per row: unit, currency, price_basis columns",
    "impact_parameters": "per row: unit column",
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """MVA/GDP series, innovation programs and literature parameters, each row with its source.

    Attributes
    ----------
    series
        Long table (`SERIES_COLUMNS`): iso3, country, indicator (MVA | GDP), price_basis
        (constant_2015_usd | current_usd), year, value_usd_millions, edition, source.
    institutes
        One row per institute: program (manufacturing_usa | china_mic), name, founding_year, ...
    fraunhofer
        Fraunhofer-Gesellschaft by year: institutes, business volume (EUR million), ...
    program_facts
        One row per published budget fact (NIST Table 2, ITIF, seed 004, ...), unknowns marked.
    impact_parameters
        Literature values and ranges: R&D depreciation, rates of return, MEP ROI, leverage.
    origin
        ``"embedded"`` or the directory the dataset was read from.
    default_edition
        The edition `table` uses when none is given.
    releases
        (edition, release description) pairs from ``vintage.json``.
    """

    series: pd.DataFrame
    institutes: pd.DataFrame
    fraunhofer: pd.DataFrame
    program_facts: pd.DataFrame
    impact_parameters: pd.DataFrame
    origin: str
    default_edition: str = DEFAULT_EDITION
    releases: tuple[tuple[str, str], ...] = ()
    _tables: dict[tuple[str, str, str | None], pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False
    )
    """:meth:`table`'s answers: a model run asks for the same few tables many times."""

    def table(
        self,
        indicator: str = "MVA",
        price_basis: str = "constant_2015_usd",
        edition: str | None = None,
    ) -> pd.DataFrame:
        """One series as a year x country table, from a single edition.

        Parameters
        ----------
        indicator
            ``MVA`` (manufacturing value added) or ``GDP``.
        price_basis
            ``constant_2015_usd`` or ``current_usd``.
        edition
            e.g. ``"UN AMA through2024"``; None = `default_edition`. Editions are never mixed.

        Returns
        -------
        pandas.DataFrame
            Index ``year`` (int), columns ``iso3``, values in USD million; NaN where not reported.

        Raises
        ------
        DataError
            Unknown indicator, price basis or edition; the message lists what is available.

        Examples
        --------
        >>> mva = load_dataset().table("MVA", "constant_2015_usd")
        >>> round(mva.loc[2023, "USA"])
        2311702
        """
        key = (indicator, price_basis, edition)
        if key not in self._tables:
            rows = self._select(indicator, price_basis, edition)
            table = rows.pivot(index="year", columns="iso3", values="value_usd_millions")
            table.index = table.index.astype(int)
            self._tables[key] = table.sort_index()
        return self._tables[key].copy()  # a copy: the caller may change it

    def deflator(self, iso3: str, edition: str | None = None) -> pd.Series:
        """Implicit GDP deflator, current / constant 2015 USD GDP, rebased to exactly 1.0 in 2015.

        Raises
        ------
        DataError
            The edition lacks current or constant GDP, or the country or 2015 is missing.

        Examples
        --------
        >>> float(load_dataset().deflator("USA").loc[2015])
        1.0
        """
        current = self.table("GDP", "current_usd", edition)
        constant = self.table("GDP", "constant_2015_usd", edition)
        both = sorted(set(current.columns) & set(constant.columns))
        if iso3 not in both:
            raise DataError(
                f"no current and constant GDP for {iso3!r}",
                path="deflator",
                value=iso3,
                hint=f"available: {', '.join(both)}",
            )
        ratio = (current[iso3] / constant[iso3]).dropna()
        if 2015 not in ratio.index:
            raise DataError(f"no 2015 GDP for {iso3}: cannot rebase the deflator", value=iso3)
        return (ratio / ratio.loc[2015]).rename("deflator")

    def last_year(
        self,
        indicator: str = "MVA",
        price_basis: str = "constant_2015_usd",
        edition: str | None = None,
    ) -> int:
        """Last year in which every country of `table(indicator, price_basis, edition)` reports."""
        complete = self.table(indicator, price_basis, edition).dropna(how="any")
        if complete.empty:
            raise DataError("no year in which every country reports", value=indicator)
        return int(complete.index.max())

    def founding_years(self, program: str) -> np.ndarray:
        """Founding years (sorted ints), one per institute of `program`.

        Examples
        --------
        >>> len(load_dataset().founding_years("china_mic"))
        33
        """
        programs = sorted(self.institutes["program"].unique())
        if program not in programs:
            raise DataError(
                f"no institutes for program {program!r}",
                path="program",
                value=program,
                hint=f"available: {', '.join(programs)}",
            )
        years = self.institutes.loc[self.institutes["program"] == program, "founding_year"]
        return np.sort(years.to_numpy(dtype=np.int64))

    def sources(self) -> pd.DataFrame:
        """One row per table or (series, edition): what it holds, years covered, source, units."""
        rows = [
            _series_source(key, part)
            for key, part in self.series.groupby(["indicator", "price_basis", "edition"], sort=True)
        ]
        for name in ("institutes", "fraunhofer", "program_facts", "impact_parameters"):
            rows.append(_table_source(name, getattr(self, name)))
        return pd.DataFrame(rows, columns=["table", "what", "edition", "years", "source", "units"])

    @property
    def vintage(self) -> str:
        """Default edition and release, e.g. ``"UN AMA through2023 (Dec-2024 release)"``."""
        release = dict(self.releases).get(self.default_edition)
        return f"{self.default_edition} ({release})" if release else self.default_edition

    @cached_property
    def hash(self) -> str:
        """sha256 over the CSV contents of the five tables (identical data -> identical hash)."""
        digest = hashlib.sha256()
        for name in COLUMNS:
            digest.update(f"{name}\n".encode())
            digest.update(getattr(self, name).to_csv(index=False, lineterminator="\n").encode())
        return digest.hexdigest()

    def _select(self, indicator: str, price_basis: str, edition: str | None) -> pd.DataFrame:
        series = self.series
        require_known(indicator, series["indicator"], "indicator")
        require_known(price_basis, series["price_basis"], "price_basis")
        matching = series[
            (series["indicator"] == indicator) & (series["price_basis"] == price_basis)
        ]
        edition = self.default_edition if edition is None else edition
        rows = matching[matching["edition"] == edition]
        if rows.empty:
            editions = sorted(matching["edition"].unique())
            raise DataError(
                f"no {indicator} {price_basis} series in edition {edition!r}",
                path="edition",
                value=edition,
                hint=f"available: {', '.join(editions)}",
            )
        return rows


def require_known(value: str, available: pd.Series, what: str) -> None:
    choices = sorted(available.unique())
    if value not in choices:
        raise DataError(
            f"unknown {what}", path=what, value=value, hint=f"available: {', '.join(choices)}"
        )


# --- summaries --------------------------------------------------------------------------------


def _series_source(key: tuple[str, str, str], part: pd.DataFrame) -> dict:
    indicator, price_basis, edition = key
    countries = ", ".join(sorted(part["iso3"].unique()))
    derived = part["source"].str.startswith("derived")
    cited = sorted(part.loc[~derived, "source"].unique())
    if derived.any():
        cited.append("WLD derived by the importer (see series.source)")
    return {
        "table": "series",
        "what": f"{indicator} {price_basis}: {countries}",
        "edition": edition,
        "years": _span(part["year"]),
        "source": "; ".join(cited),
        "units": "USD million"
        + (", constant 2015 prices" if "constant" in price_basis else ", current prices"),
    }


def _table_source(name: str, frame: pd.DataFrame) -> dict:
    year_col = next((c for c in ("year", "founding_year") if c in frame.columns), None)
    cited = sorted({str(s).split(";")[0].strip() for s in frame["source"].dropna()})
    return {
        "table": name,
        "what": f"{len(frame)} rows",
        "edition": "",
        "years": _span(frame[year_col]) if year_col else "",
        "source": "\n".join(group_citations(cited)),
        "units": _UNITS[name],
    }


def _span(years: pd.Series) -> str:
    years = years.dropna()
    return f"{int(years.min())}-{int(years.max())}" if len(years) else ""
