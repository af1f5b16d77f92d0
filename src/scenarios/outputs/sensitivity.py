"""A sensitivity analysis on the terminal and on disk: the drivers table, the report section and
``runs/<name>_sensitivity/`` (indices, convergence, drivers, tornado table, yearly indices,
manifest, plots, report.html)."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from rich.table import Table

from scenarios import __version__
from scenarios.analysis import runs, sensitivity as gsa
from scenarios.analysis.sampling import Distribution
from scenarios.analysis.sensitivity.run import (
    SensitivityRun,
    convergence_table,
    drivers,
)
from scenarios.config.load import config_hash
from scenarios.outputs.plotting.sensitivity import CAPTIONS, plot_sensitivity
from scenarios.outputs.report import write_report
from scenarios.results import write_json, write_netcdf, write_run


def _fmt(value: float, conf: float | None) -> str:
    text = f"{value:.3g}" if abs(value) >= 1000 else f"{value:.3f}"
    return text if conf is None or np.isnan(conf) else f"{text} ± {conf:.3f}"


def _settled(converged: object) -> str:
    return "n/a" if pd.isna(converged) else ("yes" if converged else "NO")


def _driver_rows(run: SensitivityRun) -> tuple[list[str], list[list[str]]]:
    main = gsa.METHODS[run.method].main
    header = ["output", "rank", "parameter", *[f"{k} (± 95 % CI)" for k in main], "settled"]
    table, ds, rows = drivers(run), run.indices, []
    for output, note in zip(ds["output"].to_numpy(), ds["note"].to_numpy(), strict=True):
        group = table[table["output"] == output].to_dict("records")
        if not group:
            rows.append([str(output), "", f"no indices: {note}", *[""] * len(main), "n/a"])
        for d in group:
            first = d["rank"] == 1
            rows.append(
                [
                    str(output) if first else "",
                    str(d["rank"]),
                    d["parameter"],
                    *[_fmt(d[k], d.get(f"{k}_conf")) for k in main],
                    _settled(run.analysis.converged[output]) if first else "",
                ]
            )
    return header, rows


def drivers_rich_table(run: SensitivityRun) -> Table:
    """The leading drivers of each output as a rich table for the terminal."""
    header, rows = _driver_rows(run)
    table = Table(
        *header,
        title=f"{run.spec.name}: leading drivers ({run.method}, n={run.n}, "
        f"{run.indices.attrs['n_evaluations']:,} evaluations)",
        title_justify="left",
        caption="settled: indices moved less than 0.05 between n/2 and n",
        caption_justify="left",
    )
    for row in rows:
        table.add_row(*row)
    return table


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _describe(dist: Distribution) -> str:
    fields = dist.model_dump(exclude_none=True)
    kind = fields.pop("dist")
    return f"{kind}({', '.join(f'{k}={v}' for k, v in fields.items())})"


def report_section(run: SensitivityRun) -> str:
    """The sensitivity section of report.html (everything escaped)."""
    ds, e = run.indices, html.escape
    facts = (
        f"Method {run.method} (SALib), base sample size n = {run.n}, "
        f"{ds.attrs['n_evaluations']:,} model evaluations, seed {run.seed}; "
        f"{run.timings['total']:.1f} s in all, {run.timings['model']:.1f} s in the engine."
    )
    parts = [f"<p>{e(facts)}</p>"]
    if ds.attrs.get("caveat"):
        parts.append(f"<p>{e(ds.attrs['caveat'])}.</p>")
    if run.warnings:
        parts.append(
            '<ul class="caveats">'
            + "".join(f"<li><b>warning</b>: {e(w)}</li>" for w in run.warnings)
            + "</ul>"
        )
    parts += ["<h3>Leading drivers</h3>", _html_table(*_driver_rows(run))]
    noted = [
        (str(o), str(n))
        for o, n in zip(ds["output"].to_numpy(), ds["note"].to_numpy(), strict=True)
        if n
    ]
    if noted:
        parts += [
            "<h3>Notes on outputs</h3>",
            _html_table(["output", "note"], [list(x) for x in noted]),
        ]
    tornado = run.tornado.drop_duplicates("parameter")
    parts += [
        "<h3>Uncertain inputs</h3>",
        _html_table(
            ["parameter", "distribution", "5 % quantile", "95 % quantile"],
            [
                [p, _describe(run.dists[p]), f"{lo:.4g}", f"{hi:.4g}"]
                for p, lo, hi in zip(
                    tornado["parameter"], tornado["low_value"], tornado["high_value"], strict=True
                )
            ],
        ),
    ]
    return "\n".join(parts)


def manifest(run: SensitivityRun) -> dict:
    """What produced the folder: config, method, n, seed, versions, timings, convergence."""
    return {
        "scenario": run.spec.name,
        "config_file": run.config_file,
        "config": run.spec.model_dump(mode="json"),
        "config_hash": config_hash(run.spec),
        "method": run.method,
        "second_order": "S2" in run.indices,
        "n": run.n,
        "n_evaluations": int(run.indices.attrs["n_evaluations"]),
        "seed": run.seed,
        "outputs": {
            str(o): str(u)
            for o, u in zip(
                run.indices["output"].to_numpy(), run.indices["units"].to_numpy(), strict=True
            )
        },
        "converged": {
            k: None if pd.isna(v) else bool(v) for k, v in run.analysis.converged.items()
        },
        "warnings": list(run.warnings),
        "package_version": __version__,
        "seconds": {k: round(v, 3) for k, v in run.timings.items()},
    }


def _write_visuals(run: SensitivityRun, plots_dir: Path) -> None:
    """plots/*.png, then report.html beside the plots folder."""

    plots_dir.mkdir()
    figures = plot_sensitivity(
        run.indices,
        run.over_time,
        run.tornado,
        plots_dir,
        note=f"Scenario {run.spec.name}; {run.method}, n = {run.n}, seed {run.seed}.",
    )
    point = runs.run(run.spec, with_reference=False)
    config = Path(run.config_file)
    write_report(
        plots_dir.parent / "report.html",
        results=point.results,
        metrics=point.metrics,
        config_text=config.read_text(encoding="utf-8") if config.is_file() else "",
        plots=figures,
        captions=CAPTIONS,
        title=f"Sensitivity analysis: {run.spec.name}",
        extra_sections=[("Sensitivity analysis", report_section(run))],
    )


def write_sensitivity(
    run: SensitivityRun, out_dir: str | Path = "runs", *, plots: bool = True
) -> Path:
    """Write ``<out_dir>/<scenario>_sensitivity/`` atomically.

    Files: sensitivity.nc (indices with confidence half-widths), indices.csv, convergence.csv,
    drivers.csv, oat.csv (tornado), over_time.nc and over_time.csv, manifest.json, and with
    ``plots`` the plots/ folder and report.html.
    """
    writers = {
        "sensitivity.nc": lambda p: write_netcdf(run.indices, p),
        "indices.csv": lambda p: run.to_frame().to_csv(p, index=False),
        "convergence.csv": lambda p: convergence_table(run).to_csv(p, index=False),
        "drivers.csv": lambda p: drivers(run).to_csv(p, index=False),
        "oat.csv": lambda p: run.tornado.to_csv(p, index=False),
        "manifest.json": lambda p: write_json(manifest(run), p),
    }
    if run.over_time is not None:
        writers["over_time.nc"] = lambda p: write_netcdf(run.over_time, p)
        writers["over_time.csv"] = lambda p: gsa.to_frame(run.over_time).to_csv(p, index=False)
    if plots:
        writers["plots"] = lambda p: _write_visuals(run, p)
    return write_run(Path(out_dir) / run.name, writers, kind="sensitivity")
