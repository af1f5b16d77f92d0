"""The engine's arithmetic again, as a baseline: a tight numpy kernel.

:func:`tight_kernel` computes what :func:`scenarios.model.engine.run_model` computes (MVA with
and without programs, innovation capital, institutes launched and active, federal and total
spend: 24 arrays for the shipped configs) for configs with ``constant``/``convergence`` growth,
no shocks, and the impact components in :data:`IMPACT_COMPONENTS` (``rate_of_return``,
``diffusion``, ``none``), with the programs' money and institute budgets, stated plans (``plan``:
a target count by a year, then a pace) and survivors' non-federal ``sustainment`` added to total
spend from their federal exit. ``benchmarks/run.py`` checks it against the engine bit for bit
before timing it; a config whose impact component the kernel lacks (:class:`UncoveredImpact`) is
left out of that check with the component's name printed (no shipped config is, at present).
The per-sample Python loop, the same arithmetic on Python floats, is in ``per_sample_loop.py``.

The kernel is the model as a competent numpy programmer writes it: outputs year-major, (T+1, n)
so that each year's samples are contiguous, all allocated once; one pass over the years per
program and per country, each step an in-place ufunc (``out=``) on a row of samples; a few work
rows allocated once per call and reused by every block of samples; budgets computed a year at a
time from their paths (never stored per sample), a plan's institutes at their cost added year by
year; no per-year scatter or gather by index arrays and no (n x T x m) temporaries. It repeats
the engine's floating-point operations in the engine's order, so that every output equals the
engine's bit for bit. It takes :func:`tight_inputs` (per-sample parameters, budget paths, the
institutes' history) and leaves out, with :class:`NotCovered`, growth shocks and sampled integer
parameters (funding years, profile, launch lag, impact lag): per-sample shifts of whole years
would need exactly the scatter or gather it avoids. No shipped config samples those or turns
shocks on.
"""

from __future__ import annotations

import numpy as np

from scenarios.model.budgets import budget_path
from scenarios.model.growth import initial_rate
from scenarios.model.inputs import WORLD
from scenarios.model.parameters import Parameters
from scenarios.model.pipeline import LAUNCH_EPS, funding_profile, funds_nothing
from scenarios.model.programs import plan_path


class NotCovered(ValueError):
    """A config uses a branch the tight kernel does not implement."""


class UncoveredImpact(NotCovered):
    """A config's impact component is not among :data:`IMPACT_COMPONENTS` (the bit check skips
    such a config, printing the component)."""


def growth_rates(country: str, kind: str, view, history) -> dict:
    """A country's starting rate ``g0`` (per sample) and its convergence ``g_lr`` and ``tau``."""
    if kind == "constant":
        return dict(g0=initial_rate(view, history, "g"), g_lr=None, tau=None)
    if kind == "convergence":
        g0 = initial_rate(view, history, "g0")
        return dict(g0=g0, g_lr=view.get("g_lr"), tau=view.get("tau"))
    raise NotCovered(f"{country}: growth kind {kind}")


def _compact_budget(spec, key, field, params, inputs, years) -> dict | None:
    """A program budget as the engine states it before any per-sample arithmetic: its money path
    (constant 2015 USD, one value a year) or its segments, and the per-sample cost and scale."""
    cost = params.get(f"programs.{key}.cost_per_institute", 1.0, shared=True)
    budget = budget_path(spec, key, field, cost, params, inputs, years)
    if budget is None:
        return None
    segments = [
        (path if per_institute else path * own_scale, per_institute, own_scale)
        for path, per_institute, own_scale in budget.segments
    ]
    return dict(path=budget.path, segments=segments, cost=budget.cost, scale=budget.scale)


IMPACT_COMPONENTS = ("rate_of_return", "diffusion", "none")  # the impact components the kernel has


def _compact_plan(p, history, base_year: int, years: np.ndarray) -> dict | None:
    """A program's stated plan as the engine states it: the institutes still to launch per sample
    (the engine's max(target - known, 0)), the pace after, and the years' shares of each."""
    plan = plan_path(p, history, base_year, years)
    if plan is None:
        return None
    return dict(
        remaining=np.maximum(plan.target - plan.known, 0.0),
        pace_after=plan.pace_after,
        during=plan.during,
        after=plan.after,
    )


def diffusion_inputs(spec, impact, programs: dict, shared: bool = True) -> dict | None:
    """The diffusion component's parameters, and each program country's base-year adoption
    ((1,) when not sampled if ``shared``, else (n,))."""
    if spec.impact.kind != "diffusion":
        return None
    names = ("external", "per_institute", "imitation", "productivity")
    found = {name: impact.get(f"diffusion.{name}", shared=shared) for name in names}
    countries = {p["country"] for p in programs.values()}
    found["adoption"] = {c: impact.get(f"diffusion.adoption.{c}", shared=shared) for c in countries}
    return found


