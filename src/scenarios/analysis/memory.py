"""How much memory an in-memory ensemble takes, how much it may take on this machine, and the
cores a process may work on."""

from __future__ import annotations

import os

import psutil

PROCESS_BYTES = 200e6
"""The interpreter with numpy, pandas, xarray and the package loaded (measured: 0.18-0.19 GB)."""

PEAK_PER_ARRAY_BYTE = {False: 0.9, True: 1.5}
"""Peak memory per byte of one run's result arrays (over the model's years), without and with a
reference run on the same draws. Measured peaks of ``scenarios run`` with plots
(benchmarks/memory.py, 10^5 and 3 x 10^5 samples): baseline 0.85 and 0.79, nnmi_full45 with its
reference 1.45 and 1.43; the estimate is 3-12 % above the measured peak."""

BUDGET_SHARE = 0.75
"""Share of the memory available when a run starts that an in-memory ensemble may take."""


def result_bytes(n_samples: int, n_years: int, n_countries: int, n_programs: int) -> int:
    """Bytes of one run's float64 result arrays over the model's ``n_years`` (base year to
    horizon; the history is stored once, not per sample): 6 per country-year and 8 per
    program-year."""
    return 8 * n_samples * n_years * (6 * n_countries + 8 * n_programs)


def ensemble_bytes(
    n_samples: int, n_years: int, n_countries: int, n_programs: int, *, with_reference: bool
) -> int:
    """Estimated peak memory of an in-memory run of ``n_samples``, its metrics and its files."""
    arrays = result_bytes(n_samples, n_years, n_countries, n_programs)
    return int(PROCESS_BYTES + PEAK_PER_ARRAY_BYTE[with_reference] * arrays)


def memory_budget() -> int:
    """Bytes an in-memory ensemble may take: :data:`BUDGET_SHARE` of the memory available now."""
    return int(BUDGET_SHARE * psutil.virtual_memory().available)


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
