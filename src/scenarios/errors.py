"""One error hierarchy: every user-facing failure names the file, key path, bad value and a fix."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One thing wrong with an input: where it is, what it is, and how to fix it."""

    message: str
    file: str | None = None
    path: str | None = None
    value: object = field(default=None)
    hint: str | None = None

    def format(self) -> str:
        where = ": ".join(p for p in (self.file, self.path) if p)
        parts = [f"{where}: {self.message}" if where else self.message]
        if self.value is not None:
            parts.append(f"  got: {self.value!r}")
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
        super().__init__("\n".join(p.format() for p in self.problems))


class ConfigError(ScenariosError, ValueError):
    """A scenario config, claim file or command-line override is invalid."""


class DataError(ScenariosError, ValueError):
    """A data file is missing, malformed or inconsistent."""


class ModelError(ScenariosError):
    """The model produced values that make no sense (negative or overflowing MVA)."""
