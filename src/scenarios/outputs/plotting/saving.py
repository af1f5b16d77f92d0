"""Figures drawn and saved as PNG files, a share of them in a second process when a core is free.

Drawing text and rasterising dominate a report's figures (Agg is single-threaded), so a folder
of a dozen figures takes seconds on one core. :func:`save_figures` gives every other figure to a
forked worker process, which starts with matplotlib and the data already in memory;
:func:`spare_processes` says whether a second core is free for it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from matplotlib.axes import Axes

from scenarios.analysis.memory import usable_cores

T = TypeVar("T")

Draw = Callable[[], Axes]
"""Draws one figure and returns its Axes (picklable: a module-level function or a partial)."""


def spare_processes() -> int:
    """Processes worth drawing in: 2 when this process may run on two cores or more and the
    load of the last minute leaves one of them free, else 1 (on a busy machine a second
    process only competes for the same core)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = usable_cores()
    return 2 if cores > 1 and cores - os.getloadavg()[0] >= 1 else 1


def _save(jobs: Sequence[tuple[Draw, Path]]) -> None:
    import matplotlib.pyplot as plt

    for draw, path in jobs:
        figure = draw().figure
        figure.savefig(path)
        plt.close(figure)


def save_figures(
    jobs: Sequence[tuple[Draw, Path]],
    processes: int,
    meanwhile: Callable[[], T],
) -> T:
    """Draw each figure and save it to its path; returns what ``meanwhile()`` returned.

    Parameters
    ----------
    jobs : sequence of (draw, path)
        ``draw()`` makes the figure (see :data:`Draw`); it is saved to ``path`` and closed.
    processes : int
        With 2, every other figure is drawn in a forked worker process while this one draws the
        rest; the files are the same either way.
    meanwhile : callable
        Work of this process that needs none of the figures (run after its share of them,
        while the worker finishes); ``lambda: None`` for none.
    """
    if processes < 2 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        _save(jobs)
        return meanwhile()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(1, mp_context=context)
    try:
        theirs = pool.submit(_save, jobs[1::2])
        _save(jobs[::2])
        result = meanwhile()
        theirs.result()
        return result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
