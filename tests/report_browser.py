"""Open a report in headless Chromium (the system browser, no download) and inspect it."""

import shutil
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


@dataclass
class PageCheck:
    errors: list[str]
    requests: list[str]  # every URL the page asked for
    images: list[tuple[str, int]]  # (alt, naturalWidth)
    text: str


def inspect(html: Path, screenshot: Path, width: int = 1100) -> PageCheck:
    """Load ``html`` offline, collect console errors, image sizes and text; full-page PNG."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html.resolve().as_uri(), wait_until="load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.alt, e.complete ? e.naturalWidth : 0])")
            text = page.inner_text("body")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return PageCheck(errors, requests, [(a, int(w)) for a, w in images], text)
