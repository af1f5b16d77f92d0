"""The source registry (``sources.yaml``): who wrote each cited document, its title, year,
publisher and address, and the file name it ships under.

Text that names a source file ("001_017d06697d5ead08.txt Table 2 (NIST AMS 600-17)") is cited by
the short reference instead ("NIST AMS 600-17 (2025), Table 2").

>>> cite("001_017d06697d5ead08.txt Table 2 (NIST AMS 600-17)")
'NIST AMS 600-17 (2025), Table 2'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

REGISTRY = "sources.yaml"
FILE_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


@dataclass(frozen=True)
class Source:
    """One cited document: ``short`` to cite it by, the full reference fields, its ``file``."""

    file: str
    short: str
    title: str
    author: str = ""
    year: int | None = None
    publisher: str = ""
    url: str = ""
    aliases: tuple[str, ...] = field(default=())


@cache
def registry() -> dict[str, Source]:
    """Every registered source by file name."""
    text = resources.files("scenarios.data").joinpath(REGISTRY).read_text("utf-8")
    return {
        file: Source(file=file, **{**entry, "aliases": tuple(entry.get("aliases", ()))})
        for file, entry in yaml.safe_load(text).items()
    }


def full_reference(source: Source) -> str:
    """Author, title, year, publisher, address and the file name, in that order."""
    parts = [source.author, f'"{source.title}"', source.publisher]
    parts += [str(source.year) if source.year else "", source.url, f"file {source.file}"]
    return f"{source.short}: " + ", ".join(p for p in parts if p) + "."


def cite(text: str) -> str:
    """``text`` with every registered file name replaced by its short reference; a location that
    follows the name becomes ", location", and a parenthesis repeating the source is dropped."""
    out = text
    for file, source in registry().items():
        if file not in out:
            continue
        for alias in source.aliases:
            out = out.replace(f" {alias}", "")
        out = re.sub(
            rf"{re.escape(file)}(?= (?:Table|Appendix|section|row|p\.))", f"{source.short},", out
        )
        out = out.replace(file, source.short)
    return out


def sources_in(texts: Iterable[str]) -> list[Source]:
    """The registered sources named (by file name or short reference) in any of ``texts``."""
    joined = "\n".join(texts)
    return [s for f, s in registry().items() if f in joined or s.short in joined]


_ROW = re.compile(r"^(?P<where>.*?),? rows? (?P<n>\d+)$")


def _split(citation: str) -> tuple[str, str]:
    """(document, location) of one citation, the document by short reference or file name."""
    text = cite(citation.strip())
    for source in registry().values():
        if text.startswith(source.short):
            return source.short, text.removeprefix(source.short).strip(" ,")
    document, _, rest = text.partition(" ")
    return document, rest.strip()


def _rows(locations: list[str]) -> list[str]:
    """ "Appendix A.1, row 3", "..., row 4" -> "Appendix A.1, rows 3-4" (other locations kept)."""
    rows: dict[str, list[int]] = {}
    out: list[str] = []
    for location in locations:
        match = _ROW.match(location)
        if match is None:
            out.append(location)
            continue
        if match["where"] not in rows:
            out.append(match["where"])
        rows.setdefault(match["where"], []).append(int(match["n"]))
    return [_row_span(x, rows[x]) if x in rows else x for x in out]


def _row_span(where: str, numbers: list[int]) -> str:
    numbers = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    spans = ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"{where}, row{'s' if len(numbers) > 1 else ''} {spans}"


def group_citations(citations: Iterable[str]) -> list[str]:
    """One line per cited document with its locations, rows merged into ranges.

    >>> group_citations(["001_017d06697d5ead08.txt Appendix A.1, row 1",
    ...                  "001_017d06697d5ead08.txt Appendix A.1, row 2", "x.csv (AIP)"])
    ['NIST AMS 600-17 (2025): Appendix A.1, rows 1-2', 'x.csv: AIP']
    """
    grouped: dict[str, list[str]] = {}
    for citation in citations:
        document, location = _split(citation)
        places = grouped.setdefault(document, [])
        if location.startswith("(") and location.endswith(")"):
            location = location[1:-1]
        if location and location not in places:
            places.append(location)
    return [
        f"{document}: {'; '.join(_rows(places))}" if places else document
        for document, places in grouped.items()
    ]
