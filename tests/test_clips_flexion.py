"""Knee flexion estimate and pelvic noise on the real clips (MOVESCREEN_TEST_VIDEOS)."""

import numpy as np
import pytest

from movescreen.pipeline import analyse_pose
from movescreen.screens.common import Overrides, prepare

RENDER_SLS = "single_leg_squat_render_left_14.mp4"
# every rep's deepest knee flexion estimate, per clip, both legs (the reps go deep)
DEEP_SQUATS = {"squat_frontal_bodyweight_01.mp4": (110.0, 128.0),
               "squat_frontal_goblet_02.mp4": (115.0, 135.0)}


def test_render_single_leg_squat_flexion_from_the_picture(videos, pose_cache):
    """The deepest reps visibly reach ~70-80 deg, where the 3D landmarks read 24-42."""
    seq = pose_cache(videos / RENDER_SLS)
    r = analyse_pose(seq, "single-leg-squat")
    used = [rep for rep in r.reps if not rep.excluded]
    assert len(used) == 2
    for rep in used:
        assert 70.0 <= rep.metrics["knee_flexion_est_deg"] <= 90.0
        # the estimate's uncertainty at the bottom (landmark noise and tilt of a small body);
        # 13 deg on the sequential symmetric pose, 18 deg since the parallel engine
        assert 10.0 <= rep.uncertainty["knee_flexion_est_deg"] <= 20.0
        assert rep.metrics["fppa_at_45_deg"] is not None
        assert rep.metrics["fppa_at_60_deg"] is not None
        assert rep.metrics["fppa_bottom_deg"] is None  # beyond the 45-60 deg window
    p = prepare(seq, Overrides())
    bottoms = [w.bottom for w in p.reps]
    assert np.all(p.flexion["left"].deg[bottoms] - p.k.knee_flexion["left"][bottoms] > 25.0)
    assert np.nanmedian(p.flexion["left"].deg[p.standing.frames]) < 15.0
    # the pelvis angle wanders by several degrees while standing: the ~5 deg "drop" sits at the
    # edge of that noise (sequential symmetric pose: 5.3 within a 5.7 band; since the parallel
    # engine: 5.4 against a 5.0 band, so no longer marked within noise)
    drop = r.legs["left"].metrics["pelvic_drop_deg"]
    assert 4.5 <= drop.noise <= 7.0
    assert drop.median <= drop.noise + 1.0
    assert drop.within_noise is (drop.median <= drop.noise)


@pytest.mark.parametrize("name", sorted(DEEP_SQUATS))
def test_deep_frontal_squat_flexion(videos, pose_cache, name):
    lo, hi = DEEP_SQUATS[name]
    seq = pose_cache(videos / name)
    r = analyse_pose(seq, "squat")
    for rep in r.reps:
        for side in ("left", "right"):
            assert lo <= rep.per_leg[side]["knee_flexion_est_deg"] <= hi
            assert rep.per_leg[side]["fppa_at_60_deg"] is not None
    p = prepare(seq, Overrides())
    for side in ("left", "right"):
        assert np.nanmedian(p.flexion[side].deg[p.standing.frames]) < 10.0


def test_side_view_flexion_is_the_picture_angle(videos, pose_cache):
    r = analyse_pose(pose_cache(videos / "bulgarian_split_squat_sagittal_08.mp4"), "squat")
    assert r.view.view == "sagittal" and len(r.reps) == 4
    assert all(95.0 <= rep.per_leg["left"]["knee_flexion_est_deg"] <= 107.0 for rep in r.reps)
    assert any("knee angle in the picture" in n for n in r.notes)
