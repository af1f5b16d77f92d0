"""The stress-test page (``scenarios stress``): the argument and each claim's verdict in words,
then the claims table, drivers and breakevens with labels, and the plots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from scenarios.analysis.claims import UNITS, Claim
from scenarios.config.labels import describe
from scenarios.data.sources import cite
from scenarios.outputs.report.numbers import number
from scenarios.outputs.report.page import (
    answer_box,
    esc,
    figures,
    page,
    probability,
    sources_section,
    table,
    write_page,
)

CAPTIONS = {
    "probabilities": "Probability that each claim holds over the sampled futures: dot, the share "
    "of futures; whisker, its 95 % Wilson interval.",
    "breakeven": "The claim's metric as one assumption moves across its 5-95 % range, the others "
    "at their medians; the dashed line is the claim's threshold.",
    "prim_tradeoff": "PRIM peeling trajectory: coverage against density of each candidate box; "
    "the circled box is the one reported.",
    "prim_box": "The futures in which the claim fails (or holds), with the PRIM box that "
    "describes them on its two leading dimensions.",
    "by_year": "Probability that the condition is met by each year.",
}


def _caption(name: str) -> str:
    """Caption of a stress plot: "probabilities", or "<claim>_<kind>[_i]"."""
    if name in CAPTIONS:
        return CAPTIONS[name]
    for kind in ("breakeven", "prim_tradeoff", "prim_box", "by_year"):
        claim, found, _ = name.partition(f"_{kind}")
        if found:
            return f"{claim}: {CAPTIONS[kind]}"
    return name.replace("_", " ")


OPS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least"}


def _value(claim: Claim, value: float) -> str:
    """A claim's metric value in its units: rates in percent (gaps in points), money in USD."""
    ref = claim.metric
    units = "fraction" if ref.reference and ref.change == "percent" else UNITS.get(ref.name, "")
    if units.startswith("fraction") and value == value:
        unit = "pp" if ref.name.endswith("_gap") else "%"
        return f"{100 * value:.3g} {unit}" + (" a year" if units.endswith("per year") else "")
    return number(value, units, ref.name)


def _condition(claim: Claim) -> str:
    c = claim.holds_if
    if c.op == "between":
        return f"between {_value(claim, c.low)} and {_value(claim, c.high)}"
    return f"{OPS[c.op]} {_value(claim, c.value)}"


def _share(row: pd.Series) -> str:
    n = int(row["n"])
    if row["probability"] == 0:
        return f"in none of {n:,} sampled futures"
    if row["probability"] == 1:
        return f"in all {n:,} sampled futures"
    return f"in {probability(row['probability'])} of {n:,} sampled futures"


def verdict(claim: Claim, row: pd.Series) -> str:
    """The verdict of one claim in words, probabilities and values for people."""
    if claim.scenario is None:
        holds = "holds" if row["probability"] >= 1 else "fails"
        text = (
            f"{holds} on the observed data: {_value(claim, row['metric_p50'])}; the claim "
            f"needs {_condition(claim)}"
        )
        if claim.published is not None:
            text += f"; published {_value(claim, claim.published)}"
        return text
    low, high = probability(row["ci_low"]), probability(row["ci_high"])
    return (
        f"holds {_share(row)} (95 % interval {low} to {high}); median "
        f"{_value(claim, row['metric_p50'])}, the claim needs {_condition(claim)}"
    )


def _leading_driver(drivers: pd.DataFrame, claim: str) -> str:
    """ "; driven most by <label> (Spearman +0.67)", or "" when nothing was sampled."""
    rows = drivers[drivers["claim"] == claim]
    if rows.empty or rows["spearman"].abs().max() < 0.1:
        return ""
    top = rows.loc[rows["spearman"].abs().idxmax()]
    return f"; driven most by {describe(top['parameter']).label} (Spearman {top['spearman']:+.2f})"


