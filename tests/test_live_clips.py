"""`movescreen live` driven by a real clip standing in for the camera: headless (reps counted,
clip saved with real timestamps, results equal to `analyze` on that clip) and windowed under
Xvfb (a real window opens and shows the overlay)."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import in_ci
from typer.testing import CliRunner

from movescreen.cli import app

runner = CliRunner()


def _results_without_time(path: Path) -> dict:
    data = json.loads(path.read_text())
    data.pop("created")
    return data


def test_live_headless_counts_the_reps_saves_the_clip_and_equals_analyze(sample_clip, tmp_path):
    from movescreen.pipeline import Request
    from movescreen.service import analyse_to_folder
    from movescreen.video import iter_frames, probe

    out = tmp_path / "live"
    res = runner.invoke(app, ["live", "--headless", "--test", "squat", "--camera",
                              str(sample_clip), "--countdown", "0", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Recording squat: 5 reps." in res.output
    live_reps = re.search(r"squat\.mp4 \((\d+) frames, (\d+) reps counted live\)", res.output)
    assert live_reps is not None, res.output
    live_count = int(live_reps.group(2))
    # the clip's first squat is under way before the guidance has held for 1 s, so the set
    # films 4 or 5 of its 5 squats (the 5th ends at 12.1 s, on the clip's last frames)
    assert 4 <= live_count <= 5
    clip = out / "squat.mp4"
    info = probe(clip)
    assert (info.width, info.height) == (1280, 720)
    t = np.array([f.t for f in iter_frames(info)])
    assert len(t) == int(live_reps.group(1))
    assert np.all(np.diff(t) > 0) and 6.0 < t[-1] < 12.2  # real time, within the 12.2 s clip
    live = _results_without_time(out / "squat" / "results.json")
    assert len(live["reps"]) == live_count  # the analysis finds the reps counted live
    analyse_to_folder(Request(clip=clip, test="squat"), tmp_path / "analyze")
    assert _results_without_time(tmp_path / "analyze" / "results.json") == live
    assert not list(out.glob(".*.part"))  # nothing half-written left behind


@pytest.mark.parametrize(("camera", "words"), [
    ("7", "Could not open camera 7"),
    ("no_such_clip.mp4", "no such camera or file"),
    ("http://127.0.0.1:9/video.mjpg", "the stream could not be opened"),
])
def test_live_camera_that_cannot_be_opened_is_a_clear_error(camera, words, tmp_path):
    res = runner.invoke(app, ["live", "--headless", "--camera", camera, "--out",
                              str(tmp_path)])
    assert res.exit_code == 1
    assert words in " ".join(res.output.split()) and "Traceback" not in res.output


def test_live_window_without_a_display_says_so(sample_clip, tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    res = runner.invoke(app, ["live", "--camera", str(sample_clip), "--out", str(tmp_path)])
    assert res.exit_code == 1
    text = " ".join(res.output.split())
    assert "no display" in text and "--headless" in text


@pytest.fixture
def xvfb():
    """A virtual X display (Debian's xvfb; installed by .ci/run)."""
    if shutil.which("Xvfb") is None:
        if in_ci():
            pytest.fail("Xvfb is missing: .ci/run installs Debian's xvfb")
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    display = f":{90 + os.getpid() % 100}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    yield display
    proc.terminate()
    proc.wait(timeout=10)


def _window_titles(display: str) -> str:
    return subprocess.run(["xwininfo", "-root", "-tree", "-display", display],
                          capture_output=True, text=True).stdout


def test_live_window_shows_the_overlay_under_xvfb(sample_clip, tmp_path, xvfb):
    from PIL import ImageGrab

    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb"}
    snap = tmp_path / "last.png"
    proc = subprocess.Popen(
        [sys.executable, "-m", "movescreen", "live", "--test", "squat", "--camera",
         str(sample_clip), "--countdown", "0", "--reps", "1", "--out", str(tmp_path / "live"),
         "--snapshot", str(snap)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    seen, grab = False, None
    deadline = time.monotonic() + 180
    while proc.poll() is None and time.monotonic() < deadline:
        if '"movescreen live"' in _window_titles(xvfb):
            seen = True
            shot = ImageGrab.grab(xdisplay=xvfb)  # what is on the screen right now
            if np.asarray(shot).std() > 20:  # the window has painted a picture
                grab = shot
        time.sleep(0.5)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert seen, "no window titled 'movescreen live' opened"
    assert grab is not None, "the window never showed a picture"
    grab.save(tmp_path / "screen.png")
    screen = np.asarray(grab.convert("RGB")).astype(int)
    drawn = np.asarray(ImageGrab.Image.open(snap).convert("RGB")).astype(int)
    # the screen shows the overlay: the green knee lines (within the norm) and the dark panel
    green = (screen[..., 1] > 150) & (screen[..., 0] < 110) & (screen[..., 2] < 140)
    assert green.sum() > 200
    assert drawn.shape == (720, 1280, 3)
    assert drawn[:150, :200].mean() < 0.6 * drawn[:150, 1000:1200].mean()  # panel darkened
    assert (tmp_path / "live" / "squat.mp4").is_file()
    if os.environ.get("MOVESCREEN_KEEP_SCREENSHOT"):
        shutil.copy(tmp_path / "screen.png", os.environ["MOVESCREEN_KEEP_SCREENSHOT"])


def test_live_keys_switch_leg_start_and_quit_mid_set_keeping_the_clip(sample_clip, tmp_path):
    """Scripted keys through the display callback: r, space (no guidance wait), q mid-set."""
    from movescreen.live.camera import FileCamera
    from movescreen.live.session import LiveRequest, LiveSession
    from movescreen.video import iter_frames, probe

    script = {2: ord("r"), 3: ord(" "), 40: ord("q")}
    shown: list[np.ndarray] = []

    def display(img: np.ndarray) -> int:
        shown.append(img)
        return script.get(len(shown), -1)

    req = LiveRequest(test="single-leg-squat", legs=("left", "right"), out=tmp_path,
                      countdown_s=0.0, snapshot=tmp_path / "last.png")
    said: list[str] = []
    result = LiveSession(req, FileCamera(sample_clip, realtime=False), display,
                         said.append).run()
    assert result.quit
    assert len(shown) == 40  # stopped at once on q
    [rec] = result.sets
    assert rec.leg == "right" and rec.outcome is None  # quit: kept, not analysed
    assert rec.clip == tmp_path / "single-leg-squat_right.mp4"
    assert len(list(iter_frames(probe(rec.clip)))) == rec.frames == 36  # pictures 5..40
    assert "Next set: right leg." in said
    assert (tmp_path / "last.png").is_file()
    assert not (tmp_path / "single-leg-squat_right").exists()  # no results for a quit set
