"""A solve's folder: solve.csv, the probability curve (or grid), its plot and report.html."""

from __future__ import annotations

from pathlib import Path

from scenarios.analysis.claims import metric_label
from scenarios.analysis.solve import GridSolution, Solution, probability_surface
from scenarios.data.sources import cite
from scenarios.outputs.plotting import solve as sp
from scenarios.outputs.report import write_solve_report
from scenarios.results import write_run


def _note(solution: Solution | GridSolution) -> str:
    return (
        f"Source: claim {solution.claim.id} ({solution.claim_file.name}, {cite(solution.claim.source)}); "
        f"metric {metric_label(solution.claim.metric)} {solution.claim.holds_if}; every lever "
        f"value on the same {solution.samples:,} futures (seed {solution.seed}); model runs on "
        "the embedded UN AMA data."
    )


def write_solve_visuals(solution: Solution | GridSolution, plots_dir: Path) -> None:
    """plots/probability.png (one lever) or plots/contour.png (two) and report.html beside."""
    import matplotlib.pyplot as plt

    plots_dir.mkdir()
    if isinstance(solution, GridSolution):
        a, b = solution.levers
        ax = sp.plot_solve_contour(
            *probability_surface(solution),
            labels=(f"{a.label} ({a.units})", f"{b.label} ({b.units})"),
            targets=solution.targets,
            claim=solution.claim.id,
            note=_note(solution),
        )
        name = "contour"
    else:
        lever = solution.lever
        ax = sp.plot_solve_curve(
            solution.curve,
            solution.answers,
            path=lever.path,
            label=lever.label,
            units=lever.units,
            claim=solution.claim.id,
            note=_note(solution),
        )
        name = "probability"
    path = plots_dir / f"{name}.png"
    ax.figure.savefig(path, dpi=150)
    plt.close(ax.figure)
    write_solve_report(
        plots_dir.parent / "report.html",
        claim=solution.claim,
        levers=solution.levers,
        sentences=solution.sentences(),
        notes=solution.warnings,
        table=solution.table(),
        curve=solution.grid if isinstance(solution, GridSolution) else solution.curve,
        plots={name: path},
    )


def save_solve(solution: Solution | GridSolution, out_dir: str | Path = "runs") -> Path:
    """Write ``<out_dir>/solve_<claim>/`` atomically: solve.csv, curve.csv (grid.csv with two
    levers), answers.txt, plots and report.html."""
    curve = solution.grid if isinstance(solution, GridSolution) else solution.curve
    writers = {
        "solve.csv": lambda p: solution.table().to_csv(p, index=False),
        ("grid.csv" if isinstance(solution, GridSolution) else "curve.csv"): lambda p: curve.to_csv(
            p, index=False
        ),
        "answers.txt": lambda p: p.write_text(
            "".join(f"{line}\n" for line in [*solution.sentences(), *solution.warnings])
        ),
        "plots": lambda p: write_solve_visuals(solution, p),
    }
    return write_run(Path(out_dir) / f"solve_{solution.claim.id}", writers, kind="solve")
