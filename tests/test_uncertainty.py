"""How sure each number is: rep-to-rep SD, bootstrap interval of the median, standing noise."""

from math import comb

import numpy as np
import pytest

from movescreen.pipeline import analyse_pose
from movescreen.uncertainty import change_threshold, frame_noise, median_interval, rep_sd
from synthetic import single_leg_squat


def _exact_bootstrap_median_cdf(n: int) -> np.ndarray:
    """P(median of a resample <= the k-th smallest of n distinct values), n odd."""
    need = n // 2 + 1
    return np.array([sum(comb(n, j) * (k / n) ** j * (1 - k / n) ** (n - j)
                         for j in range(need, n + 1)) for k in range(1, n + 1)])


def test_sd_of_known_values():
    assert rep_sd([8.0, 12.0, 10.0, 16.0, 14.0]) == pytest.approx(np.sqrt(10.0))
    assert rep_sd([3.0, 3.0, 3.0]) == 0.0
    assert rep_sd([5.0]) is None


def test_interval_of_five_reps_spans_them():
    # the resampled median is the smallest value with probability 5.8% > 2.5%: [min, max]
    assert _exact_bootstrap_median_cdf(5)[0] == pytest.approx(0.05792)
    assert median_interval([8.0, 12.0, 10.0, 16.0, 14.0]) == (8.0, 16.0)
    assert median_interval([4.0, 4.0, 4.0]) == (4.0, 4.0)
    assert median_interval([1.0]) is None


def test_interval_matches_the_exact_bootstrap_distribution():
    values = np.arange(21, dtype=float)  # distinct, so the exact distribution is known
    cdf = _exact_bootstrap_median_cdf(21)
    lo_exact = float(np.argmax(cdf >= 0.025))
    hi_exact = float(np.argmax(cdf >= 0.975))
    lo, hi = median_interval(values[::-1])
    assert lo == pytest.approx(lo_exact, abs=1.0) and hi == pytest.approx(hi_exact, abs=1.0)
    assert lo < 10.0 < hi


def test_interval_is_deterministic():
    vals = [3.1, 7.4, 5.5, 6.0, 4.2, 9.9]
    assert median_interval(vals) == median_interval(list(vals))
    assert median_interval(vals, draws=500) == median_interval(vals, draws=500)


def test_frame_noise_of_known_jitter():
    rng = np.random.default_rng(1)
    sig = 10.0 + rng.normal(0.0, 2.0, 4000)
    assert frame_noise(sig) == pytest.approx(2.0, rel=0.05)
    sig[::10] = 500.0  # a tenth of the frames wildly wrong: the robust SD barely moves
    assert frame_noise(sig) == pytest.approx(2.0, rel=0.2)
    assert frame_noise(np.array([1.0, np.nan, 2.0])) is None


def test_change_threshold_takes_the_larger_and_says_which():
    assert change_threshold(8.0, 3.0, 4.0) == (8.0, 5.0, "SDD")
    assert change_threshold(3.0, 3.0, 4.0) == (5.0, 5.0, "own variability")
    assert change_threshold(8.0, None, 4.0) == (8.0, None, "SDD")


@pytest.mark.parametrize("stance", ["left", "right"])
def test_screen_reports_the_known_spread(stance):
    peaks = (8.0, 12.0, 10.0, 16.0, 14.0)
    r = analyse_pose(single_leg_squat(stance=stance, fppa_reps=peaks), "single-leg-squat")
    m = r.legs[stance].metrics["fppa_peak_deg"]
    assert m.n_reps == 5 and m.median == pytest.approx(12.0, abs=0.01)
    assert m.sd == pytest.approx(np.std(peaks, ddof=1), abs=0.01)
    assert (m.ci_low, m.ci_high) == (pytest.approx(8.0, abs=0.01), pytest.approx(16.0, abs=0.01))
    assert m.sem_published == 3.0  # Munro 2012, from the metric catalogue
    assert m.noise is not None and m.noise < 0.05  # noiseless landmarks: no standing jitter
    # the same drop every rep (read through the 1 Hz low-pass: the first and last reps lose
    # ~0.002 deg to the filter's edges)
    drop = r.legs[stance].metrics["pelvic_drop_deg"]
    assert drop.sd == pytest.approx(0.0, abs=0.005) and drop.sem_published is None
    assert drop.ci_low == pytest.approx(drop.ci_high, abs=0.005)


def test_mirror_keeps_the_uncertainty():
    peaks = (8.0, 12.0, 10.0, 16.0, 14.0)
    a = analyse_pose(single_leg_squat(stance="left", fppa_reps=peaks), "single-leg-squat")
    b = analyse_pose(single_leg_squat(stance="right", fppa_reps=peaks), "single-leg-squat")
    for name, m in a.legs["left"].metrics.items():
        o = b.legs["right"].metrics[name]
        for f in ("sd", "ci_low", "ci_high", "noise"):
            x, y = getattr(m, f), getattr(o, f)
            assert (x is None) == (y is None), (name, f)
            if x is not None:
                assert x == pytest.approx(y, abs=1e-6), (name, f)
