"""Measurement noise of a slowly changing angle: whatever flickers faster than the movement.

A single-leg squat rep takes 2-4 s, so the true pelvic drop changes well below 1 Hz; landmark
jitter that survives the 6 Hz conditioning swings it within tenths of a second. The slow part
(a zero-phase low-pass at ``SLOW_CUTOFF_HZ``) is the measurement. The clip's noise combines the
scatter of what the filter removed with the slow part's wander over the standing frames, where
the true value does not change.
"""

import numpy as np
from numpy.typing import NDArray

from .signals import lowpass, robust_sd

Array = NDArray[np.float64]

SLOW_CUTOFF_HZ = 1.0
NOISE_Z = 2.0  # a value within +-2 sigma of the noise is not distinguishable from zero


def slow_part(t: Array, x: Array, cutoff_hz: float = SLOW_CUTOFF_HZ) -> Array:
    """``x`` without what changes faster than ``cutoff_hz`` (zero-phase; NaN stays NaN)."""
    return lowpass(t, np.asarray(x, dtype=np.float64), cutoff_hz)


def noise_level(t: Array, x: Array, standing_frames: NDArray[np.intp],
                cutoff_hz: float = SLOW_CUTOFF_HZ) -> float:
    """The band a value of ``x`` relative to standing must leave to be more than noise:
    ``NOISE_Z`` x the robust standard deviations, combined in quadrature, of (1) what the slow
    part leaves out over the clip (fast jitter) and (2) the slow part over the standing frames
    (how far the reading wanders while the body stands still); either alone when the other
    has too few samples, NaN when both have."""
    x = np.asarray(x, dtype=np.float64)
    slow = slow_part(t, x, cutoff_hz)
    fast = robust_sd(x - slow)
    still = robust_sd(slow[standing_frames]) if len(standing_frames) else float("nan")
    parts = [v for v in (fast, still) if np.isfinite(v)]
    return NOISE_Z * float(np.sqrt(sum(v ** 2 for v in parts))) if parts else float("nan")


def within_noise(value: float | None, noise: float | None) -> bool | None:
    """True if |value| is within the noise band; None if either is unknown."""
    if value is None or noise is None or not np.isfinite(noise):
        return None
    return bool(abs(value) <= noise)
