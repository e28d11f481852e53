"""Open a report page in headless Chromium (Debian's package, driven by playwright) and check what a reader sees.

Only Debian's /usr/bin/chromium is used: playwright never downloads a browser here. Without it the browser tests
skip with the reason, or fail when SOCIALMART_REQUIRE_BROWSER is set (CI sets it; `make test` installs chromium).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from report_page import parse_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ENV = "SOCIALMART_REQUIRE_BROWSER"
ARTIFACTS = Path(__file__).parent / "artifacts" / "screenshots"
# Chromium as the machine notes run it: no background traffic on a closed network (launch() adds --headless and a
# fresh temporary profile).
FLAGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Debian Chromium for the session, or skip (fail under SOCIALMART_REQUIRE_BROWSER) without it."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (make test installs Debian's chromium when run as root)"
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set, but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def check_in_browser(browser: Browser, html: Path, screenshot_name: str) -> Path:
    """Open `html` and assert: no console error, no request leaving the file, every chart drawn with a size, every
    headline figure visible with the text the page holds. Saves a full-page screenshot and returns its path."""
    expected = parse_page(html)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(html.resolve().as_uri(), wait_until="load")
        assert errors == [], errors
        assert [url for url in requests if not url.startswith("file://")] == []
        charts = page.locator("svg[data-chart]")
        assert charts.count() == len(expected.charts) > 0
        for index in range(charts.count()):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert chart.is_visible() and box is not None and box["width"] > 300 and box["height"] > 100, box
            assert chart.locator("path, rect, use").count() > 0
        assert expected.kpis
        for key, fields in expected.kpis.items():
            figure = page.locator(f'[data-kpi="{key}"] [data-field="actual"]')
            figure.scroll_into_view_if_needed()
            assert figure.is_visible(), key
            assert figure.inner_text().strip() == fields["actual"].text, key
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        screenshot = ARTIFACTS / f"{screenshot_name}.png"
        page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.close()
    print(f"screenshot: {screenshot}")
    return screenshot
