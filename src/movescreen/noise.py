"""Measurement noise of a slowly changing angle: whatever flickers faster than the movement.

A single-leg squat rep takes 2-4 s, so the true pelvic drop changes well below 1 Hz; landmark
jitter that survives the 6 Hz conditioning swings it within tenths of a second. The slow part
(a zero-phase low-pass at ``SLOW_CUTOFF_HZ``) is the measurement, and the scatter of what the
filter removed is the clip's noise.
"""

import numpy as np
from numpy.typing import NDArray

from .signals import lowpass

Array = NDArray[np.float64]

SLOW_CUTOFF_HZ = 1.0
NOISE_Z = 2.0  # a value within +-2 sigma of the noise is not distinguishable from zero


def slow_part(t: Array, x: Array, cutoff_hz: float = SLOW_CUTOFF_HZ) -> Array:
    """``x`` without what changes faster than ``cutoff_hz`` (zero-phase; NaN stays NaN)."""
    return lowpass(t, np.asarray(x, dtype=np.float64), cutoff_hz)


def noise_level(t: Array, x: Array, cutoff_hz: float = SLOW_CUTOFF_HZ) -> float:
    """``NOISE_Z`` x the robust standard deviation (MAD x 1.4826) of ``x`` minus its slow
    part: the band a value must leave to be more than noise. NaN without enough samples."""
    resid = np.asarray(x, dtype=np.float64) - slow_part(t, x, cutoff_hz)
    resid = resid[np.isfinite(resid)]
    if len(resid) < 10:
        return float("nan")
    return NOISE_Z * float(np.median(np.abs(resid - np.median(resid)))) * 1.4826


def within_noise(value: float | None, noise: float | None) -> bool | None:
    """True if |value| is within the noise band; None if either is unknown."""
    if value is None or noise is None or not np.isfinite(noise):
        return None
    return bool(abs(value) <= noise)
