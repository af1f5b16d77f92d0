"""Progress: shown on a terminal only, silenced by quiet, advanced by loops and by dask."""

from __future__ import annotations

import io

import dask
from rich.console import Console

from scenarios import progress


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=120), out


def test_not_a_terminal_shows_nothing_and_costs_nothing():
    out = io.StringIO()
    with progress.display(console=Console(file=out)):
        with progress.steps("claims", total=3) as advance:
            assert advance is progress._noop
            advance()
    assert out.getvalue() == ""


def test_terminal_shows_description_count_and_time_left():
    console, out = terminal()
    with progress.display(console=console):
        with progress.steps("itif_full45: claims", total=4) as advance:
            advance(3)
            bar = progress._bar.get()
            assert bar is not None
            [task] = bar.tasks
            assert (task.completed, task.total) == (3, 4)
            bar.refresh()
    shown = out.getvalue()
    assert "itif_full45: claims" in shown
    assert "3/4" in shown
    assert "left" in shown


def test_quiet_silences_a_terminal():
    console, out = terminal()
    with progress.display(quiet=True, console=console):
        with progress.steps("claims", total=2) as advance:
            assert advance is progress._noop
    assert out.getvalue() == ""


def test_no_display_outside_the_block_and_tasks_removed():
    console, _ = terminal()
    with progress.display(console=console):
        bar = progress._bar.get()
        assert list(progress.track(range(3), "rows", 3)) == [0, 1, 2]
        assert bar is not None and bar.tasks == []
    assert progress._bar.get() is None


def _chunk(i: int) -> int:
    return i * i


def test_dask_callback_counts_only_the_named_tasks():
    """Three chunk tasks and a shared input: the bar counts the three chunks."""
    console, _ = terminal()
    seen = []
    with progress.display(console=console):
        shared = dask.delayed(10, pure=True)
        tasks = [dask.delayed(_chunk, pure=True)(i) for i in range(3)]
        total = dask.delayed(sum)([*tasks, shared])
        with progress.dask_steps("3 chunks", 3, "_chunk"):
            assert dask.compute(total, scheduler="threads") == (0 + 1 + 4 + 10,)
            bar = progress._bar.get()
            assert bar is not None
            seen = [(t.completed, t.total) for t in bar.tasks]
    assert seen == [(3, 3)]


def test_interrupt_leaves_no_bar_behind():
    console, _ = terminal()
    try:
        with progress.display(console=console):
            with progress.steps("claims", total=2):
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert progress._bar.get() is None
    assert not console.is_alt_screen
