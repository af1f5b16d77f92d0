"""The engine's arithmetic twice more, for scale: a per-sample Python loop and a minimal numpy kernel.

Both take the same plain inputs (:func:`extract`: per-sample parameters and budget paths, no
pandas, no config) and compute what :func:`scenarios.model.engine.run_model` computes for configs
with ``constant``/``convergence`` growth, no shocks, ``rate_of_return`` impact: MVA with and
without programs, innovation capital, institutes and spend. ``benchmarks/run.py`` checks that they
agree with the engine before timing them.
"""

from __future__ import annotations

import math

import numpy as np

from scenarios.model.engine import _budget
from scenarios.model.growth import _initial_rate
from scenarios.model.inputs import WORLD
from scenarios.model.parameters import Parameters
from scenarios.model.pipeline import _EPS, funding_profile


def _budget_array(spec, key, field, params, inputs, years) -> np.ndarray:
    """A program budget as the engine computes it, (n, len(years)); zeros when there is none."""
    values = np.zeros((params.n, len(years)))
    cost = params.get(f"programs.{key}.cost_per_institute", 1.0)
    budget = _budget(spec, key, field, cost, params, inputs, years)
    if budget is not None:
        budget.fill(values.T, slice(None), np.empty((len(years), params.n)))
    return values


def extract(spec, inputs, samples) -> dict:
    """The model's inputs as plain arrays (computed once, outside the timings)."""
    params = Parameters(spec.model_dump(), samples)
    years = np.concatenate([[inputs.base_year], inputs.projected_years])
    countries = {}
    for c in inputs.countries:
        kind = spec.countries[c].growth.kind
        view = params.view(f"countries.{c}.growth")
        history = inputs.mva_history[c] if c == WORLD else inputs.mva_observed[c].loc[: inputs.base_year]
        if kind == "constant":
            g = dict(g0=_initial_rate(view, history, "g"), g_lr=None, tau=None)
        elif kind == "convergence":
            g = dict(g0=_initial_rate(view, history, "g0"), g_lr=view.get("g_lr"), tau=view.get("tau"))
        else:
            raise ValueError(f"growth kind {kind} is not in the reference kernels")
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
            budget=_budget_array(spec, key, "new_institute_budget", params, inputs, years)[:, 1:],
            base=_budget_array(spec, key, "base_funding", params, inputs, years),
            cost=p.get("cost_per_institute", 1.0), funding_years=fy,
            weights=funding_profile(p.raw("profile"), fy), match=p.get("match_ratio"),
            lag=np.rint(p.get("launch_lag")).astype(int), scheduled=scheduled,
            room=p.get("cap", np.inf) - history.n_existing - scheduled.sum(),
            survival=p.get("survival"), exits=np.where(exits > inputs.base_year, exits, np.iinfo(np.int64).max),
            n_existing=history.n_existing,
        )
    impact = params.view("impact")
    return dict(n=params.n, years=years, base_year=inputs.base_year, countries=countries, programs=programs,
                rho=impact.get("rho"), delta=impact.get("delta"), impact_lag=np.rint(impact.get("lag")).astype(int),
                spend=spec.impact.spend)


# ----------------------------------------------------------------------------------------------
# (b) the minimal numpy kernel: vectorized over samples, loops over years, nothing else