def tight_inputs(spec, inputs, samples) -> dict:
    """The tight kernel's inputs: per-sample parameters ((n,), or (1,) when not sampled), budget
    paths over the years (not per sample) and the institutes' history. Raises :class:`NotCovered`
    for the branches the kernel leaves out: growth shocks, growth other than constant or
    convergence, impact other than rate_of_return or none, and sampled integer parameters
    (funding years, profile, launch lag, impact lag), whose per-sample shifts would need a
    scatter or gather by index every year."""
    params = Parameters(spec.model_dump(), samples)
    years = np.concatenate([[inputs.base_year], inputs.projected_years])
    countries = {}
    for c in inputs.countries:
        if (params.get(f"countries.{c}.shocks.sigma", shared=True) > 0).any():
            raise NotCovered(f"{c}: growth shocks")
        kind = spec.countries[c].growth.kind
        view = params.view(f"countries.{c}.growth")
        history = inputs.growth_histories[c]
        g = growth_rates(c, kind, view, history)
        countries[c] = dict(level=inputs.base_mva[c], kind=kind, **g)
    if spec.impact.kind not in IMPACT_COMPONENTS:
        raise UncoveredImpact(
            f"the tight kernel has no impact component {spec.impact.kind!r} "
            f"(it has {', '.join(IMPACT_COMPONENTS)})"
        )
    fixed = [
        f"programs.{key}.{name}"
        for key in spec.programs
        for name in ("funding_years", "profile", "launch_lag")
    ] + ["impact.lag"]
    sampled = [path for path in fixed if path in params.columns]
    if sampled:
        raise NotCovered(f"sampled integer parameters: {', '.join(sampled)}")
    programs = {}
    for key, program in spec.programs.items():
        p = params.view(f"programs.{key}")
        history = inputs.programs[key]
        fy = int(np.rint(p.get("funding_years", shared=True))[0])
        exits = history.founding_years + fy
        pending = exits[exits > inputs.base_year]
        cost = p.get("cost_per_institute", 1.0, shared=True)
        scheduled = np.array([(history.scheduled == y).sum() for y in years[1:]], dtype=float)
        room = p.get("cap", np.inf, shared=True) - history.n_existing - scheduled.sum()
        budget = _compact_budget(spec, key, "new_institute_budget", params, inputs, years)
        plan = _compact_plan(p, history, inputs.base_year, years)
        sustainment = p.get("sustainment", 0.0, shared=True)
        survival = p.get("survival", shared=True)
        programs[key] = dict(
            country=program.country,
            cost=cost,
            room=room,
            capped=not (room == np.inf).all(),
            budget=budget,
            base=_compact_budget(spec, key, "base_funding", params, inputs, years),
            plan=plan,
            commits=budget is not None or plan is not None or not funds_nothing(cost, room),
            weights=funding_profile(p.raw("profile", shared=True), np.array([fy]))[0],
            funding_years=fy,
            lag=int(np.rint(p.get("launch_lag", shared=True))[0]),
            match=p.get("match_ratio", shared=True),
            survival=survival,
            sustainment=sustainment,
            per_survivor=survival * sustainment,  # the engine's survival x sustainment
            n_existing=history.n_existing,
            scheduled=scheduled,
            exits_by_year=np.array([(pending <= y).sum() for y in years[1:]], dtype=float),
        )
    impact = params.view("impact")
    rho = impact.get("rho", shared=True) if spec.impact.kind == "rate_of_return" else None
    return dict(
        n=params.n,
        years=years,
        base_year=inputs.base_year,
        countries=countries,
        programs=programs,
        rho=rho,
        diffusion=diffusion_inputs(spec, impact, programs),
        delta=impact.get("delta", shared=True),
        impact_lag=int(np.rint(impact.get("lag", shared=True))[0]),
        spend=spec.impact.spend,
    )


def _cols(values: np.ndarray, cols: slice) -> np.ndarray:
    return values if len(values) == 1 else values[cols]


def _fill(budget: dict, y: int, out: np.ndarray, term: np.ndarray, cols: slice) -> None:
    """Year ``y`` of a budget, for the samples ``cols``, into ``out``: the engine's sums in its order."""
    scale = _cols(budget["scale"], cols)
    if budget["path"] is not None:
        np.multiply(budget["path"][y], scale, out=out)
        return
    out[:] = 0.0
    for path, per_institute, own_scale in budget["segments"]:
        if per_institute:
            np.multiply(path[y], _cols(budget["cost"], cols), out=term)
            term *= own_scale
            out += term
        else:
            out += path[y]
    out *= scale


