"""The institute pipeline: budget -> launches -> active institutes and spending.

All arrays are (n_samples, n_years) over the projected years; the only Python loops are over years.
The kernels read and write year-major views (``a.T``, one row of samples per year); the arrays they
allocate are Fortran-ordered, so that each year's samples are contiguous, and each kernel can
write into a given ``out`` instead. Budgets are in constant 2015 USD million; so is ``cost``
(federal cost of one institute over its whole funding period).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAUNCH_EPS = 1e-9  # relative tolerance so that a budget of exactly k costs launches k institutes
_NEVER = np.iinfo(np.int64).max  # the exit year of institutes that have already survived theirs


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


def _empty(shape: tuple[int, int]) -> np.ndarray:
    """An uninitialised (n_samples, n_years) array, each year's samples contiguous."""
    return np.empty(shape, order="F")


def launch_institutes(
    budget: np.ndarray,
    cost: np.ndarray,
    room: np.ndarray,
    lag: np.ndarray,
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Commit budget to whole institutes each year and launch them ``lag`` years later.

    Budget that cannot fund a whole institute carries over; nothing is committed past ``room``
    (the cap minus institutes already established).
    """
    n, n_years = budget.shape
    launched = _empty(budget.shape) if out is None else out
    lag = lag.astype(int)
    if _uniform(lag):  # one lag: commit straight into the launch year
        s = min(int(lag[0]), n_years)
        launched[:, :s] = 0.0
        past_horizon = np.empty(n)
        commits = [launched[:, t + s] if t + s < n_years else past_horizon for t in range(n_years)]
        _commit(budget, cost, room, commits)
    else:
        committed = _empty(budget.shape)
        _commit(budget, cost, room, committed.T)
        launched[:] = 0.0
        _add_shifted(launched, committed, lag)  # launched[:, t + lag] += committed[:, t]
    return launched


def _commit(budget: np.ndarray, cost: np.ndarray, room: np.ndarray, commits) -> None:
    """Whole institutes committed in each year t, written into ``commits[t]`` (one value per sample)."""
    n = len(budget)
    available, committed, left, spent = np.zeros(n), np.zeros(n), np.empty(n), np.empty(n)
    capped = not (
        room == np.inf
    ).all()  # else min(k, inf - committed) is k (NaN only after k went NaN)
    for paid, k in zip(budget.T, commits, strict=True):
        available += paid
        np.divide(available, cost, out=k)
        k *= 1 + LAUNCH_EPS
        np.floor(k, out=k)
        if capped:
            np.subtract(room, committed, out=left)
            np.minimum(k, left, out=k)
        np.maximum(k, 0, out=k)  # what np.clip(k, 0, None) computes
        np.multiply(k, cost, out=spent)
        available -= spent
        if capped:
            committed += k


def _uniform(values: np.ndarray) -> bool:
    """Whether every sample has the same value (always so for one shared value)."""
    return len(values) == 1 or values.min() == values.max()


def _by_shift(shift: np.ndarray) -> list[tuple[int, slice | np.ndarray]]:
    """(s, rows) for each distinct shift; rows is ``slice(None)`` when every row has the same one."""
    if _uniform(shift):
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


def _cumsum(values: np.ndarray) -> np.ndarray:
    """``np.cumsum(values, axis=1)``, the same sums a year at a time (far faster for few years)."""
    total = _empty(values.shape)
    by_year, running = values.T, total.T
    if len(running):
        running[0] = by_year[0]
    for t in range(1, len(running)):
        np.add(running[t - 1], by_year[t], out=running[t])
    return total


def _exits_by_year(exits: np.ndarray, years: np.ndarray) -> np.ndarray:
    """(n, n_years) count of the exits in each row of ``exits`` at or before each year; (1, n_years)
    when every row has the same exits."""
    if exits.shape[1] == 0:
        return np.zeros((1, len(years)), dtype=np.int64)
    if (exits == exits[0]).all():  # one funding length for every sample: count one row
        return (exits[:1, None, :] <= years[None, :, None]).sum(axis=2)
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
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Expected active institutes: each survives federal exit (after ``funding_years``) with
    probability ``survival``.

    ``existing_exits`` (n, n_existing_pending) are the exit years of historical institutes still
    inside their federal funding period at the base year; the others have already survived.
    ``launched``, ``funding_years`` and ``existing_exits`` may instead be one row each, shared by
    every sample.
    """
    cumulative = _cumsum(launched)
    exited = _shifted(cumulative, funding_years.astype(int))
    exited += _exits_by_year(existing_exits, years)
    cumulative += n_existing
    active = np.multiply(exited, 1 - survival[:, None], out=out)
    return np.subtract(
        cumulative, active, out=active
    )  # n_existing + cumulative - (1 - survival) exited


def new_institute_spend(
    launched: np.ndarray, cost: np.ndarray, weights: np.ndarray, *, out: np.ndarray | None = None
) -> np.ndarray:
    """Federal outlays of launched cohorts: sum_j launched[t - j] * cost * w_j."""
    n_years = launched.shape[1]
    spend = _empty(launched.shape) if out is None else out
    spend[:] = 0.0
    by_year, to = launched.T, spend.T
    per_institute = np.ascontiguousarray(weights.T) * cost  # [j] = cost * w_j
    cohort = np.empty_like(by_year)
    for j in range(min(len(per_institute), n_years)):
        np.multiply(by_year[: n_years - j], per_institute[j], out=cohort[: n_years - j])
        to[j:] += cohort[: n_years - j]
    return spend


def sustained_spend(
    funded: np.ndarray, funding_years: np.ndarray, survival: np.ndarray, sustainment: np.ndarray
) -> np.ndarray:
    """Non-federal operating spend of the funded institutes that survive their federal exit:
    ``sustainment`` a year for each expected survivor, from the year its federal funding ends."""
    exited = _shifted(_cumsum(funded), funding_years.astype(int))
    exited *= (survival * sustainment)[:, None]
    return exited


def funds_nothing(cost: np.ndarray, room: np.ndarray) -> bool:
    """Whether a zero budget launches nothing and spends exactly 0.0 (no NaN from 0 / 0 or 0 x inf)."""
    return bool((np.isfinite(cost) & (cost != 0) & ~np.isnan(room)).all())


def run_pipeline(
    *,
    budget: np.ndarray | None,
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
    sustainment: np.ndarray | None = None,
    out: PipelineResult | None = None,
) -> PipelineResult:
    """Project one program over ``years`` (the projected years, after ``base_year``).

    Per-sample arguments are (n,), or (1,) for one value shared by every sample. ``budget`` None
    means no new-institute budget. ``scheduled`` counts institutes known to launch
    in each projected year (observed after the base year); they take room under the cap but are
    funded from the existing base, not the new-institute budget. ``sustainment`` is the non-federal
    operating budget a year of each funded institute that survives its federal exit (constant 2015
    USD million; it adds to total spend, not federal). ``out`` receives the results
    (``out.spend_federal`` may be ``base_funding`` itself).
    """
    n, n_years = base_funding.shape
    sustained = None
    out = out or PipelineResult(*(_empty((n, n_years)) for _ in range(4)))
    scheduled = np.zeros(n_years) if scheduled is None else scheduled
    room = cap - n_existing - scheduled.sum()
    exits = founding_years[None, :] + funding_years[:, None]
    pending = np.where(exits > base_year, exits, _NEVER)
    if budget is None and funds_nothing(
        cost, room
    ):  # launched = scheduled, the same for every sample
        out.launched[:] = scheduled
        launched = scheduled[None, :]
        if _uniform(funding_years):
            funding_years, pending = funding_years[:1], pending[:1]
        else:
            launched = np.broadcast_to(launched, (n, n_years))
        np.add(base_funding, 0.0, out=out.spend_federal)  # base + a new-institute spend of 0.0
    else:  # out.spend_total and out.active hold the funded launches and their spend until their turn
        budget = np.zeros((n, n_years)) if budget is None else budget
        funded = launch_institutes(budget, cost, room, lag, out=out.spend_total)
        launched = np.add(funded, scheduled, out=out.launched)
        spend = new_institute_spend(
            funded, cost, funding_profile(profile, funding_years), out=out.active
        )
        np.add(base_funding, spend, out=out.spend_federal)
        if sustainment is not None and sustainment.any():
            sustained = sustained_spend(funded, funding_years, survival, sustainment)
    active_institutes(launched, funding_years, survival, pending, n_existing, years, out=out.active)
    np.multiply(out.spend_federal, 1 + match_ratio[:, None], out=out.spend_total)
    if sustained is not None:
        np.add(out.spend_total, sustained, out=out.spend_total)
    return out