def _claims_table(summary: pd.DataFrame, claims: Mapping[str, Claim]) -> str:
    rows = []
    for _, r in summary.iterrows():
        claim = claims[r["claim"]]
        data = claim.scenario is None
        rows.append(
            [
                r["claim"],
                claim.text,
                "observed data" if data else str(r["scenario"]),
                "" if data else probability(r["probability"]),
                "" if data else f"{probability(r['ci_low'])} to {probability(r['ci_high'])}",
                f"{int(r['n']):,}",
                _value(claim, r["metric_p50"]),
                _condition(claim),
                "" if pd.isna(r["published"]) else _value(claim, r["published"]),
                cite(str(r["source"])),
            ]
        )
    header = ["claim", "text", "scenario", "P(holds)", "95 % interval", "futures"]
    header += ["median of metric", "holds if", "published", "source"]
    return table(header, rows, numeric={3, 5, 6, 8})


def _drivers_table(drivers: pd.DataFrame) -> str:
    frame = drivers.assign(size=drivers["spearman"].abs()).sort_values(
        ["claim", "size"], ascending=[True, False], kind="stable"
    )
    rows = [
        [r.claim, describe(r.parameter).label, r.parameter, f"{r.spearman:+.2f}"]
        for r in frame.itertuples()
    ]
    return table(["claim", "assumption", "key", "Spearman rank correlation"], rows, numeric={3})


def _breakevens_table(breakevens: pd.DataFrame) -> str:
    rows = []
    for r in breakevens.itertuples():
        label = describe(r.parameter)
        units = f" {label.units}" if label.units else ""
        flips = "never in the range" if pd.isna(r.breakeven) else f"{r.breakeven:.4g}{units}"
        rows.append(
            [r.claim, label.label, flips, f"{r.range_low:.4g} to {r.range_high:.4g}{units}"]
        )
    header = ["claim", "assumption", "claim flips at", "range tried (5-95 %)"]
    return table(header, rows, numeric=set())


def write_stress_report(
    path: Path | str,
    *,
    claim_file: Path,
    summary: pd.DataFrame,
    drivers: pd.DataFrame,
    breakevens: pd.DataFrame,
    plots: Mapping[str, Path],
    claims: Sequence[Claim] = (),
    argument: str = "",
    source: str = "",
) -> Path:
    """Write one self-contained HTML page with the stress test of a claim file: the argument
    and each claim's verdict first, then probabilities, drivers, breakevens and PRIM plots.

    ``claims`` are the claim file's claims (their text and units); ``argument`` and ``source``
    the file's argument and the document it comes from.
    """
    by_id = {c.id: c for c in claims}
    title = f"Stress test: {claim_file.stem}"
    items = [
        f"“{by_id[r['claim']].text}” {verdict(by_id[r['claim']], r)}"
        f"{_leading_driver(drivers, r['claim'])}."
        for _, r in summary.iterrows()
        if r["claim"] in by_id
    ]
    opening = argument or f"The claims of {claim_file.name}"
    answer = answer_box(
        [
            f"{cite(source)} argues: {opening}" if source and argument else opening,
            "What the model says of each claim:",
        ],
        items,
    )
    body = "\n".join(
        [
            f"<h1>{esc(title)}</h1>",
            answer,
            f'<p class="muted">Source of the claims: {esc(cite(source) or claim_file.name)}; '
            "futures are model runs on the embedded UN AMA data, drawn from each scenario's "
            "uncertain inputs.</p>",
            "<h2>Claims</h2>",
            _claims_table(summary, by_id) if by_id else "",
            "<h2>What drives each claim</h2>",
            "<p>Spearman rank correlation of each assumption with the claim's metric over the "
            "sampled futures, strongest first.</p>",
            _drivers_table(drivers),
            "<h2>Breakeven values</h2>",
            "<p>Where a claim flips as one assumption moves, the others at their medians.</p>",
            _breakevens_table(breakevens),
            "<h2>Plots</h2>",
            figures(plots, {name: _caption(name) for name in plots}),
            sources_section([source, *summary["source"].astype(str)]),
        ]
    )
    return write_page(path, page(title, body))