class _Scratch:
    """Work arrays of one block, allocated once per call and reused by every block."""

    def __init__(self, n_years: int, m: int) -> None:
        self.funded = np.empty((n_years, m))  # launches paid from the budget, by launch year
        self.cumulative = np.empty((2, n_years, m))  # of launches, and of funded launches
        self.spend = np.empty(
            (2, n_years + 1, m)
        )  # a country's spend and institutes (several programs)
        self.rows = np.empty((24, m))

    def take(self, m: int):
        return (
            self.funded[:, :m],
            self.cumulative[:, :, :m],
            self.spend[:, :, :m],
            list(self.rows[:, :m]),
        )


def allocate_outputs(x: dict) -> dict:
    """Every output, year-major (T+1, n), in one allocation."""
    arrays = iter(
        np.empty((3 * len(x["countries"]) + 4 * len(x["programs"]), len(x["years"]), x["n"]))
    )
    out = {
        table: {c: next(arrays) for c in x["countries"]}
        for table in ("mva", "mva_baseline", "capital")
    }
    out["programs"] = {key: {f: next(arrays) for f in PROGRAM_ARRAYS} for key in x["programs"]}
    return out


PROGRAM_ARRAYS = ("launched", "active", "spend_federal", "spend_total")


def tight_kernel(x: dict, block: int | None = None, out: dict | None = None) -> dict:
    """The model on :func:`tight_inputs`, in blocks of ``block`` samples (all at once by default),
    into ``out`` (from :func:`allocate_outputs`; default new arrays).

    Returns ``{"mva" | "mva_baseline" | "capital": {country: (T+1, n)}, "programs": {key:
    {"launched" | "active" | "spend_federal" | "spend_total": (T+1, n)}}}``, year-major: each
    year's samples contiguous (the memory layout of the engine's Fortran-ordered (n, T+1) arrays).
    """
    n, n_years = x["n"], len(x["years"]) - 1
    m = n if block is None else min(block, n)
    out = allocate_outputs(x) if out is None else out
    scratch = _Scratch(n_years, m)
    for start in range(0, n, m):
        cols = slice(start, min(start + m, n))
        work = scratch.take(cols.stop - cols.start)
        for key, p in x["programs"].items():
            _tight_program(p, out["programs"][key], cols, work)
        for c, g in x["countries"].items():
            _tight_country(x, c, g, out, cols, work)
        if WORLD in x["countries"]:
            others = [c for c in x["countries"] if c != WORLD]
            total = work[2][0]
            for table in ("mva_baseline", "mva", "capital"):
                arrays = out[table]
                np.add(arrays[others[0]][:, cols], arrays[others[1]][:, cols], out=total)
                for c in others[2:]:
                    total += arrays[c][:, cols]
                arrays[WORLD][:, cols] += total
    return out


