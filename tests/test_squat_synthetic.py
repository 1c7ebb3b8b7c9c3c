"""The double-leg squat screen on landmarks of known geometry."""

import numpy as np
import pytest

from movescreen.pipeline import analyse_pose
from synthetic import HALF_PELVIS, SHANK, THIGH, double_leg_squat


@pytest.mark.parametrize("fppa", [0.0, 8.0, 16.0])
def test_both_knees_fppa_and_separation_ratio(fppa):
    depth = 100.0
    r = analyse_pose(double_leg_squat(fppa_max=fppa, depth_px=depth), "squat")
    assert len(r.reps) == 4 and all(rep.leg == "both" for rep in r.reps)
    for side in ("left", "right"):
        assert r.legs[side].metrics["fppa_bottom_deg"].median == pytest.approx(fppa, abs=0.3)
    # each knee sits m = d/2 tan(FPPA/2) inside its hip-ankle line of length d (both segments
    # tilted 25 deg out of the picture by the 50 deg flexion); ankles are 2*60 px apart
    d = (THIGH + SHANK) * np.cos(np.radians(25.0))
    m = d / 2 * np.tan(np.radians(fppa) / 2)
    expected = (2 * HALF_PELVIS - 2 * m) / (2 * HALF_PELVIS)
    assert r.bilateral["kasr_bottom"].median == pytest.approx(expected, abs=0.01)
    assert r.bilateral["depth_pct"].median == pytest.approx(25.0, abs=0.3)


def test_pelvic_shift_sign_and_mirror():
    seq = double_leg_squat(fppa_max=0.0, shift_px=20.0)  # toward the subject's left
    a = analyse_pose(seq, "squat")
    b = analyse_pose(seq.mirrored(), "squat")
    assert a.bilateral["pelvic_shift_pct"].median == pytest.approx(5.0, abs=0.2)
    assert b.bilateral["pelvic_shift_pct"].median == pytest.approx(-5.0, abs=0.2)


def test_deep_reps_note_and_no_fppa_at_depth():
    r = analyse_pose(double_leg_squat(flexion_max=100.0, depth_px=180.0), "squat")
    assert all(rep.per_leg["left"]["fppa_bottom_deg"] is None for rep in r.reps)
    assert r.legs["left"].metrics["fppa_at_60_deg"].median is not None
    assert any("knee-over-foot" in note for note in r.notes)


def test_side_view_rep_needs_only_the_near_leg():
    from dataclasses import replace

    from movescreen.screens.common import Overrides

    seq = double_leg_squat()
    vis = seq.visibility.copy()
    vis[:, [23, 25, 27]] = 0.1  # the left (far) leg hidden behind the right one
    hidden = replace(seq, visibility=vis)
    side = analyse_pose(hidden, "squat", Overrides(view="sagittal"))
    assert side.reps and not any(r.excluded for r in side.reps)
    assert side.bilateral["depth_pct"].median == pytest.approx(25.0, abs=0.5)
    front = analyse_pose(hidden, "squat", Overrides(view="frontal"))
    assert front.reps and all(r.excluded for r in front.reps)
