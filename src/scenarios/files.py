"""Input files are bounded before they are read: a regular file (never a device or a named pipe,
which could be endless or block forever) under a size limit, decoded as UTF-8 with a clean error.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from scenarios.errors import ConfigError, ScenariosError

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
        raise ConfigError("not a positive number of megabytes", path=f"environment variable {LIMIT_VARIABLE}",
                          value=text, hint=f"e.g. {LIMIT_VARIABLE}=50, or unset it for {DEFAULT_LIMIT_MB:g} MB")
    return int(megabytes * 1e6)


def check_input_file(path: Path, what: str = "input file",
                     error: type[ScenariosError] = ConfigError) -> int:
    """Refuse anything but a regular file under the size limit (``os.stat``: nothing is opened).

    Returns the file's size in bytes.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, ValueError):  # ValueError: a NUL byte in the path
        raise error(f"{what} not found", file=str(path)) from None
    except OSError as exc:
        raise error(f"cannot read {what} ({exc.strerror})", file=str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
        raise error(f"the {what} is {kind}", file=str(path), hint=f"give the path of a {what} on disk")
    limit = input_limit()
    if info.st_size > limit:
        raise error(f"the {what} is {info.st_size / 1e6:,.1f} MB, over the {limit / 1e6:g} MB limit for inputs",
                    file=str(path), hint=f"check that this is the right file; to allow larger inputs set "
                    f"{LIMIT_VARIABLE} (e.g. {LIMIT_VARIABLE}=50)")
    return info.st_size


def read_text(path: Path, what: str = "input file", error: type[ScenariosError] = ConfigError) -> str:
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
        raise error(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", file=str(path),
                    hint=f"a {what} is a text file: save it as UTF-8") from None
