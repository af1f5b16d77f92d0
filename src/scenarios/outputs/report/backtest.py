"""The backtest page (``scenarios backtest``): which baseline-growth method projected the test
window best, per country, then the scores and the plot."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scenarios.config.labels import COUNTRY_NAMES
from scenarios.outputs.report.page import answer_box, esc, figures, page, table, write_page


def _best(group: pd.DataFrame) -> str:
    best = group.loc[group["mape"].idxmin()]
    own = group[group["in_config"].astype(bool)]
    text = (
        f"{COUNTRY_NAMES.get(best['country'], best['country'])}: best {best['label']} "
        f"(MAPE {best['mape']:.1%}, CAGR error {100 * best['cagr_error']:+.2f} pp)"
    )
    if not own.empty and own["method"].iloc[0] != best["method"]:
        mine = own.iloc[0]
        text += f"; the config's {mine['label']}: MAPE {mine['mape']:.1%}"
    return text + "."


def write_backtest_report(
    path: Path | str, *, table_: pd.DataFrame, plot: Path, labels: dict[str, str]
) -> Path:
    """Write the backtest page: the best method per country first, then every score and the plot.

    ``table_`` is :func:`scenarios.analysis.calibration.backtesting.score_backtest`'s table,
    ``labels`` a readable name per method.
    """
    frame = table_.assign(label=table_["method"].map(lambda m: labels.get(m, m)))
    first = frame.iloc[0]
    fit = f"{first['fit_start']:.0f}-{first['fit_end']:.0f}"
    test = f"{first['test_start']:.0f}-{first['test_end']:.0f}"
    title = f"Backtest: fitted {fit}, projected {test}"
    items = [_best(group) for _, group in frame.groupby("country", sort=False)]
    rows = [
        [
            COUNTRY_NAMES.get(r.country, r.country),
            r.label + (" (config)" if r.in_config else ""),
            f"{r.mape:.2%}",
            f"{r.cagr_projected:.2%}",
            f"{r.cagr_actual:.2%}",
            f"{100 * r.cagr_error:+.2f}",
        ]
        for r in frame.itertuples()
    ]
    header = ["country", "method", "MAPE of MVA level", f"CAGR {test} projected", "observed"]
    body = "\n".join(
        [
            f"<h1>{esc(title)}</h1>",
            answer_box(
                [
                    f"Which way of projecting baseline growth, fitted on {fit}, came closest to "
                    f"the observed MVA of {test}:"
                ],
                items,
            ),
            '<p class="muted">MAPE: mean absolute percentage error of the MVA level over the '
            "test window; CAGR error: projected minus observed, in percentage points. Source: "
            "the embedded UN AMA data (constant 2015 prices).</p>",
            "<h2>Every method</h2>",
            table([*header, "CAGR error (pp)"], rows, numeric={2, 3, 4, 5}),
            "<h2>Plot</h2>",
            figures({"backtest": plot}, {"backtest": "Projections against the observed MVA."}),
            '<p class="muted">The scores are in backtest.csv beside this page.</p>',
        ]
    )
    return write_page(path, page(title, body))
