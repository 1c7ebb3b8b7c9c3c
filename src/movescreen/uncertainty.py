"""How sure a per-leg number is: rep-to-rep spread, an interval for the median, frame noise.

Pure functions of plain numbers. The bootstrap is deterministic: its seed is derived from the
values themselves, so the same reps always give the same interval.
"""

import zlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

BOOTSTRAP_DRAWS = 2000
LEVEL = 0.95
MAD_TO_SD = 1.4826  # a normal distribution's SD per median absolute deviation


def rep_sd(values: Sequence[float]) -> float | None:
    """Sample standard deviation over reps (n - 1); None with fewer than two reps."""
    v = np.asarray(values, dtype=np.float64)
    return float(np.std(v, ddof=1)) if len(v) >= 2 else None


def _seed(v: NDArray[np.float64]) -> int:
    return zlib.crc32(np.round(v, 9).tobytes())


def median_interval(values: Sequence[float], level: float = LEVEL,
                    draws: int = BOOTSTRAP_DRAWS) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the median over reps; None with fewer than two reps.

    Reps are resampled with replacement ``draws`` times with a seed derived from the values.
    With few reps the interval can only span observed values (and midpoints of pairs), so it
    is as wide as the reps themselves are apart: that is the honest answer for 2-5 reps.
    """
    v = np.asarray(values, dtype=np.float64)
    if len(v) < 2:
        return None
    rng = np.random.default_rng(_seed(v))
    idx = rng.integers(0, len(v), size=(draws, len(v)))
    medians = np.median(v[idx], axis=1)
    tail = (1.0 - level) / 2.0 * 100.0
    lo, hi = np.percentile(medians, [tail, 100.0 - tail])
    return float(lo), float(hi)


def frame_noise(signal: NDArray[np.float64]) -> float | None:
    """Robust SD (scaled median absolute deviation) of a signal over still frames.

    Over the standing frames the body should not move, so what varies is landmark jitter
    (plus any sway, which makes this an upper bound). None with fewer than 5 finite frames.
    """
    v = np.asarray(signal, dtype=np.float64)
    v = v[np.isfinite(v)]
    if len(v) < 5:
        return None
    return float(MAD_TO_SD * np.median(np.abs(v - np.median(v))))


def change_threshold(sdd: float, own_before: float | None, own_now: float | None
                     ) -> tuple[float, float | None, str]:
    """The change a re-test must exceed, the athlete's own allowance, and which decided.

    ``own_before``/``own_now`` are the half-widths of the two sessions' 95% intervals of the
    median; the athlete's own variability allows a change of sqrt(a^2 + b^2) (the half-width
    of the difference of two independent medians). The larger of that and the published SDD
    decides: the third value is "SDD" or "own variability".
    """
    if own_before is None or own_now is None:
        return sdd, None, "SDD"
    own = float(np.hypot(own_before, own_now))
    return (own, own, "own variability") if own > sdd else (sdd, own, "SDD")
