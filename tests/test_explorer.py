"""The explorer in a real browser: Playwright drives the system's Chromium (nothing is downloaded)
against ``scenarios explore`` running in a subprocess; every number is checked against
``scenarios.api.run`` for the same setting."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scenarios import api
from scenarios.errors import ConfigError

pytestmark = pytest.mark.slow  # the explorer in a real browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install '.[test]')"
)

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
N = 200
GAIN_2035 = 'td.median[data-key="USA MVA gain|2035"]'
BUDGET = "programs.manufacturing_usa.new_institute_budget.total"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """``scenarios explore`` in a subprocess; stopped with Ctrl-C (SIGINT) at the end."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scenarios",
            "explore",
            "nnmi_full45",
            "--port",
            str(port),
            "--samples",
            str(N),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    line = process.stdout.readline()
    assert f"http://127.0.0.1:{port}/" in line, line
    yield f"http://127.0.0.1:{port}/"
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "stopped" in output and "Traceback" not in output, output


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def seen() -> dict[str, list]:
    """Every request URL and console error of every page the tests open."""
    return {"requests": [], "errors": []}


@pytest.fixture(scope="module")
def open_page(browser, seen):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)

    def open_(url: str):
        page = context.new_page()
        page.on("request", lambda request: seen["requests"].append(request.url))
        page.on(
            "console",
            lambda message: message.type == "error" and seen["errors"].append(message.text),
        )
        page.on("pageerror", lambda error: seen["errors"].append(str(error)))
        page.goto(url)
        page.wait_for_selector(GAIN_2035, timeout=30_000)
        return page

    yield open_
    context.close()


@pytest.fixture(scope="module")
def page(server, open_page):
    return open_page(server)


def shown_gain(page) -> float:
    return float(page.locator(GAIN_2035).get_attribute("data-value"))


def wait_for_gain(page, expected: float, timeout: float = 20) -> float:
    """Poll the displayed 2035 gain until it equals ``expected`` (the page updates asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = shown_gain(page)
        if value == pytest.approx(expected, rel=1e-12):
            return value
        time.sleep(0.1)
    return shown_gain(page)


def api_gain(overrides: list[str], config: str | Path = "nnmi_full45") -> float:
    run = api.run(config, overrides=overrides, samples=N)
    m = run.metrics
    row = m[
        (m["metric"] == "delta_mva")
        & (m["country"] == "USA")
        & (m["end"] == 2035)
        & (m["statistic"] == "p50")
    ]
    return float(row["value"].iloc[0])


def lever(page, text: str):
    return page.locator(".lever").filter(has_text=text).first


def test_start_shows_the_api_numbers(page):
    assert shown_gain(page) == pytest.approx(api_gain([]), rel=1e-12)


def test_moving_the_budget_slider_shows_the_api_value(page):
    handle = lever(page, "Budget for new institutes").locator(".noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowLeft")  # three steps of $10M: 1890 -> 1860
    expected = api_gain([f"{BUDGET}=1860"])
    assert wait_for_gain(page, expected) == pytest.approx(expected, rel=1e-12)
    assert f"{BUDGET}=1860" in page.url  # the setting is in the address: a link shares it


def test_export_reruns_to_the_same_numbers(page, tmp_path):
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the setting as YAML").click()
    path = tmp_path / "setting.yaml"
    download.value.save_as(path)
    assert "total: 1860" in path.read_text()
    assert api_gain([], config=path) == pytest.approx(shown_gain(page), rel=1e-12)


def test_a_shared_link_opens_the_same_view_in_its_own_session(page, server, open_page):
    shared = open_page(page.url)
    assert wait_for_gain(shared, shown_gain(page)) == pytest.approx(shown_gain(page), rel=1e-12)
    fresh = open_page(server)
    assert shown_gain(fresh) == pytest.approx(
        api_gain([]), rel=1e-12
    )  # untouched by the other sessions
    shared.close()
    fresh.close()


def test_a_bad_value_shows_the_schema_message(page):
    box = lever(page, "Survival after federal exit").locator("input").first
    box.fill("1.5")
    box.press("Enter")
    message = page.locator("pre.config-error")
    message.wait_for(timeout=20_000)
    with pytest.raises(ConfigError) as expected:
        api.load_config("nnmi_full45", ["programs.manufacturing_usa.survival=1.5"])
    schema_says = str(expected.value).split(": ", 1)[
        1
    ]  # after the place: the command line, here the page
    assert message.inner_text().strip().endswith(schema_says.strip())
    assert "Traceback" not in page.content()
    box.fill("0.95")
    box.press("Enter")
    message.wait_for(state="hidden", timeout=20_000)


def test_the_scenario_picker_starts_from_another_config(server, open_page):
    other = open_page(server)
    other.locator("select").first.select_option("funding_cut")
    expected = api_gain([], config="funding_cut")
    assert wait_for_gain(other, expected) == pytest.approx(expected, rel=1e-12)
    assert other.url.endswith("?scenario=funding_cut")
    other.close()


def test_no_console_errors_and_no_request_beyond_the_app(page, server, seen):
    app = urlsplit(server).netloc
    assert seen["requests"]
    assert {
        urlsplit(url).netloc for url in seen["requests"] if not url.startswith(("data:", "blob:"))
    } == {app}
    assert seen["errors"] == []
