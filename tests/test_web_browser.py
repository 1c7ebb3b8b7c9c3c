"""End to end in Debian's chromium (Playwright, no browser download): log in, create an
athlete, upload the short dev clip, wait for the analysis, open the report, download the PDF.

Screenshots go to the test's folder, or to $MOVESCREEN_WEB_SCREENSHOTS when set (to look at).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from report_browser import ARGS, chromium_path
from webclient import PASSWORD, Server, add_user

SHORT = "squat_frontal_goblet_short_04.mp4"


def test_coach_flow_in_chromium(tmp_path: Path, videos: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    browser_path = chromium_path()
    if browser_path is None:
        from conftest import in_ci

        if in_ci():
            pytest.fail("chromium is missing: apt-get install -y chromium (see .ci/run)")
        pytest.skip("chromium is missing: apt-get install -y chromium")
    shots = Path(os.environ.get("MOVESCREEN_WEB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data"
    add_user(data, "anna")
    server = Server(data, tmp_path / "server.log").start()
    errors: list[str] = []
    hosts: set[str] = set()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=ARGS)
            page = browser.new_context(accept_downloads=True,
                                       viewport={"width": 1100, "height": 900}).new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or ""))

            page.goto(f"{server.url}/athletes")  # not logged in: sent to the login page
            expect(page).to_have_url(re.compile(r"/login$"))
            page.fill("input[name=username]", "anna")
            page.fill("input[name=password]", PASSWORD)
            page.screenshot(path=str(shots / "1-login.png"))
            page.click("button:has-text('Log in')")
            expect(page).to_have_url(re.compile(r"/athletes$"))

            page.fill("input[name=name]", "Jo <b>Test</b>")
            page.select_option("select[name=sex]", "female")
            page.fill("input[name=birth_year]", "1999")
            page.select_option("select[name=goal]", "running")
            page.click("button:has-text('Add athlete')")
            expect(page).to_have_url(re.compile(r"/athletes/\d+$"))
            expect(page.locator("h1")).to_have_text("Jo <b>Test</b>")  # shown as text

            page.set_input_files("#files", str(videos / SHORT))
            expect(page.locator("#queue td.name")).to_have_text(SHORT)
            page.select_option("#queue select[name=test]", "squat")
            page.screenshot(path=str(shots / "2-upload.png"), full_page=True)
            page.click("button:has-text('Upload and analyse')")
            expect(page.locator("table.list a", has_text=SHORT)).to_be_visible()
            page.screenshot(path=str(shots / "3-queued.png"), full_page=True)
            expect(page.locator("table.list .status")).to_have_text("Done", timeout=180_000)

            page.click(f"table.list a:has-text('{SHORT}')")
            expect(page).to_have_url(re.compile(r"/clips/\d+$"))
            expect(page.locator("a:has-text('Open the report')")).to_be_visible(
                timeout=60_000)  # the page reloads itself once the report is made
            page.screenshot(path=str(shots / "4-clip.png"), full_page=True)

            with page.expect_download() as download:
                page.click("a:has-text('Download the PDF')")
            pdf = tmp_path / "report.pdf"
            download.value.save_as(pdf)
            assert pdf.read_bytes().startswith(b"%PDF")

            page.click("a:has-text('Open the report')")
            expect(page).to_have_url(re.compile(r"/athletes/\d+/report$"))
            expect(page.locator("body")).to_contain_text("Jo <b>Test</b>")
            page.screenshot(path=str(shots / "5-report.png"), full_page=True)

            page.go_back()
            page.go_back()
            page.reload()
            expect(page.locator("#plan h2")).to_contain_text("Phase")
            page.screenshot(path=str(shots / "6-athlete.png"), full_page=True)

            page.goto(f"{server.url}/docs")  # the API's OpenAPI page, served offline too
            expect(page.locator("body")).to_contain_text("/api/athletes/{athlete_id}/clips")
            page.screenshot(path=str(shots / "7-api-docs.png"))
            browser.close()
    finally:
        server.stop()
    assert errors == []
    assert hosts == {"127.0.0.1"}  # nothing fetched from anywhere else (no CDN)


DROP = """([name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, { type: "video/mp4" }));
  return dt;
}"""


def test_drop_and_record_in_chromium(tmp_path: Path, videos: Path) -> None:
    """Drag and drop a clip; record one from Chromium's fake camera (MediaRecorder) under the
    framing guide; both are stored and queued (the decoder accepts the browser's recording)."""
    import base64

    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get("MOVESCREEN_WEB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data"
    add_user(data, "anna")
    server = Server(data, tmp_path / "server.log").start()
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium_path(),
                args=[*ARGS, "--use-fake-device-for-media-stream",
                      "--use-fake-ui-for-media-stream"])
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{server.url}/login")
            page.fill("input[name=username]", "anna")
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('Log in')")
            page.fill("input[name=name]", "Rec")
            page.click("button:has-text('Add athlete')")
            expect(page).to_have_url(re.compile(r"/athletes/\d+$"))

            clip = base64.b64encode((videos / SHORT).read_bytes()).decode()
            dt = page.evaluate_handle(DROP, ["dropped.mp4", clip])
            page.dispatch_event("#drop", "drop", {"dataTransfer": dt})
            expect(page.locator("#queue td.name")).to_have_text("dropped.mp4")
            page.select_option("#queue select[name=test]", "squat")
            page.click("button:has-text('Upload and analyse')")
            expect(page.locator("table.list a", has_text="dropped.mp4")).to_be_visible()

            page.click("#cam-on")
            expect(page.locator("#rec")).to_be_enabled()
            page.select_option("#rec-test", "squat")
            page.locator(".recorder").screenshot(path=str(shots / "8-camera-guide.png"))
            page.click("#rec")
            page.wait_for_timeout(2500)
            page.click("#stop")
            expect(page.locator("table.list a", has_text="recording.webm")).to_be_visible(
                timeout=30_000)
            page.screenshot(path=str(shots / "9-recorded.png"), full_page=True)
            browser.close()
    finally:
        server.stop()
    assert errors == []
