"""Every kind of report in a real browser: Playwright drives the system's Chromium (nothing is
downloaded) over the pages the command line writes. Each page must open with its answer above
the fold at 1280x800, make no network request, log no console error, cite sources by name, print
years as years and keep its tables inside a 1280 px window."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.analysis.claims import load_claims, resolve_claim_path
from scenarios.data.sources import FILE_NAME

pytestmark = pytest.mark.slow  # the command line end to end, then a real browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install '.[test]')"
)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
COMMANDS = [  # two waves: the second reads the first's runs
    [
        ["run", "nnmi_full45", "--samples", "40", "--seed", "1"],
        ["run", "baseline"],
        ["sensitivity", "nnmi_full45", "--method", "sobol", "-n", "32", "--seed", "1"],
        ["stress", "itif_full45", "--samples", "100", "--max-samples", "200"],
    ],
    [
        ["compare", "runs/baseline", "runs/nnmi_full45"],
        ["audit"],
        ["backtest", "baseline", "--fit", "2004", "2015", "--test", "2016", "2023"],
    ],
]
PAGES = {
    "run": "runs/nnmi_full45/report.html",
    "compare": "runs/compare_baseline_vs_nnmi_full45/report.html",
    "sensitivity": "runs/nnmi_full45_sensitivity/report.html",
    "stress": "runs/stress_itif_full45/report.html",
    "audit": "runs/audit/report.html",
    "backtest": "runs/backtest/report.html",
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder with every kind of report, written by the command line (a wave's commands at
    once, as a user with several terminals would)."""
    cwd = tmp_path_factory.mktemp("reports")
    for wave in COMMANDS:
        started = [
            (
                command,
                subprocess.Popen(
                    [sys.executable, "-m", "scenarios", *command],
                    cwd=cwd,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env={**os.environ, "COLUMNS": "120"},
                ),
            )
            for command in wave
        ]
        for command, process in started:
            stdout, stderr = process.communicate()
            assert process.returncode == 0, (command, stdout, stderr)
    return cwd


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


SEEN = """() => {
  const answer = document.querySelector('#answer');
  const tables = [...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right);
  return {
    answer_top: answer ? answer.getBoundingClientRect().top : null,
    answer_items: answer ? answer.querySelectorAll('li').length : 0,
    answer: answer ? answer.innerText : '',
    text: document.body.innerText,
    widest: Math.max(document.documentElement.scrollWidth, ...tables),
    charts: document.querySelectorAll('figure.interactive').length,
    year_cells: [...document.querySelectorAll('table')].flatMap(t => {
      const heads = [...t.querySelectorAll('thead th')].map(h => h.innerText.trim());
      const keep = heads.flatMap((h, i) => ['years', 'start', 'end'].includes(h) ? [i] : []);
      return [...t.querySelectorAll('tbody tr')].flatMap(
        r => keep.map(i => (r.children[i] || {}).innerText || ''));
    }),
    bokeh: typeof Bokeh,
  };
}"""


@pytest.fixture(scope="module")
def seen(browser, folder) -> dict[str, dict]:
    """What each report shows at 1280x800, with the requests beyond its file and console errors;
    each page is opened once."""
    out = {}
    for kind, relative in PAGES.items():
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        url = (folder / relative).as_uri()
        requests: list[str] = []
        errors: list[str] = []
        page.on(
            "request",
            lambda r, url=url, requests=requests: (
                requests.append(r.url) if not r.url.startswith((url, "data:")) else None
            ),
        )
        page.on(
            "console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.goto(url)
        page.wait_for_load_state("networkidle")
        out[kind] = {**page.evaluate(SEEN), "requests": requests, "errors": errors}
        context.close()
    return out


@pytest.mark.parametrize("kind", PAGES)
def test_no_console_error_and_no_network_request(seen, kind):
    assert seen[kind]["requests"] == []
    assert seen[kind]["errors"] == []


@pytest.mark.parametrize("kind", PAGES)
def test_the_answer_comes_first_above_the_fold(seen, kind):
    assert seen[kind]["answer_top"] is not None, kind
    assert seen[kind]["answer_top"] < 300, seen[kind]["answer_top"]  # right under the title
    assert seen[kind]["answer_items"] >= 1


def test_the_stress_answer_gives_each_claim_in_words(seen):
    answer = seen["stress"]["answer"]
    for claim in load_claims(resolve_claim_path("itif_full45")).claims:
        assert claim.text in answer
    assert "e-" not in answer  # no raw fractions like 4.337e-19


@pytest.mark.parametrize("kind", PAGES)
def test_no_file_names_or_comma_years_in_the_visible_text(seen, kind):
    text = seen[kind]["text"]
    before_sources = text.split("\nSources\n")[0]
    assert not FILE_NAME.search(before_sources)
    assert seen[kind]["year_cells"] or kind not in ("run", "compare")  # the check sees years
    comma_year = re.compile(r"\b[12],\d{3}\b")
    assert not [c for c in seen[kind]["year_cells"] if comma_year.search(c)]
    assert not re.search(r"\b(?:in|by|from|to|since|until) [12],\d{3}\b", text)


@pytest.mark.parametrize("kind", PAGES)
def test_tables_fit_a_1280_px_window(seen, kind):
    assert seen[kind]["widest"] <= 1280


@pytest.mark.parametrize("kind", ["run", "compare"])
def test_charts_are_interactive(seen, kind):
    assert seen[kind]["charts"] >= 1
    assert seen[kind]["bokeh"] == "object"
