"""Tracker state without a model: the reference body height decays per second, not per frame."""

import numpy as np
import pytest

from movescreen.pose.landmarker import Detection, PoseOptions, _Track


def _person(height: float) -> Detection:
    """A detection whose landmarks span ``height`` pixels vertically."""
    xy = np.zeros((33, 2))
    xy[:, 0] = np.linspace(400.0, 500.0, 33)
    xy[:, 1] = np.linspace(100.0, 100.0 + height, 33)
    return Detection(xy, np.zeros((33, 3)), np.ones(33), np.ones(33))


def _ref_after_shrink(fps: float, seconds: float = 1.0) -> float:
    """Reference height after a 400 px body is seen at 200 px for ``seconds`` at ``fps``."""
    opts, track = PoseOptions(), _Track()
    track.observe(_person(400.0), 0.0, opts)
    for k in range(1, int(round(seconds * fps)) + 1):
        track.observe(_person(200.0), k / fps, opts)
    return track.ref_height


def test_reference_height_decay_does_not_depend_on_frame_rate():
    slow, fast = _ref_after_shrink(30.0), _ref_after_shrink(240.0)
    assert fast == pytest.approx(slow, rel=1e-9)
    assert 200.0 < slow < 400.0  # it decays, but not to the new height within a second


def test_reference_height_follows_the_decay_per_second():
    opts = PoseOptions()
    assert _ref_after_shrink(30.0, seconds=0.5) == pytest.approx(
        max(200.0, 400.0 * opts.ref_height_decay_per_s ** 0.5))


def test_reference_height_grows_at_once():
    opts, track = PoseOptions(), _Track()
    track.observe(_person(200.0), 0.0, opts)
    track.observe(_person(300.0), 1 / 30, opts)
    assert track.ref_height == pytest.approx(300.0)
