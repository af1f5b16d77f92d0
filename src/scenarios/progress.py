"""Progress of long computations: one rich bar on stderr, shown only on a terminal.

Computations report through :func:`steps` (or :func:`dask_steps` where dask computes) and
never print. Nothing is shown unless a command line opens :func:`display`: the Python API, tests
and pipes stay silent, ``--quiet`` silences it, and stdout (``--json``) is never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

Advance = Callable[..., None]
_bar: ContextVar[Progress | None] = ContextVar("scenarios_progress", default=None)


class _Rate(ProgressColumn):
    """Steps per second (or seconds per step when slower than one a second)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text("", style="progress.data.speed")
        shown = f"{speed:.1f}/s" if speed >= 1 else f"{1 / speed:.1f} s each"
        return Text(shown, style="progress.data.speed")


class _TimeLeft(TimeRemainingColumn):
    """``0:00:12 left``; nothing for a task of unknown length."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        return Text.assemble(super().render(task), " left")


@contextmanager
def display(*, quiet: bool = False, console: Console | None = None) -> Iterator[None]:
    """Show the progress of what runs inside the block, on ``console`` (default: stderr).

    Shown only when ``console`` is a terminal and not ``quiet``; the bar is removed when the
    block ends, also on Ctrl-C, so the terminal is left clean.
    """
    console = console or Console(stderr=True)
    if quiet or not console.is_terminal:
        yield
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        _TimeLeft(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        token = _bar.set(bar)
        try:
            yield
        finally:
            _bar.reset(token)


def _noop(steps: int = 1) -> None:
    """Advance nothing: progress is not being shown."""


@contextmanager
def steps(description: str, total: int | None) -> Iterator[Advance]:
    """A task of ``total`` steps on the bar; yields ``advance(steps=1)``.

    Examples
    --------
    >>> with steps("claims", total=3) as advance:  # doctest: +SKIP
    ...     for claim in claims:
    ...         advance()
    """
    bar = _bar.get()
    if bar is None:
        yield _noop
        return
    task = bar.add_task(description, total=total)

    def advance(steps: int = 1) -> None:
        bar.advance(task, steps)

    try:
        yield advance
    finally:
        bar.remove_task(task)


def track(items: Iterable[Any], description: str, total: int) -> Iterator[Any]:
    """Each of ``items``, advancing a task of ``total`` steps after each."""
    with steps(description, total) as advance:
        for item in items:
            yield item
            advance()


@contextmanager
def dask_steps(description: str, total: int, task_name: str) -> Iterator[None]:
    """Progress of a local dask computation: a scheduler callback advances the bar each time a
    task named ``task_name`` (a function given to ``dask.delayed``) finishes."""
    from dask.callbacks import Callback

    prefix = f"{task_name}-"  # dask.delayed names a task <function name>-<token>

    with steps(description, total) as advance:

        class _Finished(Callback):
            def _posttask(self, key, result, dsk, state, worker_id) -> None:
                name = key[0] if isinstance(key, tuple) else key
                if str(name).startswith(prefix):
                    advance()

        with _Finished():
            yield


def gather_with_progress(client: Any, futures: list[Any], description: str) -> list[Any]:
    """Results of dask.distributed ``futures`` in their order, advancing the bar as each one
    finishes (``distributed.as_completed``: the cluster tells, nothing polls)."""
    from distributed import as_completed

    with steps(description, len(futures)) as advance:
        for _ in as_completed(futures):
            advance()
    return client.gather(futures)
