"""The sensitivity page's own parts: the answer (what drives each output, with labels), the
leading drivers, every index ordered by importance, the uncertain inputs. The rest of the page
is the run page of the scenario's point run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.analysis import sensitivity as gsa
from scenarios.analysis.sampling import Distribution
from scenarios.analysis.sensitivity.run import SensitivityRun, drivers
from scenarios.config.labels import describe
from scenarios.data.sources import cite
from scenarios.outputs.report.page import answer_box, esc, table


def ci(value: float, conf: float | None) -> str:
    """An index with its 95 % confidence half-width: "0.412 ± 0.031"."""
    text = f"{value:.3g}" if abs(value) >= 1000 else f"{value:.3f}"
    return text if conf is None or np.isnan(conf) else f"{text} ± {conf:.3f}"


SETTLED_CI = 0.1
SETTLED = (
    "settled: the indices moved less than 0.05 between n/2 and n and every 95 % CI half-width "
    f"is at most {SETTLED_CI}"
)


def settled(converged: object, widest: float) -> str:
    """ "yes", "NO", "NO (CI ± w)" or "n/a": see :data:`SETTLED`."""
    if pd.isna(converged):
        return "n/a"
    if not converged:
        return "NO"
    return "yes" if not widest > SETTLED_CI else f"NO (CI ± {widest:.2f})"


def _widest(run: SensitivityRun, output: object) -> float:
    """The widest 95 % CI half-width of an output's main indices."""
    main = [f"{k}_conf" for k in gsa.METHODS[run.method].main if f"{k}_conf" in run.indices]
    widths = [float(run.indices[k].sel(output=output).max()) for k in main]
    return max(widths, default=float("nan"))


def label(run: SensitivityRun, parameter: str) -> str:
    """A parameter's label with its units, the config's own program names applied."""
    names = {k: p.label for k, p in run.spec.programs.items() if getattr(p, "label", None)}
    found = describe(parameter, names)
    return f"{found.label} ({found.units})" if found.units else found.label


def driver_rows(run: SensitivityRun) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the leading drivers of each output, labelled, for the terminal and page."""
    main = gsa.METHODS[run.method].main
    header = ["output", "rank", "parameter", *[f"{k} (± 95 % CI)" for k in main], "settled"]
    frame, ds, rows = drivers(run), run.indices, []
    for output, note in zip(ds["output"].to_numpy(), ds["note"].to_numpy(), strict=True):
        group = frame[frame["output"] == output].to_dict("records")
        if not group:
            rows.append([str(output), "", f"no indices: {note}", *[""] * len(main), "n/a"])
        for d in group:
            first = d["rank"] == 1
            rows.append(
                [
                    str(output) if first else "",
                    str(d["rank"]),
                    label(run, d["parameter"]),
                    *[ci(d[k], d.get(f"{k}_conf")) for k in main],
                    settled(run.analysis.converged[output], _widest(run, output)) if first else "",
                ]
            )
    return header, rows


def sensitivity_answer(run: SensitivityRun) -> str:
    """The answer box: per output, the assumptions that drive it, strongest first."""
    main = gsa.METHODS[run.method].main[-1]
    frame = drivers(run)
    items = []
    for output, units in zip(
        run.indices["output"].to_numpy(), run.indices["units"].to_numpy(), strict=True
    ):
        group = frame[frame["output"] == output]
        named = [
            f"{label(run, r['parameter'])}, {main} {ci(r[main], r.get(f'{main}_conf'))}"
            for _, r in group.iterrows()
        ]
        if named:
            items.append(f"{output} ({units}): " + "; ".join(named) + ".")
    n_eval = int(run.indices.attrs["n_evaluations"])
    source = (
        f"Method {run.method} (SALib), n = {run.n}, {n_eval:,} model evaluations, seed {run.seed}; "
        f"model runs on the embedded UN AMA data; scenario from {cite(run.spec.source or '') or run.spec.name}."
    )
    first = f"Which assumptions drive the outputs of {run.spec.name}, strongest first ({main}: share of the output's variance due to the assumption, with its interactions):"
    return answer_box([first], items) + f'<p class="muted">{esc(source)}</p>'


def _indices_table(run: SensitivityRun) -> str:
    """Every index of every output, parameters ordered by the method's last main index."""
    main = gsa.METHODS[run.method].main
    ds, rows = run.indices, []
    for output in ds["output"].to_numpy():
        ranked = ds[main[-1]].sel(output=output).to_series().dropna()
        for parameter in ranked.sort_values(ascending=False, kind="stable").index:
            values = [
                ci(
                    float(ds[k].sel(output=output, parameter=parameter)),
                    float(ds[f"{k}_conf"].sel(output=output, parameter=parameter))
                    if f"{k}_conf" in ds
                    else None,
                )
                for k in main
            ]
            rows.append([str(output), label(run, str(parameter)), str(parameter), *values])
    header = ["output", "assumption", "key", *[f"{k} (± 95 % CI)" for k in main]]
    return table(header, rows, numeric=set(range(3, 3 + len(main))))


def _describe(dist: Distribution) -> str:
    fields = dist.model_dump(exclude_none=True)
    kind = fields.pop("dist")
    return f"{kind}({', '.join(f'{k}={v}' for k, v in fields.items())})"


def report_section(run: SensitivityRun) -> str:
    """The sensitivity section of the page (everything escaped)."""
    ds = run.indices
    facts = (
        f"Method {run.method} (SALib), base sample size n = {run.n}, "
        f"{ds.attrs['n_evaluations']:,} model evaluations, seed {run.seed}; "
        f"{run.timings['total']:.1f} s in all, {run.timings['model']:.1f} s in the engine."
    )
    parts = [f"<p>{esc(facts)}</p>"]
    if ds.attrs.get("caveat"):
        parts.append(f"<p>{esc(ds.attrs['caveat'])}.</p>")
    if run.warnings:
        parts.append(
            '<ul class="caveats">'
            + "".join(f"<li><b>warning</b>: {esc(w)}</li>" for w in run.warnings)
            + "</ul>"
        )
    parts += ["<h3>Leading drivers</h3>", table(*driver_rows(run), numeric=set())]
    noted = [
        [str(o), str(n)]
        for o, n in zip(ds["output"].to_numpy(), ds["note"].to_numpy(), strict=True)
        if n
    ]
    if noted:
        parts += ["<h3>Notes on outputs</h3>", table(["output", "note"], noted, numeric=set())]
    parts += [
        "<details><summary>Every index, by importance (also in indices.csv)</summary>",
        _indices_table(run),
        "</details>",
    ]
    tornado = run.tornado.drop_duplicates("parameter")
    rows = [
        [label(run, p), p, _describe(run.dists[p]), f"{lo:.4g}", f"{hi:.4g}"]
        for p, lo, hi in zip(
            tornado["parameter"], tornado["low_value"], tornado["high_value"], strict=True
        )
    ]
    header = ["assumption", "key", "distribution", "5 % quantile", "95 % quantile"]
    parts += ["<h3>Uncertain inputs</h3>", table(header, rows, numeric={3, 4})]
    return "\n".join(parts)