def _tight_program(p: dict, arrays: dict, cols: slice, work) -> None:
    """One program for the samples ``cols``: one pass over the years, each year a row of samples."""
    funded, (cumulative, cumulative_funded), _, rows = work
    paid, term, available, committed, left, spent, cohort, exited = rows[:8]
    sustained = _cols(p["per_survivor"], cols) if _cols(p["sustainment"], cols).any() else None
    launched, active, federal, total = (arrays[f][:, cols] for f in PROGRAM_ARRAYS)
    n_years = len(funded)
    cost, room = _cols(p["cost"], cols), _cols(p["room"], cols)
    per_cohort = [w * cost for w in p["weights"][:n_years]]  # the engine's cost x w_j
    more = 1 + _cols(p["match"], cols)
    leave = 1 - _cols(p["survival"], cols)
    fy, lag, sched, exits = (
        p["funding_years"],
        min(p["lag"], n_years),
        p["scheduled"],
        p["exits_by_year"],
    )
    launched[0] = 0.0
    active[0] = p["n_existing"]
    _fill(p["base"], 0, federal[0], term, cols)
    np.multiply(federal[0], more, out=total[0])
    if p["commits"]:
        available[:] = 0.0
        committed[:] = 0.0
        funded[:lag] = 0.0
    running = []  # cumulative launches when they are the same for every sample
    for t in range(n_years):
        y = t + 1
        _fill(p["base"], y, federal[y], term, cols)
        if p["commits"]:
            if p["budget"] is None:
                paid[:] = 0.0
            else:
                _fill(p["budget"], y, paid, term, cols)
            if p["plan"] is not None:  # the plan's institutes at their cost
                _plan_budget(p["plan"], y, term, cohort, cols)
                term *= cost
                paid += term
            available += paid
            k = (
                funded[t + lag] if t + lag < n_years else cohort
            )  # committed past the horizon: dropped
            np.divide(available, cost, out=k)
            k *= 1 + LAUNCH_EPS
            np.floor(k, out=k)
            if p["capped"]:
                np.subtract(room, committed, out=left)
                np.minimum(k, left, out=k)
            np.maximum(k, 0, out=k)
            np.multiply(k, cost, out=spent)
            available -= spent
            if p["capped"]:
                committed += k
            np.add(funded[t], sched[t], out=launched[y])
            np.multiply(funded[t], per_cohort[0], out=paid)  # new-institute spend, cohort by cohort
            for j in range(1, min(len(per_cohort), t + 1)):
                np.multiply(funded[t - j], per_cohort[j], out=cohort)
                paid += cohort
            federal[y] += paid
            if t == 0:
                cumulative[0] = launched[y]
            else:
                np.add(cumulative[t - 1], launched[y], out=cumulative[t])
            if t >= fy:
                np.add(cumulative[t - fy], exits[t], out=exited)
            else:
                exited[:] = exits[t]
            exited *= leave
            np.add(cumulative[t], p["n_existing"], out=active[y])
            active[y] -= exited
            if sustained is not None:  # survivors' non-federal budget, from their federal exit
                if t == 0:
                    cumulative_funded[0] = funded[0]
                else:
                    np.add(cumulative_funded[t - 1], funded[t], out=cumulative_funded[t])
        else:  # launches are the scheduled ones, the same for every sample
            launched[y] = sched[t]
            running.append(running[-1] + sched[t] if running else sched[t])
            gone = (running[t - fy] if t >= fy else 0.0) + exits[t]
            np.multiply(gone, leave, out=exited)
            np.subtract(running[t] + p["n_existing"], exited, out=active[y])
        np.multiply(federal[y], more, out=total[y])
        if sustained is not None and p["commits"] and t >= fy:
            np.multiply(cumulative_funded[t - fy], sustained, out=cohort)
            total[y] += cohort


def _plan_budget(plan: dict, y: int, out: np.ndarray, term: np.ndarray, cols: slice) -> None:
    """Institutes the plan launches in year ``y`` for the samples ``cols``, into ``out``."""
    np.multiply(_cols(plan["remaining"], cols), plan["during"][y], out=out)
    if plan["after"][y]:
        np.multiply(_cols(plan["pace_after"], cols), plan["after"][y], out=term)
        out += term


def _tight_country(x: dict, c: str, g: dict, out: dict, cols: slice, work) -> None:
    """Baseline MVA, innovation capital and MVA of one country for the samples ``cols``."""
    _, _, (spend_sum, institutes_sum), rows = work
    rate, product = rows[8], rows[9]
    base, mva, capital = (
        out["mva_baseline"][c][:, cols],
        out["mva"][c][:, cols],
        out["capital"][c][:, cols],
    )
    level, g0 = g["level"], _cols(g["g0"], cols)
    base[0] = level
    if g["kind"] == "constant":
        np.add(g0, 1, out=rate)
    else:
        g_lr, tau = _cols(g["g_lr"], cols), _cols(g["tau"], cols)
        gap = g0 - g_lr
    for t in range(1, len(base)):
        if g["kind"] == "convergence":  # g_lr + (g0 - g_lr) exp(-(t - t0) / tau), + 1
            np.divide(float(x["base_year"] - x["years"][t]), tau, out=rate)
            np.exp(rate, out=rate)
            rate *= gap
            rate += g_lr
            rate += 1
        if t == 1:
            product[:] = rate
        else:
            product *= rate
        np.multiply(product, level, out=base[t])
    _check(base, c, "baseline MVA")
    if not any(p["country"] == c for p in x["programs"].values()):
        capital[:] = (
            0.0  # no program: zero capital and MVA on its baseline (what the engine computes)
        )
        mva[:] = base
        return
    spend = _country_sum(x, c, out, f"spend_{x['spend']}", cols, spend_sum)
    delta, lag = _cols(x["delta"], cols), x["impact_lag"]
    keep = 1 - delta
    np.divide(spend[0], delta, out=capital[0])
    if x["rho"] is None:
        if x["diffusion"] is None:
            mva[:] = base
    else:
        rho = _cols(x["rho"], cols)
        np.subtract(capital[0], capital[0], out=mva[0])
        mva[0] *= rho
        mva[0] += base[0]
    for t in range(1, len(base)):
        np.multiply(keep, capital[t - 1], out=capital[t])
        capital[t] += spend[max(t - lag, 0)]
        if x["rho"] is not None:  # rho (K_t - K_0) + MVA_base
            np.subtract(capital[t], capital[0], out=mva[t])
            mva[t] *= rho
            mva[t] += base[t]
    if x["diffusion"] is not None:
        institutes = _country_sum(x, c, out, "active", cols, institutes_sum)
        _tight_diffusion(x["diffusion"], c, institutes, base, mva, cols, rows[10:])
    _check(mva, c, "MVA")


