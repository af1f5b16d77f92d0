"""The chrome every report page shares: CSS, the answer box, tables, figures, the sources section.

A page is one self-contained file: inline CSS, images as data URIs, interactive plots with their
scripts inline. Nothing points outside the file, so it can be mailed, archived or pasted from.
Every piece of text from results, metrics or configs is escaped.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from scenarios import __version__
from scenarios.data.sources import Source, cite, full_reference, sources_in
from scenarios.errors import DataError

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0 auto;
max-width:1060px;padding:1.2rem 2rem;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;
padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0;max-width:100%}
th,td{border-bottom:1px solid #e3e3e3;padding:.25rem .6rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
td.nw{white-space:nowrap}
.wide{overflow-x:auto;max-width:100%}
figure{margin:1.2rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85rem;color:#555}
pre{background:#f7f7f7;padding:.8rem;overflow-x:auto;font-size:.8rem}
.lead{color:#555;margin-top:0}.caveats li{margin-bottom:.3rem}
.answer{background:#f3f7fb;border-left:4px solid #0072B2;padding:.6rem 1rem;margin:.6rem 0 1rem}
.answer p{margin:.3rem 0}.answer .big{font-size:1.15rem}.answer ul{margin:.3rem 0 .2rem 1.2rem;padding:0}
.sources li{margin-bottom:.3rem}.muted{color:#777;font-size:.85rem}
footer{color:#888;font-size:.75rem;margin-top:2rem}
"""
MIME = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def esc(value: object) -> str:
    """``value`` as escaped HTML text."""
    return html.escape(str(value))


def format_value(value: float, units: str = "", metric: str = "") -> tuple[str, str]:
    """Display text and units of a metric value: fractions as percent, years without commas."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a", units
    value = float(value)
    if units.startswith("fraction"):
        percent = "percentage points" if metric.endswith("_gap") else "percent"
        shown = f"{100 * value:.2f}" if abs(value) >= 1e-3 or value == 0 else f"{100 * value:.2g}"
        return shown, units.replace("fraction", percent, 1)
    if metric.endswith("_year") or units == "year":
        return f"{value:.0f}", units
    return (f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"), units


def probability(p: float) -> str:
    """A probability for people: "0 %", "< 0.1 %", "37 %", "> 99.9 %"; "n/a" when missing."""
    if p is None or not math.isfinite(float(p)):
        return "n/a"
    p = float(p)
    if p < 1e-9:
        return "0 %"
    if p > 1 - 1e-9:
        return "100 %"
    if p < 0.001:
        return "< 0.1 %"
    if p > 0.999:
        return "> 99.9 %"
    if p < 0.1:  # two significant digits where the size matters: 1.9 %, not 2 %
        return f"{100 * p:.2g} %"
    if p > 0.9:
        return f"{100 - float(f'{100 * (1 - p):.2g}'):g} %"
    return f"{100 * p:.0f} %"


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: set[int],
    nowrap: Iterable[int] = (),
) -> str:
    """An HTML table (escaped), scrolling inside the page when wider than it; ``numeric``
    columns align right, ``nowrap`` columns (years) never break."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    head = f"<thead><tr>{head}</tr></thead>" if head else ""
    keep = set(nowrap)

    def cell(i: int, c: str) -> str:
        classes = " ".join(k for k, on in (("num", i in numeric), ("nw", i in keep)) if on)
        return f'<td class="{classes}">{esc(c)}</td>' if classes else f"<td>{esc(c)}</td>"

    body = "".join(
        "<tr>" + "".join(cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f'<div class="wide"><table>{head}<tbody>{body}</tbody></table></div>'


def frame_table(frame: pd.DataFrame) -> str:
    """A DataFrame as an HTML table, numbers formatted to four significant digits."""
    numeric = {i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])}
    rows = [
        ["" if pd.isna(v) else (f"{v:.4g}" if i in numeric else str(v)) for i, v in enumerate(row)]
        for row in frame.itertuples(index=False)
    ]
    return table([str(c) for c in frame.columns], rows, numeric)


def window(start: object, end: object) -> str:
    """Years of a metric's window: "2023-2040", or "2040" for one year."""
    years = [f"{float(y):.0f}" for y in (start, end) if pd.notna(y)]
    return "-".join(dict.fromkeys(years))


def answer_box(sentences: Sequence[str], items: Sequence[str] = ()) -> str:
    """The answer a reader came for, at the top of the page: sentences, then a list (escaped)."""
    first, *rest = sentences
    paragraphs = [f'<p class="big">{esc(first)}</p>', *(f"<p>{esc(s)}</p>" for s in rest)]
    listed = "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>" if items else ""
    return f'<section class="answer" id="answer">{"".join(paragraphs)}{listed}</section>'


def image_uri(path: Path) -> str:
    """A plot file as a data URI."""
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"plot file {path} does not exist",
            value=str(path),
            hint="write the plots first (scenarios.outputs.plotting.plot_run)",
        )
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{MIME.get(path.suffix.lower(), 'image/png')};base64,{data}"


def caption(name: str, captions: Mapping[str, str]) -> str:
    """Caption of a plot: exact name, else the longest key it extends (spend_x -> spend)."""
    keys = [k for k in captions if name == k or name.startswith(f"{k}_")]
    return captions[max(keys, key=len)] if keys else name.replace("_", " ")


def figures(plots: Mapping[str, Path], captions: Mapping[str, str]) -> str:
    """Every plot embedded, with its caption."""
    return "\n".join(
        f'<figure><img src="{image_uri(path)}" alt="{esc(name)}">'
        f"<figcaption><b>{esc(name)}</b>: {esc(caption(name, captions))}</figcaption></figure>"
        for name, path in plots.items()
    )


def sources_section(texts: Iterable[str], extra: Sequence[Source] = ()) -> str:
    """The full references of every source named in ``texts`` (and ``extra``)."""
    found = {s.file: s for s in [*sources_in(texts), *extra]}
    if not found:
        return ""
    items = "".join(
        f"<li>{esc(full_reference(s))}</li>" for s in sorted(found.values(), key=lambda s: s.short)
    )
    return f'<h2 id="sources">Sources</h2><ul class="sources">{items}</ul>'


def cited(text: object) -> str:
    """``text`` with source file names replaced by their short references, escaped."""
    return esc(cite(str(text)))


def page(title: str, body: str, head: str = "") -> str:
    """A whole page: the title, the CSS (and ``head``, e.g. inline scripts), the body, a footer."""
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style>{head}</head><body>\n{body}\n"
        f"<footer>Generated by scenarios {esc(__version__)}.</footer></body></html>\n"
    )


def write_page(path: Path | str, text: str) -> Path:
    """Write a page (its folder is created); run folders make the whole write atomic."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