def numpy_kernel(x: dict) -> dict:
    n, years = x["n"], x["years"]
    T = len(years) - 1
    proj = years[1:]
    rows = np.arange(n)
    spend = {c: np.zeros((n, T + 1)) for c in x["countries"]}
    out = {}
    for key, p in x["programs"].items():
        launched = np.zeros((n, T))
        available, committed = np.zeros(n), np.zeros(n)
        for t in range(T):
            available += p["budget"][:, t]
            k = np.floor(available / p["cost"] * (1 + _EPS))
            k = np.clip(np.minimum(k, p["room"] - committed), 0, None)
            available -= k * p["cost"]
            committed += k
            when = t + p["lag"]
            ok = when < T
            launched[rows[ok], when[ok]] += k[ok]
        funded, launched = launched, launched + p["scheduled"][None, :]
        cumulative = np.cumsum(launched, axis=1)
        index = np.arange(T)[None, :] - p["funding_years"][:, None] + 1
        padded = np.concatenate([np.zeros((n, 1)), cumulative], axis=1)
        exited = np.take_along_axis(padded, np.clip(index, 0, None), axis=1)
        exited = exited + (p["exits"][:, None, :] <= proj[None, :, None]).sum(axis=2)
        active = p["n_existing"] + cumulative - (1 - p["survival"][:, None]) * exited
        federal = np.zeros((n, T))
        for j in range(min(p["weights"].shape[1], T)):
            federal[:, j:] += funded[:, : T - j] * (p["cost"] * p["weights"][:, j])[:, None]
        federal += p["base"][:, 1:]
        total = federal * (1 + p["match"][:, None])
        first = p["base"][:, :1]
        series = np.concatenate([first, federal], axis=1) if x["spend"] == "federal" else \
            np.concatenate([first * (1 + p["match"][:, None]), total], axis=1)
        spend[p["country"]] += series
        out[key] = (launched, active, federal, total)
    mva_base, mva, capital = {}, {}, {}
    keep = 1 - x["delta"]
    for c, g in x["countries"].items():
        if g["tau"] is None:
            rate = np.repeat(g["g0"][:, None], T, axis=1)
        else:
            rate = g["g_lr"][:, None] + (g["g0"] - g["g_lr"])[:, None] * np.exp(
                -(proj[None, :] - x["base_year"]) / g["tau"][:, None])
        base = np.empty((n, T + 1))
        base[:, 0] = g["level"]
        base[:, 1:] = g["level"] * np.cumprod(1 + rate, axis=1)
        s = spend[c]
        cap = np.empty((n, T + 1))
        cap[:, 0] = s[:, 0] / x["delta"]
        for t in range(1, T + 1):
            cap[:, t] = keep * cap[:, t - 1] + s[rows, np.clip(t - x["impact_lag"], 0, None)]
        mva_base[c], capital[c] = base, cap
        mva[c] = base + x["rho"][:, None] * (cap - cap[:, :1]) if s.any() else base
    if WORLD in mva:
        others = [c for c in mva if c != WORLD]
        for table in (mva_base, mva, capital):
            table[WORLD] = table[WORLD] + sum(table[c] for c in others)
    return {"mva": mva, "mva_baseline": mva_base, "capital": capital, "programs": out}


# ----------------------------------------------------------------------------------------------
# (a) the per-sample Python loop: the same arithmetic on Python floats, one sample at a time


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
    rho, delta, impact_lag = x["rho"].tolist(), x["delta"].tolist(), x["impact_lag"].tolist()
    out = {table: {c: [] for c in countries} for table in ("mva", "mva_baseline", "capital")}
    out["programs"] = {key: {f: [] for f in ("launched", "active", "spend_federal", "spend_total")} for key in programs}
    for i in range(n):
        spend = {c: [0.0] * (T + 1) for c in countries}
        for key, p in programs.items():
            cost, room, lag = p["cost"][i], p["room"][i], p["lag"][i]
            funded = [0.0] * T
            available = committed = 0.0
            for t in range(T):
                available += p["budget"][i][t]
                k = math.floor(available / cost * (1 + _EPS))
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
                exited = (cumulative[t - fy] if t >= fy else 0.0) + sum(e <= years[t + 1] for e in p["exits"][i])
                active.append(p["n_existing"] + cumulative[t] - leave * exited)
            weights, match = p["weights"][i], p["match"][i]
            first = p["base"][i][0]
            federal_path, total_path = [first], [first * (1 + match)]
            for t in range(T):
                federal = 0.0
                for j in range(min(len(weights), t + 1)):
                    federal += funded[t - j] * (cost * weights[j])
                federal = p["base"][i][t + 1] + federal
                federal_path.append(federal)
                total_path.append(federal * (1 + match))
            series = total_path if x["spend"] == "total" else federal_path
            target = spend[p["country"]]
            for t in range(T + 1):
                target[t] += series[t]
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
                    rate = g["g_lr"][i] + (g["g0"][i] - g["g_lr"][i]) * math.exp(-(years[t + 1] - years[0]) / g["tau"][i])
                growth *= 1 + rate
                base.append(growth * level)
            s = spend[c]
            capital = [s[0] / delta[i]]
            for t in range(1, T + 1):
                capital.append((1 - delta[i]) * capital[-1] + s[max(t - impact_lag[i], 0)])
            path = [b + rho[i] * (k - capital[0]) for b, k in zip(base, capital, strict=True)] if any(s) else base
            paths[c], bases[c], capitals[c] = path, base, capital
        if WORLD in paths:
            others = [c for c in countries if c != WORLD]
            for table in (paths, bases, capitals):
                table[WORLD] = [w + sum(table[c][t] for c in others) for t, w in enumerate(table[WORLD])]
        for c in countries:
            out["mva"][c].append(paths[c])
            out["mva_baseline"][c].append(bases[c])
            out["capital"][c].append(capitals[c])
    return out
