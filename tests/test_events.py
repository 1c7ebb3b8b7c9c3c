"""Rep segmentation, standing and stance leg on synthetic signals."""

import numpy as np
import pytest

from movescreen.events import segment_reps, steady_scale_span
from synthetic import phase


@pytest.mark.parametrize("reps", [1, 3, 5, 8])
def test_sine_squat_rep_count(reps):
    t = np.arange(0, reps * 2.5 + 0.5, 1 / 30)
    depth = 40 * phase(t, reps, 2.5, 0.5) + np.random.default_rng(0).normal(0, 0.5, t.size)
    found = segment_reps(t, depth)
    assert len(found) == reps
    for w in found:
        assert w.start < w.bottom < w.end
        assert depth[w.bottom] > 35


def test_half_rep_at_clip_start_is_not_counted():
    t = np.arange(0, 6, 1 / 30)
    depth = 40 * phase(t, 2, 2.5, 0.5)
    cut = int(1.5 * 30)  # clip begins near the bottom of the first rep (depth ~37 of 40)
    assert len(segment_reps(t[cut:], depth[cut:])) == 1


def test_shallow_wobble_is_not_a_rep():
    t = np.arange(0, 6, 1 / 30)
    assert segment_reps(t, 2.0 * np.sin(2 * np.pi * t)) == []


def test_steady_span_cuts_at_zoom():
    t = np.arange(0, 10, 1 / 30)
    scale = np.where(t < 3, 300.0, 120.0)
    a, b = steady_scale_span(t, scale)
    assert t[a] >= 3.0 and b == len(t)