def _country_sum(x: dict, c: str, out: dict, field: str, cols: slice, into: np.ndarray):
    """``field`` of the programs of country ``c``: the one program's own array, or their sum."""
    sources = [
        out["programs"][key][field][:, cols]
        for key, p in x["programs"].items()
        if p["country"] == c
    ]
    if len(sources) == 1:
        return sources[0]
    np.add(sources[0], sources[1], out=into)
    for other in sources[2:]:
        into += other
    return into


def _tight_diffusion(d: dict, c: str, institutes, base, mva, cols: slice, rows) -> None:
    """MVA_t = MVA_base_t prod_{s <= t} (1 + beta (A_s - Ã_s)), a year at a time: adoption A with
    each year's institutes and Ã with the base year's, each year one exact Bass step (the engine's
    operations in its order: c = p/q, (A + c) / (1 - A) exp(p + q), 1 - (1 + c) / (1 + grown))."""
    a, a_next, held, held_next, p, ratio, grown, rise, gap, product = rows[:10]
    p_held, ratio_held, rise_held, one_plus_held = rows[10:]
    external, per_institute, q, beta = (
        _cols(d[name], cols) for name in ("external", "per_institute", "imitation", "productivity")
    )
    a[:] = _cols(d["adoption"][c], cols)
    held[:] = a
    np.multiply(per_institute, institutes[0], out=p_held)  # p with the base year's institutes
    p_held += external
    np.divide(p_held, q, out=ratio_held)
    np.add(p_held, q, out=rise_held)
    np.exp(rise_held, out=rise_held)
    np.add(ratio_held, 1, out=one_plus_held)
    for t in range(len(base)):
        if t:
            np.multiply(per_institute, institutes[t], out=p)
            p += external
            np.divide(p, q, out=ratio)
            np.add(p, q, out=rise)
            np.exp(rise, out=rise)
            _bass_step(a, ratio, rise, None, grown, a_next)
            _bass_step(held, ratio_held, rise_held, one_plus_held, grown, held_next)
            a, a_next, held, held_next = a_next, a, held_next, held
        np.subtract(a, held, out=gap)
        gap *= beta
        gap += 1
        if t:
            product *= gap
        else:
            product[:] = gap
        np.multiply(product, base[t], out=mva[t])


def _bass_step(a, ratio, rise, one_plus, grown, out) -> None:
    """One year of adoption from ``a``, into ``out``; ``one_plus`` is 1 + ratio (None: computed
    into ``ratio``, which it overwrites)."""
    np.add(a, ratio, out=grown)
    np.subtract(1, a, out=out)
    grown /= out
    grown *= rise
    if one_plus is None:
        ratio += 1
        one_plus = ratio
    grown += 1
    np.divide(one_plus, grown, out=out)
    np.subtract(1, out, out=out)


def _check(values: np.ndarray, country: str, what: str) -> None:
    """The engine's test that MVA stays positive and finite (NaN fails the first comparison)."""
    if not (values.min() > 0 and values.max() < np.inf):
        raise ValueError(f"{what} of {country} is not positive and finite")


def compare_bits(engine_out, tight: dict) -> dict:
    """Each of the tight kernel's arrays against the engine's, bit for bit (the float64 bits as
    uint64, so that -0.0 differs from 0.0 and NaN payloads count); returns the arrays compared and
    the names of those that differ."""
    pairs = [
        (f"{table}/{c}", getattr(engine_out, table)[c], tight[table][c])
        for table in ("mva", "mva_baseline", "capital")
        for c in engine_out.mva
    ]
    pairs += [
        (f"{key}/{f}", getattr(engine_out.programs[key], f), tight["programs"][key][f])
        for key in engine_out.programs
        for f in PROGRAM_ARRAYS
    ]
    differ = [
        name
        for name, a, b in pairs
        if not np.array_equal(np.ascontiguousarray(a.T).view(np.uint64), b.view(np.uint64))
    ]
    return {"arrays": len(pairs), "differ": differ}
