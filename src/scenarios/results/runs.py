"""Runs on disk: ``runs/<name>/`` written to a temporary folder and moved into place when
complete, and the results read back from it."""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import re
import secrets
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import xarray as xr

from scenarios import netcdf
from scenarios.errors import OutputError, ScenariosError, shorten
from scenarios.files import output_error
from scenarios.signals import raise_if_interrupted

MARKER = ".scenarios-run"  # in every folder the tool writes under runs/: only those are replaced
_LEFTOVER = re.compile(r"\..+\.(?:tmp|old)-(\d+)-[A-Za-z0-9_]+")  # .<name>.tmp-<pid>-<random>


def write_run(run_dir: Path, writers: dict[str, Callable[[Path], None]], kind: str = "run") -> Path:
    """Write a run atomically: every file into a temporary sibling folder, then swap it in.

    Only a folder carrying the :data:`MARKER` file (one this tool wrote) is ever replaced;
    anything else at ``run_dir`` is refused. An interrupted run leaves any earlier run of the
    same name intact and no folder that looks finished; temporary folders of processes that
    died (``kill -9``) are removed by the next run in the same parent folder. File-system
    failures (read-only, full, missing folder) are :class:`OutputError` naming the folder.
    """
    run_dir = Path(run_dir)
    check_folder_name(run_dir.name)
    prefix = f".{run_dir.name}.tmp-{os.getpid()}-"  # this process's temporary folders only
    try:
        run_dir.parent.mkdir(parents=True, exist_ok=True)
        _check_replaceable(run_dir)
        remove_leftovers(run_dir.parent)
        try:
            tmp = run_dir.parent / f"{prefix}{secrets.token_hex(4)}"
            tmp.mkdir()  # mode 0o777 less the umask (tempfile.mkdtemp would force 0o700)
            write_json(
                {"written_by": "scenarios", "kind": kind, "name": run_dir.name}, tmp / MARKER
            )
            for name, write in writers.items():
                write(tmp / name)
            raise_if_interrupted()  # a signal whose exception a finaliser dropped
            _swap_into_place(tmp, run_dir)
        except BaseException:
            for leftover in run_dir.parent.glob(f"{glob.escape(prefix)}*"):
                shutil.rmtree(leftover, ignore_errors=True)
            raise
    except OutputError:
        raise
    except OSError as exc:
        raise output_error(exc, run_dir) from None
    return run_dir


def check_folder_name(name: str) -> None:
    """A run folder's name is one visible path component the file system takes."""
    if (
        not name
        or name.startswith(".")
        or any(c in name for c in "/\\\0")
        or len(name.encode()) > 255
    ):
        raise OutputError(
            "not a usable run folder name",
            value=name,
            hint="one folder name of at most 255 bytes, without '/', not starting with '.'",
        )


def _check_replaceable(run_dir: Path) -> None:
    """Refuse to replace anything at ``run_dir`` that is not a run folder this tool wrote.

    Other writers of the same name may swap their runs in meanwhile: what is refused is
    the same file (inode) before and after the marker is looked for.
    """
    for _ in range(100):
        try:
            before = os.lstat(run_dir)
            if stat.S_ISDIR(before.st_mode) and (run_dir / MARKER).is_file():
                return
            after = os.lstat(run_dir)
        except FileNotFoundError:  # nothing there (any more)
            return
        if (after.st_ino, after.st_dev) == (before.st_ino, before.st_dev):
            what = "a folder" if stat.S_ISDIR(after.st_mode) else "a file"
            raise OutputError(
                f"{what} that is not a scenarios run is in the way (no {MARKER} marker); "
                "it is left untouched",
                file=str(run_dir),
                hint="pass --out with another folder, or rename or move it (a run written by "
                "an older version carries no marker: delete it to write the run again)",
            )


def remove_leftovers(parent: Path) -> None:
    """Remove the ``.<name>.tmp-<pid>-*`` and ``.old-`` folders of processes no longer alive."""
    for path in parent.glob(".*.*-*-*"):
        match = _LEFTOVER.fullmatch(path.name)
        if match and path.is_dir() and not path.is_symlink() and not _alive(int(match[1])):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether a process with this pid runs (on doubt: yes, and its folder is kept)."""
    if os.name != "posix" or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except (ProcessLookupError, OverflowError):  # OverflowError: no process has such a pid
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    return True


def _swap_into_place(tmp: Path, run_dir: Path) -> None:
    """Move ``tmp`` to ``run_dir``, replacing an earlier run of the same name.

    Ctrl-C and SIGTERM wait until the swap is done, so the earlier run is never left moved
    aside; when another process of the same name swaps its run in between, this one retries
    (the run that finishes last is kept, whole).
    """
    with _signals_held():
        for _ in range(100):
            old = None
            if os.path.lexists(run_dir):
                _check_replaceable(run_dir)  # again: something else may have appeared meanwhile
                old = run_dir.parent / f".{run_dir.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
                try:
                    os.replace(run_dir, old)
                except FileNotFoundError:  # another writer moved it aside first
                    old = None
            try:
                os.replace(tmp, run_dir)
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                continue  # another writer's run landed in between: move it aside in turn
            finally:
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
            return
        raise OSError(
            errno.EBUSY,
            f"could not move the finished run into {run_dir}: other runs keep replacing it",
        )


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (POSIX main thread) until the block ends; they arrive after it."""
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_netcdf(results: xr.Dataset, path: Path) -> None:
    """``results`` as CF-1.10 NetCDF4 (see :mod:`scenarios.netcdf`)."""
    netcdf.write(results, path, what=str(results.attrs.get("scenario") or path.stem))


def read_results(run_dir: str | Path) -> xr.Dataset:
    """Load ``runs/<name>/results.nc`` fully into memory."""
    run_dir = Path(run_dir)
    if _LEFTOVER.fullmatch(run_dir.name):
        raise ScenariosError(
            "an unfinished run, left by a process that was stopped",
            file=str(run_dir),
            hint="compare the finished run folder; this one is removed by the next run here",
        )
    path = run_dir / "results.nc"
    if not path.is_file():
        raise ScenariosError(
            "no results.nc here: not a finished run",
            file=str(path),
            hint="run 'scenarios run CONFIG' first, or pass the run's folder",
        )
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return netcdf.decode(ds.load())
    except (OSError, ValueError, KeyError) as exc:
        raise ScenariosError(
            f"cannot read results.nc: truncated or not NetCDF ({shorten(str(exc))})",
            file=str(path),
            hint="run the scenario again to write it anew",
        ) from None


def write_json(data: dict, path: Path) -> None:
    # keys keep their order: the order of countries, programs and uncertainties is part of a
    # config (it fixes the random draws), so a manifest must give it back for run --from
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
