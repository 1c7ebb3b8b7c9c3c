"""Real clips made hard on purpose: a camera that pans and tilts (a moving crop), and pictures
repeated with noise. Each must give the right landing, flag or refusal."""

import re

import av
import numpy as np
import pytest

from media import write_video
from movescreen.pipeline import analyse_pose
from movescreen.pose import estimate_pose

CMJ = "cmj_jump_landing_frontal_11.mp4"  # 30 fps; take-off ~8.6 s, contact ~9.25 s (by eye)
START, STOP = 225, 300  # frames 7.5-10.0 s: standing, the jump, the landing


def _frames(path, start, stop):
    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i >= stop:
                return
            if i >= start:
                yield f.to_ndarray(format="rgb24")


def test_a_camera_that_pans_and_tilts_is_undone(videos, tmp_path):
    """A 600 x 1000 window that slides right 1 px per picture and bobs up and down 80 px
    (period 1.2 s) over the 720 x 1280 clip: a pan and a tilt."""
    def crop(i, img):
        t = i / 30.0
        x, y = 10 + int(round(1.0 * i)), 140 + int(round(80 * np.sin(2 * np.pi * t / 1.2)))
        return np.ascontiguousarray(img[y:y + 1000, x:x + 600])

    frames = (crop(i, img) for i, img in enumerate(_frames(videos / CMJ, START, STOP)))
    seq = estimate_pose(write_video(tmp_path / "panned.mp4", frames, fps=30, crf=16))
    r = analyse_pose(seq, "drop-landing")
    assert any(f.code == "camera_panned" for f in r.quality)
    assert not any(f.code == "camera_moved" for f in r.quality)
    used = [rep for rep in r.reps if not rep.excluded]
    assert len(used) == 1 and used[0].leg == "both"
    assert 9.20 - 7.5 <= used[0].events["initial_contact"] <= 9.32 - 7.5  # golden, by eye
    assert 0.55 <= used[0].metrics["flight_time_s"] <= 0.72


def test_repeated_pictures_with_noise_give_the_effective_rate(videos, tmp_path):
    """Every second picture shown twice (30 fps file, 15 distinct pictures a second), with
    pixel noise so that no two frames are bit-equal."""
    rng = np.random.default_rng(0)

    def frames():
        for img in list(_frames(videos / CMJ, START, STOP))[::2]:
            for _ in range(2):
                noisy = img.astype(np.int16) + rng.integers(-3, 4, img.shape, dtype=np.int16)
                yield np.clip(noisy, 0, 255).astype(np.uint8)

    seq = estimate_pose(write_video(tmp_path / "repeated.mp4", frames(), fps=30, crf=18))
    assert seq.clip.fps_measured == pytest.approx(30, abs=0.5)
    assert 13.0 <= seq.clip.fps_effective <= 17.0
    r = analyse_pose(seq, "drop-landing")
    flag = next(f for f in r.quality if f.code == "frame_rate")
    assert "not reported" in flag.message and re.match(r"1[3-7] distinct", flag.message)
    assert all(rep.metrics["flight_time_s"] is None for rep in r.reps)
