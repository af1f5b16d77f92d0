"""The audit page (``scenarios audit``): how many published figures reproduce, the misses in
words, every figure, how they were recomputed, the sources."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from scenarios.data.sources import cite
from scenarios.outputs.report.page import (
    answer_box,
    cited,
    esc,
    frame_table,
    page,
    sources_section,
    write_page,
)


def write_audit_report(
    path: Path | str, *, lead: Sequence[str], figures: pd.DataFrame, method: Sequence[str]
) -> Path:
    """Write the published-figure audit as one self-contained page: the answer, every figure, how.

    ``lead`` is the answer (first line) and one line per figure that does not reproduce;
    ``figures`` the table of every figure; ``method`` how they were recomputed.
    """
    title = "Published figures, recomputed"
    answer, *missed = lead
    shown = figures.map(lambda v: cite(v) if isinstance(v, str) else v)
    body = "\n".join(
        [
            f"<h1>{esc(title)}</h1>",
            answer_box([cite(answer)], [cite(line) for line in missed]),
            '<p class="muted">Source: the figures as printed in the source documents (below), '
            "recomputed from the embedded UN AMA and World Bank WDI data.</p>",
            "<h2>Every figure</h2>",
            frame_table(shown),
            "<h2>How</h2><ul>" + "".join(f"<li>{cited(line)}</li>" for line in method) + "</ul>",
            sources_section([*missed, *figures.astype(str).to_numpy().ravel(), *method]),
        ]
    )
    return write_page(path, page(title, body))
