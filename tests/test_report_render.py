"""The report of a real clip, as a coach gets it: HTML in headless Chromium, the PDF as PNG
pages, the annotated video decoded. Needs the clips, Debian's chromium and poppler-utils."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import av
import pytest
from report_browser import chromium_path, inspect
from typer.testing import CliRunner

from movescreen.cli import app as main_app
from movescreen.report.video import frame_count

pytestmark = pytest.mark.clips
CLIP = "squat_frontal_goblet_short_04.mp4"  # 30 frames: quick to analyse

def _need(tool: str | None, what: str) -> str:
    if not tool:
        from conftest import in_ci

        message = f"{what} is missing: apt-get install -y chromium poppler-utils (see .ci/run)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return tool


@pytest.fixture(scope="module")
def analysed(videos: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """analyze --recommend of the short squat clip, then `report --video` (PDF on)."""
    out = tmp_path_factory.mktemp("report") / "athlete"
    res = CliRunner().invoke(main_app, ["analyze", str(videos / CLIP), "--test", "squat",
                                        "--out", str(out), "--fast", "--recommend",
                                        "--sex", "female"])
    assert res.exit_code == 0, res.output
    res = CliRunner(env={"COLUMNS": "250"}).invoke(
        main_app, ["report", str(out), "--athlete-name", "<script>alert('x')</script> Jo",
              "--notes", "first screen", "--video"])
    assert res.exit_code == 0, res.output
    return out


def test_html_in_headless_chromium(analysed: Path, tmp_path: Path):
    _need(chromium_path(), "chromium")
    shot = tmp_path / "report.png"
    page = inspect(analysed / "report.html", shot)
    if os.environ.get("MOVESCREEN_REPORT_SHOTS"):  # keep the screenshot for a human to look at
        shutil.copy(shot, Path(os.environ["MOVESCREEN_REPORT_SHOTS"]) / "report_short04.png")
    assert page.errors == []
    assert page.requests == [(analysed / "report.html").resolve().as_uri()]  # works offline
    assert len(page.images) >= 2 and all(w > 0 for _, w in page.images), page.images
    plan = json.loads((analysed / "plan.json").read_text())
    results = json.loads((analysed / "results.json").read_text())
    kasr = results["bilateral"]["kasr_bottom"]["median"]
    depth = results["bilateral"]["depth_pct"]["median"]
    for text in (f"Phase {plan['phase']}", plan["phase_name"], f"{kasr:.2f}", f"{depth:.1f}%",
                 "<script>alert('x')</script> Jo", "Verdict", "Left vs right", "The plan"):
        assert text in page.text, text
    assert shot.stat().st_size > 50_000  # a real page, not a blank one


def test_pdf_has_pages_and_sections(analysed: Path, tmp_path: Path):
    pdftoppm = _need(shutil.which("pdftoppm"), "pdftoppm")
    pdftotext = _need(shutil.which("pdftotext"), "pdftotext")
    subprocess.run([pdftoppm, "-png", "-r", "40", str(analysed / "report.pdf"),
                    str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 3 and all(p.stat().st_size > 1000 for p in pages)
    text = subprocess.run([pdftotext, str(analysed / "report.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    for heading in ("Verdict", "What we saw", "Left vs right", "Per rep", "The plan",
                    "Data quality and what could not be measured"):
        assert heading in text, heading
    assert "injury" not in text.lower()


def test_annotated_video_plays_in_a_browser(analysed: Path):
    video = analysed / f"{Path(CLIP).stem}_annotated.mp4"
    n_source = json.loads((analysed / "results.json").read_text())["clip"]["n_frames"]
    assert frame_count(video) == n_source
    with av.open(str(video)) as c:
        cc = c.streams.video[0].codec_context
        assert (cc.name, cc.pix_fmt, cc.width % 2, cc.height % 2) == ("h264", "yuv420p", 0, 0)
    head = video.read_bytes()[:4096]
    assert b"moov" in head  # +faststart: the index comes first, so playback starts at once


def test_missing_clip_renders_a_placeholder(analysed: Path, tmp_path: Path):
    data = json.loads((analysed / "results.json").read_text())
    data["clip"]["file"] = "gone/elsewhere.mp4"
    (tmp_path / "results.json").write_text(json.dumps(data))
    shutil.copy(analysed / "pose.npz", tmp_path / "pose.npz")
    res = CliRunner(env={"COLUMNS": "250"}).invoke(main_app, ["report", str(tmp_path), "--no-pdf"])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "report.html").read_text()
    assert "No picture: clip not found: gone/elsewhere.mp4" in html
    assert "FPPA, pelvic drop and trunk lean over time" in html  # plots need only pose.npz


def test_analyze_with_report_and_video_in_one_go(videos: Path, tmp_path: Path):
    out = tmp_path / "one_go"
    res = CliRunner().invoke(main_app, ["analyze", str(videos / CLIP), "--test", "squat",
                                        "--out", str(out), "--fast", "--recommend", "--report",
                                        "--video", "--athlete-name", "Kim"])
    assert res.exit_code == 0, res.output
    names = {p.name for p in out.iterdir()}
    assert {"results.json", "plan.json", "report.html", "report.pdf"} <= names
    videos_out = [p for p in out.iterdir() if p.suffix == ".mp4"]
    assert len(videos_out) == 1 and frame_count(videos_out[0]) == 30
    assert "Kim" in (out / "report.html").read_text()
