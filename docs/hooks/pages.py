"""MkDocs hook: equations typeset at build time, and pages that need nothing from the network.

- Math: pymdownx.arithmatex marks ``$...$`` and ``$$...$$`` (its ``generic`` output); here each is
  converted to MathML with latex2mathml, which browsers render natively. No JavaScript, no CDN,
  and an equation the converter cannot handle fails the build instead of showing raw TeX to a
  reader. One equation per ``$$`` block: browsers ignore MathML's column alignment, so
  ``aligned`` and its kin are refused.
- Placeholders such as ``countries.<key>`` in the text (the generated config reference has many)
  are shown as text, not swallowed by the browser as unknown HTML tags.
- Notebook pages: mkdocs-jupyter's template loads MathJax and mermaid from a CDN; the notebooks use
  neither (a "$" in them is a dollar), so those loaders are removed and the site works offline.
- API reference: Sphinx roles in docstrings (``:func:`run```) are shown as plain code.
"""

from __future__ import annotations

import html
import logging
import re

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError

_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">(?:\\\[|\$\$)?(.*?)(?:\\\]|\$\$)?</div>', re.S)
_HTML_TAGS = {
    "a",
    "abbr",
    "b",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figure",
    "figcaption",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "var",
}
_PLACEHOLDER = re.compile(r"<([A-Za-z][\w.-]*)>")
_CODE = re.compile(r"(^(?P<fence>```|~~~).*?^(?P=fence)[ \t]*$|`[^`\n]+`)", re.S | re.M)
_CDN_LOADERS = (
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    re.compile(
        r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*?</script>', re.S
    ),
)
log = logging.getLogger("mkdocs.hooks.pages")

_ROLE = re.compile(r":(?:func|class|meth|mod|attr|obj|data|exc):(<code>)")


def _mathml(tex: str, display: str, page) -> str:
    tex = html.unescape(tex).strip()
    log.debug("%s: typesetting %s", page.file.src_path, tex)
    if r"\begin{" in tex:
        raise PluginError(
            f"{page.file.src_path}: {tex!r}: write one equation per $$ block "
            "(browsers ignore MathML column alignment: rows would be centred)"
        )
    try:
        out = convert(tex, display=display)
    except Exception as exc:  # latex2mathml raises plain exceptions for what it does not know
        raise PluginError(f"{page.file.src_path}: cannot typeset {tex!r}: {exc}") from exc
    unknown = re.search(r">(?:\\[A-Za-z]+|&amp;|&)<", out)  # a command or "&" left as text
    if unknown:
        raise PluginError(
            f"{page.file.src_path}: cannot typeset {tex!r}: latex2mathml does not "
            f"know {unknown.group(0)}"
        )
    return out


def _escape_placeholders(text: str) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        return match.group(0) if name.lower() in _HTML_TAGS else f"&lt;{name}&gt;"

    out = []
    last = 0
    for code in _CODE.finditer(text):
        out.append(_PLACEHOLDER.sub(one, text[last : code.start()]))
        out.append(code.group(0))
        last = code.end()
    out.append(_PLACEHOLDER.sub(one, text[last:]))
    return "".join(out)


def on_page_markdown(markdown: str, page, config, files) -> str:
    return _escape_placeholders(markdown)


def on_page_content(content: str, page, config, files) -> str:
    if page.file.src_path.endswith(".ipynb"):
        for loader in _CDN_LOADERS:
            content = loader.sub("", content)
        return content
    content = _BLOCK.sub(lambda m: _mathml(m.group(1), "block", page), content)
    content = _INLINE.sub(lambda m: _mathml(m.group(1), "inline", page), content)
    return _ROLE.sub(r"\1", content)
