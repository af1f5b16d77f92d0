"""The per-sample Python loop: the engine's arithmetic on Python floats, one sample at a time.

:func:`python_loop` computes the 24 arrays of :func:`scenarios.model.engine.run_model` (as the
tight kernel in ``kernels.py`` does, for the same configs) from :func:`extract`: per-sample
parameters and budget paths as plain arrays, computed once outside the timings.
``benchmarks/run.py`` checks it against the engine to 1e-12 and times it on 300 samples.
"""

from __future__ import annotations

import math

import numpy as np
from kernels import diffusion_inputs, growth_rates

from scenarios.model.budgets import budget_path
from scenarios.model.inputs import WORLD
from scenarios.model.parameters import Parameters
from scenarios.model.pipeline import LAUNCH_EPS, funding_profile
from scenarios.model.programs import plan_path


def _budget_array(spec, key, field, params, inputs, years) -> np.ndarray:
    """A program budget as the engine computes it, (n, len(years)); zeros when there is none."""
    values = np.zeros((params.n, len(years)))
    cost = params.get(f"programs.{key}.cost_per_institute", 1.0)
    budget = budget_path(spec, key, field, cost, params, inputs, years)
    if budget is not None:
        budget.fill(values.T, slice(None), np.empty((len(years), params.n)))
    return values


def _new_institute_budget(spec, key, params, inputs, years) -> np.ndarray:
    """The budget for new institutes, (n, T): the program's budget plus its plan's institutes
    at their cost (the engine's sum, in its order)."""
    values = _budget_array(spec, key, "new_institute_budget", params, inputs, years)
    p = params.view(f"programs.{key}")
    plan = plan_path(p, inputs.programs[key], inputs.base_year, years)
    if plan is not None:
        institutes = np.empty_like(values)
        plan.fill(institutes, slice(None), np.empty(len(values)))
        institutes *= p.get("cost_per_institute", 1.0)[:, None]
        values += institutes
    return values[:, 1:]


def extract(spec, inputs, samples) -> dict:
    """The model's inputs as plain arrays (computed once, outside the timings)."""
    params = Parameters(spec.model_dump(), samples)
    years = np.concatenate([[inputs.base_year], inputs.projected_years])
    countries = {}
    for c in inputs.countries:
        kind = spec.countries[c].growth.kind
        view = params.view(f"countries.{c}.growth")
        history = (
            inputs.mva_history[c] if c == WORLD else inputs.mva_observed[c].loc[: inputs.base_year]
        )
        g = growth_rates(c, kind, view, history)
        countries[c] = dict(level=float(inputs.mva_history[c].loc[inputs.base_year]), **g)
    programs = {}
    for key, program in spec.programs.items():
        p = params.view(f"programs.{key}")
        history = inputs.programs[key]
        fy = np.rint(p.get("funding_years")).astype(int)
        exits = history.founding_years[None, :] + fy[:, None]
        scheduled = np.array([(history.scheduled == y).sum() for y in years[1:]], dtype=float)
        programs[key] = dict(
            country=program.country,
            budget=_new_institute_budget(spec, key, params, inputs, years),
            base=_budget_array(spec, key, "base_funding", params, inputs, years),
            cost=p.get("cost_per_institute", 1.0),
            funding_years=fy,
            weights=funding_profile(p.raw("profile"), fy),
            match=p.get("match_ratio"),
            lag=np.rint(p.get("launch_lag")).astype(int),
            scheduled=scheduled,
            room=p.get("cap", np.inf) - history.n_existing - scheduled.sum(),
            survival=p.get("survival"),
            sustainment=p.get("sustainment", 0.0),
            exits=np.where(exits > inputs.base_year, exits, np.iinfo(np.int64).max),
            n_existing=history.n_existing,
        )
    impact = params.view("impact")
    return dict(
        n=params.n,
        years=years,
        base_year=inputs.base_year,
        countries=countries,
        programs=programs,
        rho=impact.get("rho") if spec.impact.kind == "rate_of_return" else None,
        delta=impact.get("delta"),
        impact_lag=np.rint(impact.get("lag")).astype(int),
        spend=spec.impact.spend,
        diffusion=diffusion_inputs(spec, impact, programs, shared=False),
    )


def _plain(d: dict) -> dict:
    """Arrays as Python lists (the loop works on Python floats)."""
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in d.items()}


