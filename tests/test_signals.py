"""Gap handling and zero-phase filtering on a real (possibly uneven) time base."""

import numpy as np
import pytest

from movescreen.signals import fill_short_gaps, find_gaps, lowpass, robust_sd, runs


def test_runs():
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert runs(np.array([], bool)) == []


def test_short_gap_filled_linearly_long_gap_kept_and_reported():
    t = np.arange(0, 3, 1 / 30)
    x = 2.0 * t
    x[10:13] = np.nan  # 0.1 s: filled
    x[40:70] = np.nan  # 1 s: kept
    filled, left = fill_short_gaps(t, x, max_gap_s=0.25)
    assert np.allclose(filled[10:13], 2.0 * t[10:13])
    assert np.all(np.isnan(filled[40:70]))
    assert len(left) == 1 and (left[0].start, left[0].stop) == (40, 70)
    assert left[0].duration == pytest.approx(t[70] - t[39])


def test_gap_at_edges_not_extrapolated():
    t = np.arange(0, 1, 0.1)
    x = t.copy()
    x[:2] = np.nan
    filled, left = fill_short_gaps(t, x, 1.0)
    assert np.all(np.isnan(filled[:2])) and left[0].start == 0


def test_lowpass_keeps_slow_motion_without_lag_and_removes_jitter():
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(1 / 40, 1 / 20, 400))  # variable frame rate
    slow = np.sin(2 * np.pi * 0.5 * t)
    noisy = slow + rng.normal(0, 0.05, t.size)
    out = lowpass(t, noisy, cutoff_hz=6.0)
    core = slice(40, -40)
    residual = np.sqrt(np.mean((out[core] - slow[core]) ** 2))
    assert residual < 0.75 * 0.05  # jitter reduced (white noise above 6 Hz removed)
    lag = np.argmax(np.correlate(out[core] - out[core].mean(), slow[core] - slow[core].mean(),
                                 "full")) - (len(slow[core]) - 1)
    assert lag == 0


def test_lowpass_leaves_nan_stretches():
    t = np.arange(0, 4, 1 / 30)
    x = np.sin(t)
    x[50:60] = np.nan
    out = lowpass(t, x, 6.0)
    assert np.all(np.isnan(out[50:60])) and np.all(np.isfinite(out[:50]))


def test_find_gaps_times():
    t = np.array([0.0, 0.1, 0.2, 0.35, 0.5])
    gaps = find_gaps(t, np.array([1, 0, 0, 1, 1], bool))
    assert [(g.t_start, g.t_end) for g in gaps] == [(0.0, 0.35)]


def test_robust_sd_ignores_outliers_and_nan():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, np.nan, 1000.0])
    # median 3.5, absolute deviations 2.5 1.5 0.5 0.5 1.5 996.5 -> median 1.5
    assert robust_sd(x) == pytest.approx(1.5 * 1.4826)
    assert np.isnan(robust_sd(np.array([1.0, np.nan])))
    assert robust_sd(np.array([2.0]), min_count=1) == 0.0
