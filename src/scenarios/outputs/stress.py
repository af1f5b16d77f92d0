"""A stress test's pages: the plots of every claim and report.html."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from scenarios.analysis.claims import load_claims, metric_label
from scenarios.analysis.stress import ClaimResult, breakeven_table, driver_table, summary_table
from scenarios.outputs.plotting import claims as cp
from scenarios.outputs.plotting.saving import Draw, save_figures, spare_processes
from scenarios.outputs.report import write_stress_report
from scenarios.results import write_run


def write_stress_visuals(results: list[ClaimResult], claim_file: Path, plots_dir: Path) -> None:
    """plots/*.png for every claim (two processes when a core is spare) and report.html beside
    the plots folder."""
    plots_dir.mkdir()
    jobs = _figures(
        results, f"Source: claim file {claim_file.name}; model runs on the embedded UN AMA data."
    )
    figures = {name: plots_dir / f"{name}.png" for name, _ in jobs}
    save_figures([(draw, figures[name]) for name, draw in jobs], spare_processes(), lambda: None)
    table = summary_table(results)
    parsed = load_claims(claim_file)
    write_stress_report(
        plots_dir.parent / "report.html",
        claim_file=claim_file,
        claims=[r.claim for r in results],
        argument=parsed.argument,
        source=parsed.source,
        summary=table,
        drivers=driver_table(results),
        breakevens=breakeven_table(results),
        plots=figures,
    )


def _figures(results: list[ClaimResult], note: str) -> list[tuple[str, Draw]]:
    """(file name, drawing) of every figure of a stress test, in the report's order."""
    jobs: list[tuple[str, Draw]] = []
    table = summary_table(results)
    if (table["scenario"] != "(data)").any():
        jobs.append(("probabilities", partial(cp.plot_claim_probabilities, table, note=note)))
    for r in results:
        label = metric_label(r.claim.metric)
        for i, b in enumerate(r.breakevens):
            draw = partial(cp.plot_breakeven, b, metric_label=label, note=note)
            jobs.append((f"{r.claim.id}_breakeven_{i}", draw))
        if r.box is not None and len(r.box.limits):
            cases = ~r.holds if r.box_outcome == "fails" else r.holds
            jobs.append(
                (f"{r.claim.id}_prim_tradeoff", partial(cp.plot_prim_tradeoff, r.box, note=note))
            )
            box = partial(
                cp.plot_prim_box, r.samples, cases, r.box, outcome=r.box_outcome, note=note
            )
            jobs.append((f"{r.claim.id}_prim_box", box))
        if r.curve is not None:
            title = f"{r.claim.id}: probability the condition is met by each year"
            draw = partial(cp.plot_probability_curve, r.curve, title=title, note=note)
            jobs.append((f"{r.claim.id}_by_year", draw))
    return jobs


def save_stress(results: list[ClaimResult], claim_file: Path, out_dir: Path) -> Path:
    """Write ``<out_dir>/stress_<file>/``: claims.csv, drivers.csv, breakevens.csv, verdicts.txt,
    plots and report.html, atomically."""
    summary = summary_table(results)
    writers = {
        "claims.csv": lambda p: summary.to_csv(p, index=False),
        "drivers.csv": lambda p: driver_table(results).to_csv(p, index=False),
        "breakevens.csv": lambda p: breakeven_table(results).to_csv(p, index=False),
        "verdicts.txt": lambda p: p.write_text(
            "".join(f"{r.claim.id}: {r.verdict}\n" for r in results)
        ),
        "plots": lambda p: write_stress_visuals(results, claim_file, p),
    }
    return write_run(out_dir / f"stress_{claim_file.stem}", writers, kind="stress")
