"""Per-frame kinematics on landmarks of known geometry."""

from dataclasses import replace

import numpy as np

from movescreen.conditioning import ConditioningOptions, condition
from movescreen.kinematics import compute_kinematics
from movescreen.landmarks import L_HIP
from synthetic import double_leg_squat, phase


def test_side_view_knee_angle_without_the_far_hip():
    """A side view can hide the far hip for the whole clip: the leg frame (medial direction)
    is then unknown, but the image knee angle needs none and must stay measured."""
    seq = double_leg_squat(fppa_max=30.0)
    vis = seq.visibility.copy()
    vis[:, L_HIP] = 0.0
    k = compute_kinematics(condition(replace(seq, visibility=vis),
                                     ConditioningOptions(cutoff_hz=None)))
    assert np.isnan(k.medial_sign["right"])
    expected = 30.0 * phase(seq.t, 4, 3.0, 0.6)
    np.testing.assert_allclose(k.knee_flexion_2d["right"], expected, atol=1e-6)
    np.testing.assert_allclose(compute_kinematics(condition(
        replace(seq.mirrored(), visibility=vis), ConditioningOptions(cutoff_hz=None))
    ).knee_flexion_2d["right"], expected, atol=1e-6)
