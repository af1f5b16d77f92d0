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
        out = re.sub(rf"{re.escape(file)}(?= (?:Table|Appendix|section|row|p\.))", f"{source.short},", out)
        out = out.replace(file, source.short)
    return out


def sources_in(texts: Iterable[str]) -> list[Source]:
    """The registered sources named (by file name or short reference) in any of ``texts``."""
    joined = "\n".join(texts)
    return [s for f, s in registry().items() if f in joined or s.short in joined]
