"""The institute pipeline: budget -> launches -> active institutes and spending.

All arrays are (n_samples, n_years) over the projected years; the only Python loop is over years.
Budgets are in constant 2015 USD million; so is ``cost`` (federal cost of one institute over its
whole funding period).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = 1e-9  # relative tolerance so that a budget of exactly k costs launches k institutes


def funding_profile(kind: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Share of an institute's federal cost paid in each year after launch, shape (n, max(years)).

    ``front_loaded`` tapers linearly to zero (F, F-1, ..., 1)/sum: the exit mechanism of seed 004;
    ``flat`` pays 1/F a year. Each row sums to 1.
    """
    years = years.astype(int)
    width = int(years.max())
    j = np.arange(width)[None, :]
    inside = j < years[:, None]
    taper = np.where(kind[:, None] == "flat", 1.0, (years[:, None] - j).astype(float))
    weights = np.where(inside, taper, 0.0)
    return weights / weights.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class PipelineResult:
    """Per-year outputs of one program, each (n_samples, n_years)."""

    launched: np.ndarray
    active: np.ndarray
    spend_federal: np.ndarray
    spend_total: np.ndarray


def launch_institutes(budget: np.ndarray, cost: np.ndarray, room: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Commit budget to whole institutes each year and launch them ``lag`` years later.

    Budget that cannot fund a whole institute carries over; nothing is committed past ``room``
    (the cap minus institutes already established).
    """
    n, n_years = budget.shape
    commits = np.empty((n, n_years))
    available = np.zeros(n)
    committed = np.zeros(n)
    for t in range(n_years):
        available += budget[:, t]
        k = np.floor(available / cost * (1 + _EPS))
        k = np.clip(np.minimum(k, room - committed), 0, None)
        available -= k * cost
        committed += k
        commits[:, t] = k
    launched = np.zeros((n, n_years))
    _add_shifted(launched, commits, lag.astype(int))  # launched[:, t + lag] += commits[:, t]
    return launched


def _by_shift(shift: np.ndarray) -> list[tuple[int, slice | np.ndarray]]:
    """(s, rows) for each distinct shift; rows is ``slice(None)`` when every row has the same one."""
    if shift.min() == shift.max():
        return [(int(shift[0]), slice(None))]
    return [(int(s), shift == s) for s in np.unique(shift)]


def _add_shifted(out: np.ndarray, values: np.ndarray, shift: np.ndarray) -> None:
    """out[:, t + shift] += values[:, t] per row, dropping what falls past the last year."""
    n_years = values.shape[1]
    for s, rows in _by_shift(shift):
        if s < n_years:
            out[rows, s:] += values[rows, : n_years - s]


def _shifted(values: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """values[:, t - shift] per row (zero where t - shift < 0); ``shift`` is (n,) ints >= 0."""
    n_years = values.shape[1]
    out = np.zeros_like(values)
    for s, rows in _by_shift(shift):
        if s < n_years:
            out[rows, s:] = values[rows, : n_years - s]
    return out


def _exits_by_year(exits: np.ndarray, years: np.ndarray) -> np.ndarray:
    """(n, n_years) count of the exits in each row of ``exits`` at or before each year."""
    if exits.shape[1] == 0:
        return np.zeros((len(exits), len(years)), dtype=np.int64)
    if np.all(exits == exits[0]):  # one funding length for every sample: count one row
        return np.broadcast_to((exits[0][None, :] <= years[:, None]).sum(axis=1), (len(exits), len(years)))
    counts = np.zeros((len(exits), len(years)), dtype=np.int64)
    for column in exits.T:
        counts += column[:, None] <= years[None, :]
    return counts


def active_institutes(
    launched: np.ndarray,
    funding_years: np.ndarray,
    survival: np.ndarray,
    existing_exits: np.ndarray,
    n_existing: int,
    years: np.ndarray,
) -> np.ndarray:
    """Expected active institutes: each survives federal exit (after ``funding_years``) with
    probability ``survival``.

    ``existing_exits`` (n, n_existing_pending) are the exit years of historical institutes still
    inside their federal funding period at the base year; the others have already survived.
    """
    cumulative = np.cumsum(launched, axis=1)
    exited_new = _shifted(cumulative, funding_years.astype(int))
    exited = exited_new + _exits_by_year(existing_exits, years)
    return n_existing + cumulative - (1 - survival[:, None]) * exited


def new_institute_spend(launched: np.ndarray, cost: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Federal outlays of launched cohorts: sum_j launched[t - j] * cost * w_j."""
    n_years = launched.shape[1]
    spend = np.zeros_like(launched)
    for j in range(min(weights.shape[1], n_years)):
        spend[:, j:] += launched[:, : n_years - j] * (cost * weights[:, j])[:, None]
    return spend


def run_pipeline(
    *,
    budget: np.ndarray,
    base_funding: np.ndarray,
    cost: np.ndarray,
    funding_years: np.ndarray,
    profile: np.ndarray,
    match_ratio: np.ndarray,
    lag: np.ndarray,
    cap: np.ndarray,
    survival: np.ndarray,
    founding_years: np.ndarray,
    n_existing: int,
    base_year: int,
    years: np.ndarray,
    scheduled: np.ndarray | None = None,
) -> PipelineResult:
    """Project one program over ``years`` (the projected years, after ``base_year``).

    ``scheduled`` counts institutes known to launch in each projected year (observed after the
    base year); they take room under the cap but are funded from the existing base, not the
    new-institute budget.
    """
    scheduled = np.zeros(len(years)) if scheduled is None else scheduled
    funded = launch_institutes(budget, cost, cap - n_existing - scheduled.sum(), lag)
    launched = funded + scheduled[None, :]
    exits = founding_years[None, :] + funding_years[:, None]
    pending = np.where(exits > base_year, exits, np.iinfo(np.int64).max)
    active = active_institutes(launched, funding_years, survival, pending, n_existing, years)
    weights = funding_profile(profile, funding_years)
    federal = base_funding + new_institute_spend(funded, cost, weights)
    return PipelineResult(launched, active, federal, federal * (1 + match_ratio[:, None]))
