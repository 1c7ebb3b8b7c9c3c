"""Knee flexion seen from the front, from how much thigh and shank shorten in the picture.

Facing the camera, a flexing knee tilts the thigh and the shank toward and away from the
camera; each projects shorter than when standing straight. A segment of standing length L0
tilted by a out of the image plane projects as L0 cos a, so its tilt is acos(L / L0), and with
the thigh and shank tilting in opposite senses (knee ahead of hip and ankle, as in every squat
and landing) knee flexion is the sum of the two tilts. The length ratio gives |tilt| only, so a
leg whose thigh and shank tilt the same way (knee behind the ankle) reads too high.

Camera pitch p changes each segment's foreshortening (cos(a - p) / cos p instead of cos a) but
to first order by -p on the segment tilting toward the camera and +p on the other: the sum
cancels it, but not while one segment is tilted less than about 2p (a thigh tilting toward a
camera that looks down appears full length): pitch is not observable from the two lengths, so
it is bounded, not corrected (``MODEL_ERROR_DEG`` at knee height, ``PITCHED_ERROR_DEG`` up to
15 deg). Yaw makes the estimate read low (a segment tilted a appears sqrt(1 - sin^2 a cos^2
yaw) long), so an oblique or side view cannot use it.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .signals import nanmedian

Array = NDArray[np.float64]
Method = Literal["frontal-projection", "image-angle", "world-3d"]

# Largest |error| on synthetic legs (flexion 0-90 deg, both legs, mirrored, shank taking 30-55%
# of the flexion, pinhole camera 2-3 m away; tests/test_flexion.py prints the table): with the
# protocol's camera at knee height and the body turned up to 10 deg, and with the camera up to
# 15 deg above knee height and the body turned up to 15 deg.
MODEL_ERROR_DEG = 8.5
PITCHED_ERROR_DEG = 26.0
NOISE_Z = 2.0  # the landmark-noise part of the uncertainty is +-2 sigma of the standing lengths
MIN_RELATIVE_NOISE = 0.005  # a filtered standing length is never known better than 0.5%


@dataclass(frozen=True)
class FlexionEstimate:
    """Knee flexion per frame (0 = straight) with a +- uncertainty, both in degrees."""

    deg: Array
    uncertainty_deg: Array
    method: Method


def tilt_deg(length: Array, standing_length: float) -> Array:
    """Tilt out of the image plane of a segment that projects ``length`` long, in degrees.

    A length at or above the standing one is no tilt; NaN stays NaN.
    """
    ratio = np.asarray(length, dtype=np.float64) / standing_length
    return np.degrees(np.arccos(np.clip(ratio, 0.0, 1.0)))


def relative_noise(length: Array, frames: NDArray[np.intp]) -> float:
    """Robust relative scatter (MAD x 1.4826 / median) of a length over the standing frames."""
    v = np.asarray(length, dtype=np.float64)[frames]
    v = v[np.isfinite(v)]
    if len(v) < 3:
        return float("nan")
    med = float(np.median(v))
    mad = float(np.median(np.abs(v - med))) * 1.4826
    return max(mad / med, MIN_RELATIVE_NOISE) if med > 0 else float("nan")


def _tilt_interval(length: Array, ref: float, noise: float) -> Array:
    """Half-width of the tilt interval when the length ratio is known to +- NOISE_Z sigma."""
    ratio = np.asarray(length, dtype=np.float64) / ref
    lo = tilt_deg(ratio + NOISE_Z * noise, 1.0)
    hi = tilt_deg(ratio - NOISE_Z * noise, 1.0)
    return (hi - lo) / 2.0


def frontal_knee_flexion(thigh_px: Array, shank_px: Array,
                         standing_frames: NDArray[np.intp]) -> FlexionEstimate:
    """Knee flexion from the projected thigh (hip-knee) and shank (knee-ankle) lengths against
    their medians over the standing frames.

    The uncertainty combines the landmark noise (the lengths' scatter while standing, carried
    through acos: large near straight, small once the knee is bent) with ``MODEL_ERROR_DEG``.
    """
    n = len(thigh_px)
    if len(standing_frames) == 0:
        nan = np.full(n, np.nan)
        return FlexionEstimate(nan, nan.copy(), "frontal-projection")
    ref_t = nanmedian(np.asarray(thigh_px)[standing_frames])
    ref_s = nanmedian(np.asarray(shank_px)[standing_frames])
    deg = tilt_deg(thigh_px, ref_t) + tilt_deg(shank_px, ref_s)
    noise_t = _tilt_interval(thigh_px, ref_t, relative_noise(thigh_px, standing_frames))
    noise_s = _tilt_interval(shank_px, ref_s, relative_noise(shank_px, standing_frames))
    unc = np.sqrt(noise_t ** 2 + noise_s ** 2 + MODEL_ERROR_DEG ** 2)
    return FlexionEstimate(deg, unc, "frontal-projection")


def fill_from(primary: FlexionEstimate, fallback: FlexionEstimate) -> FlexionEstimate:
    """``primary`` where it has a value, ``fallback`` (e.g. the 3D estimate) elsewhere."""
    gap = ~np.isfinite(primary.deg)
    return FlexionEstimate(np.where(gap, fallback.deg, primary.deg),
                           np.where(gap, fallback.uncertainty_deg, primary.uncertainty_deg),
                           primary.method)
