"""Measurement noise of the pelvic drop: synthetic hips with a known drop and known jitter."""

from dataclasses import replace

import numpy as np
import pytest

from movescreen import noise
from movescreen.landmarks import L_HIP, R_HIP
from movescreen.pipeline import analyse_pose
from synthetic import single_leg_squat


def _jittered(drop: float, jitter_px: float, seed: int = 1):
    """A left-leg single-leg squat whose hips move up and down in opposite senses by
    ``jitter_px`` (standard deviation), independently each frame: pure pelvic-angle noise."""
    seq = single_leg_squat(drop_max=drop)
    rng = np.random.default_rng(seed)
    e = rng.normal(0.0, jitter_px, len(seq.t))
    xy = seq.image_xy.copy()
    xy[:, L_HIP, 1] += e
    xy[:, R_HIP, 1] -= e
    return replace(seq, image_xy=xy)


def test_noise_level_of_white_noise_around_a_slow_signal():
    t = np.arange(0, 20, 1 / 30)
    slow = 5 * np.sin(2 * np.pi * 0.25 * t)
    x = slow + np.random.default_rng(0).normal(0, 1.0, len(t))
    none = np.array([], dtype=np.intp)
    # a 1 Hz low-pass at 30 fps keeps ~1/15 of white noise's power: the residual is ~0.97 sigma
    assert noise.noise_level(t, x, none) == pytest.approx(2 * 0.97, rel=0.1)
    assert noise.noise_level(t, slow, none) < 0.01
    np.testing.assert_allclose(noise.slow_part(t, slow)[60:-60], slow[60:-60], atol=0.05)


def test_noise_level_includes_the_wander_while_standing():
    t = np.arange(0, 20, 1 / 30)
    standing = np.flatnonzero(t < 10)
    x = np.where(t < 10, 3 * np.sin(2 * np.pi * 0.2 * t), 0.0)  # slow wander, no jitter
    # robust SD of a sine of amplitude 3 is 3 x 1.4826 x sin(pi/4)
    expected = 2 * 3 * 1.4826 * np.sin(np.pi / 4)
    assert noise.noise_level(t, x, standing) == pytest.approx(expected, rel=0.05)


def test_within_noise():
    assert noise.within_noise(1.5, 2.0) is True
    assert noise.within_noise(-2.5, 2.0) is False
    assert noise.within_noise(None, 2.0) is None
    assert noise.within_noise(1.0, float("nan")) is None


def test_noisy_hips_without_drop_read_within_noise():
    # the hips are 120 px apart: 2 px of opposite jitter is ~1.9 deg of pelvic-angle noise
    r = analyse_pose(_jittered(drop=0.0, jitter_px=2.0), "single-leg-squat")
    m = r.legs["left"].metrics["pelvic_drop_deg"]
    assert m.within_noise is True and 0 < m.median <= m.noise
    assert all("pelvic_drop_deg" in rep.uncertainty for rep in r.reps)


def test_known_drop_stands_out_of_the_noise_and_is_recovered():
    r = analyse_pose(_jittered(drop=6.0, jitter_px=2.0), "single-leg-squat")
    m = r.legs["left"].metrics["pelvic_drop_deg"]
    assert m.within_noise is False
    assert m.median == pytest.approx(6.0, abs=1.0)
    clean = analyse_pose(single_leg_squat(drop_max=6.0), "single-leg-squat")
    assert clean.legs["left"].metrics["pelvic_drop_deg"].median == pytest.approx(6.0, abs=0.3)


def test_noise_is_mirror_symmetric():
    seq = _jittered(drop=3.0, jitter_px=1.0)
    a = analyse_pose(seq, "single-leg-squat").legs["left"].metrics["pelvic_drop_deg"]
    b = analyse_pose(seq.mirrored(), "single-leg-squat").legs["right"].metrics["pelvic_drop_deg"]
    assert (b.median, b.noise) == pytest.approx((a.median, a.noise), abs=1e-6)
