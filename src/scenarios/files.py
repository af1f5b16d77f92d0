"""Files in and out. Input files are bounded before they are read: a regular file (never a device
or a named pipe, which could be endless or block forever) under a size limit, decoded as UTF-8
with a clean error. Output failures of the file system (read-only, full, missing folder) are
:class:`OutputError` naming the path and the fix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from scenarios.errors import ConfigError, OutputError, ScenariosError

LIMIT_VARIABLE = "SCENARIOS_MAX_INPUT_MB"
DEFAULT_LIMIT_MB = 5.0


def input_limit() -> int:
    """Largest input file in bytes: ``$SCENARIOS_MAX_INPUT_MB`` megabytes (default 5)."""
    text = os.environ.get(LIMIT_VARIABLE, "")
    try:
        megabytes = float(text) if text.strip() else DEFAULT_LIMIT_MB
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes < float("inf"):
        raise ConfigError(
            "not a positive number of megabytes",
            path=f"environment variable {LIMIT_VARIABLE}",
            value=text,
            hint=f"e.g. {LIMIT_VARIABLE}=50, or unset it for {DEFAULT_LIMIT_MB:g} MB",
        )
    return int(megabytes * 1e6)


def check_input_file(
    path: Path, what: str = "input file", error: type[ScenariosError] = ConfigError
) -> None:
    """Refuse anything but a regular file under the size limit (``os.stat``: nothing is opened)."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, ValueError):  # ValueError: a NUL byte in the path
        raise error(f"{what} not found", file=str(path)) from None
    except OSError as exc:
        raise error(f"cannot read {what} ({exc.strerror})", file=str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a folder"
            if stat.S_ISDIR(info.st_mode)
            else "not a regular file (a device, pipe or socket)"
        )
        raise error(
            f"the {what} is {kind}", file=str(path), hint=f"give the path of a {what} on disk"
        )
    limit = input_limit()
    if info.st_size > limit:
        raise error(
            f"the {what} is {info.st_size / 1e6:,.1f} MB, over the {limit / 1e6:g} MB limit for inputs",
            file=str(path),
            hint=f"check that this is the right file; to allow larger inputs set "
            f"{LIMIT_VARIABLE} (e.g. {LIMIT_VARIABLE}=50)",
        )


def read_text(
    path: Path, what: str = "input file", error: type[ScenariosError] = ConfigError
) -> str:
    """A bounded input file's text; non-UTF-8 bytes are a clean error that names the offset."""
    check_input_file(path, what, error)
    try:
        with open(path, "rb") as f:
            data = f.read(input_limit() + 1)  # the file may have grown since the check
    except OSError as exc:
        raise error(f"cannot read {what} ({exc.strerror})", file=str(path)) from None
    if len(data) > input_limit():
        raise error(f"the {what} grew past the input limit while being read", file=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file=str(path),
            hint=f"a {what} is a text file: save it as UTF-8",
        ) from None


def output_error(exc: OSError, target: Path) -> OutputError:
    """A file-system failure while writing ``target`` as a user error with the fix."""
    hints = {
        errno.ENOSPC: "free some disk space, or pass --out with a folder on another disk",
        errno.EROFS: "the file system is read-only: pass --out with a writable folder",
        errno.EACCES: "no permission to write there: pass --out with a folder you can write to",
        errno.ENOENT: "a folder on the way does not exist: create it, or pass --out with another folder",
        errno.ENOTDIR: "a part of the path is a file, not a folder: pass --out with another folder",
        errno.ENAMETOOLONG: "the path is too long: use a shorter --out folder or a shorter name",
    }
    hint = hints.get(
        errno.EACCES if exc.errno == errno.EPERM else (exc.errno or 0),
        "check that the folder exists, is writable and has free space, or pass --out with another folder",
    )
    reason = os.strerror(exc.errno) if exc.errno else str(exc)  # h5py's strerror is a paragraph
    return OutputError(f"cannot write here: {reason}", file=str(target), hint=hint)


FREE_SPACE_MARGIN = 16e6
"""Bytes kept free beyond a file's own size: HDF5's metadata and a run's other files (the
plots, report and exports of a run take 2-6 MB)."""


def check_free_space(folder: Path, needed: float, what: str) -> None:
    """Refuse to start writing ``what`` (``needed`` bytes) into ``folder`` when its disk has
    not that much free: a file that fills the disk is lost, and HDF5 cannot close it cleanly."""
    folder = next((p for p in (Path(folder), *Path(folder).parents) if p.exists()), Path("."))
    free = shutil.disk_usage(folder).free
    if needed + FREE_SPACE_MARGIN > free:
        raise OutputError(
            f"{what} needs about {_gigabytes(needed + FREE_SPACE_MARGIN)} of disk; "
            f"{_gigabytes(free)} is free there",
            file=str(folder),
            hint="free some disk space, pass --out with a folder on another disk, "
            "or use fewer --samples",
        )


def _gigabytes(size: float) -> str:
    return f"{size / 1e9:.2f} GB" if size >= 1e8 else f"{size / 1e6:.0f} MB"


@contextlib.contextmanager
def writing(target: Path) -> Iterator[None]:
    """File-system failures inside the block become an :class:`OutputError` naming ``target``."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise output_error(exc, Path(target)) from None


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file; a file-system failure is an :class:`OutputError`."""
    with writing(path):
        Path(path).write_text(text, encoding="utf-8")
