"""Real clips (MOVESCREEN_TEST_VIDEOS; CI runs these): pose coverage, rep counts, legs, mirror."""

import json

import av
import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from media import transformed_clip, write_video
from movescreen.cli import app
from movescreen.errors import MovescreenError
from movescreen.landmarks import L_HIP, R_ANKLE
from movescreen.pipeline import analyse_pose
from movescreen.pose import PoseSequence, estimate_pose, models
from movescreen.pose.landmarker import PoseOptions
from movescreen.results import SCHEMA_VERSION, ScreenResult

FRONTAL_SQUATS = [
    "squat_frontal_bodyweight_01.mp4",
    "squat_frontal_goblet_02.mp4",
    "squat_frontal_webcam_overlay_03.mp4",
    "squat_frontal_goblet_short_04.mp4",
]
RENDER_SLS = "single_leg_squat_render_left_14.mp4"


@pytest.mark.parametrize("name", FRONTAL_SQUATS)
def test_frontal_squat_pose_coverage_and_rep_count(videos, manifest, pose_cache, name):
    seq = pose_cache(videos / name)
    assert seq.has_pose.mean() > 0.95
    result = analyse_pose(seq, "squat")
    assert len(result.reps) == manifest[name]["reps"]
    assert result.view.view in ("frontal", "oblique")
    assert all(r.leg == "both" and set(r.per_leg) == {"left", "right"} for r in result.reps)
    # deep bilateral squats: the output says valgus is judged by knee-over-foot and KASR
    if any(r.metrics["depth_pct"] > 40 for r in result.reps):
        assert any("knee-over-foot" in n for n in result.notes)
    assert 0.5 < result.bilateral["kasr_bottom"].median < 3.0


def test_4k_single_leg_squat_render(videos, pose_cache):
    seq = pose_cache(videos / RENDER_SLS)
    assert seq.has_pose.mean() > 0.9
    assert seq.person.crop_tracking  # the body is ~16% of frame height: found by zoomed search
    result = analyse_pose(seq, "single-leg-squat")
    used = [r for r in result.reps if not r.excluded]
    assert used and all(r.leg == "left" for r in used)
    assert result.legs["left"].reps_used == len(used)
    assert any(f.code == "camera_cut" for f in result.quality)  # the render zooms out at ~3 s


@pytest.fixture(scope="module")
def mirror_pair(videos, tmp_path_factory):
    """A frontal squat clip and the same clip flipped left-right (both re-encoded alike)."""
    folder = tmp_path_factory.mktemp("mirror")
    src = videos / "squat_frontal_bodyweight_01.mp4"
    plain = transformed_clip(src, folder / "plain.mp4", lambda im: im)
    flipped = transformed_clip(src, folder / "flipped.mp4", lambda im: im[:, ::-1])
    return (analyse_pose(estimate_pose(p), "squat") for p in (plain, flipped))


def test_flipped_clip_swaps_legs_and_keeps_magnitudes(mirror_pair):
    plain, flipped = mirror_pair
    assert len(plain.reps) == len(flipped.reps) == 10
    for side, other in (("left", "right"), ("right", "left")):
        assert flipped.standing.fppa_deg[other] == pytest.approx(plain.standing.fppa_deg[side],
                                                                 abs=1.0)
        a, b = plain.legs[side].metrics, flipped.legs[other].metrics
        for name, m in a.items():
            if m.median is None:
                assert b[name].median is None, name
            elif m.unit == "deg":
                assert b[name].median == pytest.approx(m.median, abs=1.0), (side, name)
            else:
                assert b[name].median == pytest.approx(m.median, abs=0.02), (side, name)
    pa, pb = plain.bilateral, flipped.bilateral
    assert pb["kasr_bottom"].median == pytest.approx(pa["kasr_bottom"].median, abs=0.02)
    assert pb["depth_pct"].median == pytest.approx(pa["depth_pct"].median, abs=1.0)
    # + = toward the left leg: a flip turns a shift to one side into the same shift to the other
    assert pb["pelvic_shift_pct"].median == pytest.approx(-pa["pelvic_shift_pct"].median, abs=1.0)


