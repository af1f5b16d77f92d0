"""Screenshots of the explorer for docs/explorer.md: ``python docs/explorer_screenshots.py``.

Starts ``scenarios explore`` on a free port, opens two settings by their shareable addresses in
the system's Chromium (Playwright, nothing downloaded) and writes docs/images/explorer_*.png.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from scenarios.outputs.explorer.serve import free_port

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SETTINGS = {
    "explorer_full45.png": "",
    "explorer_cut.png": "?programs.manufacturing_usa.new_institute_budget.total=1000"
                        "&programs.manufacturing_usa.match_ratio=1.5",
}


def main() -> None:
    images = Path(__file__).parent / "images"
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "scenarios", "explore", "nnmi_full45", "--port", str(port)],
                              stdout=subprocess.PIPE, text=True)
    try:
        print(server.stdout.readline().strip())
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for name, query in SETTINGS.items():
                page.goto(f"http://127.0.0.1:{port}/{query}")
                page.wait_for_selector("td.median", timeout=30_000)
                time.sleep(2)  # the charts draw after the tables
                page.screenshot(path=images / name, full_page=True)
                print(f"wrote {images / name}")
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
