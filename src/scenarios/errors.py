"""One error hierarchy: every user-facing failure names the file, key path, bad value and a fix."""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field, replace

MAX_PROBLEMS = 20  # shown in a message; the rest are counted
MAX_VALUE = 80  # characters of a shown value (one line)
MAX_TEXT = 200  # characters of a message or key path (an unknown key can be any length)


def shorten(text: str, limit: int = MAX_VALUE) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    line = " ".join(text.split()) if "\n" in text or "\r" in text else text
    return line if len(line) <= limit else line[: limit - 3] + "..."


@dataclass
class Problem:
    """One thing wrong with an input: where it is, what it is, and how to fix it."""

    message: str
    file: str | None = None
    path: str | None = None
    value: object = field(default=None)
    hint: str | None = None

    def format(self) -> str:
        where = ": ".join(shorten(p, MAX_TEXT) for p in (self.file, self.path) if p)
        message = shorten(self.message, MAX_TEXT)
        parts = [f"{where}: {message}" if where else message]
        if self.value is not None:
            parts.append(f"  got: {_short_repr(self.value)}")
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)


class ScenariosError(Exception):
    """Base class of every error the package raises on purpose (user errors: CLI exit code 2)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        path: str | None = None,
        value: object = None,
        hint: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.problems = problems or [Problem(message, file, path, value, hint)]
        shown = [p.format() for p in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(self.problems) - MAX_PROBLEMS} more problems")
        super().__init__("\n".join(shown))


_REPR = reprlib.Repr()  # keyword arguments need Python 3.12
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple = 3, 6, 6, 6
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = MAX_VALUE


def _short_repr(value: object) -> str:
    """``repr(value)`` on one line, never building the whole repr of a huge nested value."""
    return shorten(_REPR.repr(value))


class ConfigError(ScenariosError, ValueError):
    """A scenario config, claim file or command-line override is invalid."""


class DataError(ScenariosError, ValueError):
    """A data file is missing, malformed or inconsistent."""


class ModelError(ScenariosError):
    """The model produced values that make no sense (negative or overflowing MVA)."""


class OutputError(ScenariosError, OSError):
    """An output folder or file cannot be written: it is not the tool's, or the file system
    refuses (read-only, full, missing folder)."""


def in_file(exc: ScenariosError, file: str) -> ScenariosError:
    """The same error, naming the config file where a problem names none."""
    if file == "<Spec>" or all(p.file for p in exc.problems):
        return exc
    return type(exc)(str(exc), problems=[replace(p, file=p.file or file) for p in exc.problems])