def test_legs_out_of_frame_is_refused(videos, tmp_path):
    top = transformed_clip(videos / "squat_frontal_goblet_02.mp4", tmp_path / "top.mp4",
                           lambda im: np.ascontiguousarray(im[: im.shape[0] * 9 // 20]))
    with pytest.raises(MovescreenError, match="legs are not in view"):
        analyse_pose(estimate_pose(top), "squat")


def test_cli_end_to_end_writes_all_outputs(videos, tmp_path):
    out = tmp_path / "res"
    clip = videos / "squat_frontal_goblet_short_04.mp4"
    result = CliRunner().invoke(app, ["analyze", str(clip), "--test", "squat", "--out", str(out),
                                      "--athlete-height", "170"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "reps found: 1" in result.output
    r = ScreenResult.from_json((out / "results.json").read_text())
    assert r.schema_version == SCHEMA_VERSION and r.test == "squat" and r.athlete_height_cm == 170
    assert json.loads((out / "results.json").read_text())["clip"]["n_frames"] == 30
    rows = (out / "frames.csv").read_text().splitlines()
    assert len(rows) == 31 and rows[0].startswith("frame,t_s,has_pose,fppa_left_deg")
    seq = PoseSequence.load(out / "pose.npz")
    assert seq.n_frames == 30 and seq.clip.sha256 == r.clip.sha256
    assert sorted(p.name for p in out.iterdir()) == ["frames.csv", "pose.npz", "results.json"]


def _frames(path, n):
    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i >= n:
                return
            yield f.to_ndarray(format="rgb24")


def test_two_people_the_taller_is_tracked_throughout(videos, tmp_path):
    """A composite of two real clips: a tall person on the left, a smaller one on the right."""
    big = _frames(videos / "squat_frontal_goblet_02.mp4", 75)
    small = _frames(videos / "squat_frontal_bodyweight_01.mp4", 75)

    def compose(a, b):
        canvas = np.full((720, 1280, 3), 235, np.uint8)
        canvas[:, 100:580] = a[:, 400:880]
        canvas[240:720, 800:1120] = cv2.resize(b[:, 430:910], (320, 480))
        return canvas

    frames = (compose(a, b) for a, b in zip(big, small, strict=True))
    clip = write_video(tmp_path / "two.mp4", frames)
    seq = estimate_pose(clip)
    assert seq.person.people_seen >= 2
    assert "tallest of" in seq.person.selection
    hips = (seq.image_xy[:, 23, 0] + seq.image_xy[:, 24, 0]) / 2
    found = np.isfinite(hips)
    assert found.mean() > 0.9
    assert np.all(hips[found] < 640)  # never jumps to the person on the right


@pytest.mark.parametrize(("name", "test", "expect"), [
    ("cmj_jump_landing_frontal_11.mp4", "drop-landing", "one bilateral landing"),
    ("single_leg_hop_quadrant_frontal_10.mp4", "single-leg-hop", "about 16 contacts"),
    ("single_leg_cmj_render_left_15.mp4", "single-leg-hop", "left-leg landings"),
])
def test_landing_clips(videos, pose_cache, name, test, expect):
    r = analyse_pose(pose_cache(videos / name), test)
    used = [rep for rep in r.reps if not rep.excluded]
    if expect == "one bilateral landing":
        assert len(r.reps) == 1 and r.reps[0].leg == "both"
        rep = r.reps[0]
        assert 8.5 < rep.events["initial_contact"] < 9.5  # manifest: lands ~9.4 s
        assert 15 < rep.metrics["jump_height_cm"] < 60
        assert r.bilateral["kasr_min"].median is not None
    elif expect == "about 16 contacts":
        assert 12 <= len(used) <= 20
        assert len({rep.leg for rep in used}) == 1  # always the same hopping leg
        assert all(0.08 < rep.metrics["flight_time_s"] < 0.45 for rep in used)
    else:
        assert used and {rep.leg for rep in used} == {"left"}
        assert any(15 < (rep.metrics["jump_height_cm"] or 0) < 45 for rep in used)
    assert all(rep.events["take_off"] < rep.events["initial_contact"] for rep in r.reps)


def test_cli_several_clips_one_result(videos, tmp_path):
    out = tmp_path / "res"
    clips = [videos / "squat_frontal_goblet_short_04.mp4",
             videos / "squat_oblique_bodyweight_06.mp4"]
    result = CliRunner().invoke(app, ["analyze", *map(str, clips), "--test", "squat", "--out",
                                      str(out), "--fast"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    combined = ScreenResult.from_json((out / "results.json").read_text())
    assert len(combined.reps) == 2 and len(combined.other_clips) == 1
    assert {rep.clip for rep in combined.reps} == {c.name for c in clips}
    for c in clips:
        assert (out / c.stem / "results.json").is_file()


def test_bundled_heavy_model_runs_offline_and_agrees_with_full(videos, tmp_path, monkeypatch):
    """``--model heavy`` is the bundled heavy file (empty cache, no download) and finds the
    same body as full: lower-body landmarks a median 2.0 px apart (max 6.0 px) on this
    498 px clip, single pass."""
    monkeypatch.setenv("MOVESCREEN_CACHE_DIR", str(tmp_path))
    clip = videos / "squat_frontal_goblet_short_04.mp4"
    fast = PoseOptions(symmetric=False)
    full, heavy = (estimate_pose(clip, m, fast) for m in ("full", "heavy"))
    assert heavy.model.name == "blazepose-heavy (bundled)"
    assert heavy.model.sha256 == models.BUNDLED_SHA256["heavy"]
    assert heavy.has_pose.mean() == 1.0 and len(analyse_pose(heavy, "squat").reps) == 1
    lower = slice(L_HIP, R_ANKLE + 1)
    gap = np.linalg.norm(full.image_xy[:, lower] - heavy.image_xy[:, lower], axis=2)
    assert np.median(gap) < 3.0 and gap.max() < 10.0