def python_loop(x: dict, n: int | None = None) -> dict:
    """The first ``n`` samples (all by default), one at a time: every output the engine has,
    {"mva" | "mva_baseline" | "capital": {country: [path per sample]},
     "programs": {key: {"launched" | "active" | "spend_federal" | "spend_total": [path per sample]}}}."""
    years = [int(y) for y in x["years"]]
    T = len(years) - 1
    n = x["n"] if n is None else n
    programs = {key: _plain(p) for key, p in x["programs"].items()}
    countries = {c: _plain(g) for c, g in x["countries"].items()}
    rho = None if x["rho"] is None else x["rho"].tolist()
    delta, impact_lag = x["delta"].tolist(), x["impact_lag"].tolist()
    diffusion = None if x["diffusion"] is None else _plain_diffusion(x["diffusion"])
    out = {table: {c: [] for c in countries} for table in ("mva", "mva_baseline", "capital")}
    out["programs"] = {
        key: {f: [] for f in ("launched", "active", "spend_federal", "spend_total")}
        for key in programs
    }
    for i in range(n):
        spend = {c: [0.0] * (T + 1) for c in countries}
        institutes = {c: [0.0] * (T + 1) for c in countries}
        for key, p in programs.items():
            cost, room, lag = p["cost"][i], p["room"][i], p["lag"][i]
            funded = [0.0] * T
            available = committed = 0.0
            for t in range(T):
                available += p["budget"][i][t]
                k = math.floor(available / cost * (1 + LAUNCH_EPS))
                k = max(min(k, room - committed), 0.0)
                available -= k * cost
                committed += k
                if t + lag < T:
                    funded[t + lag] += k
            launched = [f + s for f, s in zip(funded, p["scheduled"], strict=True)]
            cumulative, total = [], 0.0
            for value in launched:
                total += value
                cumulative.append(total)
            fy, leave = p["funding_years"][i], 1 - p["survival"][i]
            active = [float(p["n_existing"])]
            for t in range(T):
                exited = (cumulative[t - fy] if t >= fy else 0.0) + sum(
                    e <= years[t + 1] for e in p["exits"][i]
                )
                active.append(p["n_existing"] + cumulative[t] - leave * exited)
            weights, match = p["weights"][i], p["match"][i]
            per_survivor = p["survival"][i] * p["sustainment"][i]
            funded_so_far = [sum(funded[: t + 1]) for t in range(T)]
            first = p["base"][i][0]
            federal_path, total_path = [first], [first * (1 + match)]
            for t in range(T):
                federal = 0.0
                for j in range(min(len(weights), t + 1)):
                    federal += funded[t - j] * (cost * weights[j])
                federal = p["base"][i][t + 1] + federal
                federal_path.append(federal)
                sustained = funded_so_far[t - fy] * per_survivor if t >= fy else 0.0
                total_path.append(federal * (1 + match) + sustained)
            series = total_path if x["spend"] == "total" else federal_path
            for t in range(T + 1):
                spend[p["country"]][t] += series[t]
                institutes[p["country"]][t] += active[t]
            record = out["programs"][key]
            record["launched"].append([0.0, *launched])
            record["active"].append(active)
            record["spend_federal"].append(federal_path)
            record["spend_total"].append(total_path)
        paths, bases, capitals = {}, {}, {}
        for c, g in countries.items():
            level, base, growth = g["level"], [g["level"]], 1.0
            for t in range(T):
                if g["tau"] is None:
                    rate = g["g0"][i]
                else:
                    rate = g["g_lr"][i] + (g["g0"][i] - g["g_lr"][i]) * math.exp(
                        -(years[t + 1] - years[0]) / g["tau"][i]
                    )
                growth *= 1 + rate
                base.append(growth * level)
            s = spend[c]
            capital = [s[0] / delta[i]]
            for t in range(1, T + 1):
                capital.append((1 - delta[i]) * capital[-1] + s[max(t - impact_lag[i], 0)])
            if diffusion is not None and (any(s) or any(institutes[c])):
                path = _diffused(diffusion, c, i, institutes[c], base)
            elif rho is not None and any(s):
                path = [b + rho[i] * (k - capital[0]) for b, k in zip(base, capital, strict=True)]
            else:
                path = base
            paths[c], bases[c], capitals[c] = path, base, capital
        if WORLD in paths:
            others = [c for c in countries if c != WORLD]
            for table in (paths, bases, capitals):
                table[WORLD] = [
                    w + sum(table[c][t] for c in others) for t, w in enumerate(table[WORLD])
                ]
        for c in countries:
            out["mva"][c].append(paths[c])
            out["mva_baseline"][c].append(bases[c])
            out["capital"][c].append(capitals[c])
    return out


def _plain_diffusion(d: dict) -> dict:
    """The diffusion parameters as lists over samples."""
    plain = {name: v.tolist() for name, v in d.items() if name != "adoption"}
    plain["adoption"] = {c: v.tolist() for c, v in d["adoption"].items()}
    return plain


def _diffused(d: dict, c: str, i: int, institutes: list, base: list) -> list:
    """MVA_t = MVA_base_t prod_{s <= t} (1 + beta (A_s - Ã_s)) for sample ``i``: Bass adoption with
    each year's institutes (A) and with the base year's (Ã), stepped exactly a year at a time."""
    p0, per_institute, q, beta = (
        d[name][i] for name in ("external", "per_institute", "imitation", "productivity")
    )

    def step(a: float, p: float) -> float:
        c_ = p / q
        return 1 - (1 + c_) / (1 + (a + c_) / (1 - a) * math.exp(p + q))

    adopted = held = d["adoption"][c][i]
    growth, path = 1.0, []
    for t, b in enumerate(base):
        if t:
            adopted = step(adopted, p0 + per_institute * institutes[t])
            held = step(held, p0 + per_institute * institutes[0])
        growth *= 1 + beta * (adopted - held)
        path.append(growth * b)
    return path
