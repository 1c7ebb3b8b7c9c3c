"""Knee flexion seen from the front, from how much thigh and shank shorten in the picture.

Facing the camera, a flexing knee tilts the thigh and the shank toward and away from the
camera; each projects shorter than when standing straight. A segment of standing length L0
tilted by a out of the image plane projects as L0 cos a, so its tilt is acos(L / L0), and with
the thigh and shank tilting in opposite senses (knee ahead of hip and ankle, as in every squat
and landing) knee flexion is the sum of the two tilts. The length ratio gives |tilt| only, so a
leg whose thigh and shank tilt the same way (knee behind the ankle) reads too high.

Lifting each segment to 3D (its depth component is what its image length lacks) and taking
the 3D angle also covers a knee that moves sideways in the picture: valgus, knees out in a wide
squat, or the body turned (exact under orthography at any turn).

Camera pitch p changes each segment's foreshortening (cos(a - p) / cos p instead of cos a); to
first order it moves the two tilts by -p and +p and the sum cancels it, but not while one
segment is tilted less than about 2p (a thigh tilting toward a camera that looks down appears
full length). Pitch is not observable from the picture of the leg alone, so it is bounded, not
corrected: ``MODEL_ERROR_DEG`` with the camera at knee height, ``PITCHED_ERROR_DEG`` with it up
to 15 deg above or below. Perspective (the knee nearer the camera than the hip) adds a few
degrees at 2-3 m; both are in the synthetic error table of tests/test_flexion.py.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .signals import nanmedian, robust_sd

Array = NDArray[np.float64]
Method = Literal["frontal-projection", "image-angle", "world-3d"]

# Largest |error| on synthetic legs (flexion 0-90 deg, both legs, mirrored, shank taking 30-55%
# of the flexion, pinhole camera 2-3 m away; tests/test_flexion.py prints the table): with the
# protocol's camera at knee height, and with the camera up to 15 deg above knee height; the
# body turned up to 15 deg either way (turning does not matter: the 3D lift absorbs it).
MODEL_ERROR_DEG = 8.0
PITCHED_ERROR_DEG = 18.0
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
    """Robust relative scatter (robust SD / median) of a length over the standing frames, at
    least ``MIN_RELATIVE_NOISE``; NaN with fewer than 3 values."""
    v = np.asarray(length, dtype=np.float64)[frames]
    med, sd = nanmedian(v), robust_sd(v)
    if not np.isfinite(sd) or not med > 0:
        return float("nan")
    return max(sd / med, MIN_RELATIVE_NOISE)


def _tilt_interval(length: Array, ref: float, noise: float) -> Array:
    """Half-width of the tilt interval when the length ratio is known to +- NOISE_Z sigma."""
    ratio = np.asarray(length, dtype=np.float64) / ref
    lo = tilt_deg(ratio + NOISE_Z * noise, 1.0)
    hi = tilt_deg(ratio - NOISE_Z * noise, 1.0)
    return (hi - lo) / 2.0


def _lift(vec: Array, true_length: float, toward_camera: float) -> Array:
    """A segment's 3D direction from its image vector (T, 2) and true length: the missing
    length is the depth component, toward (+1) or away from (-1) the camera."""
    v = np.asarray(vec, dtype=np.float64)
    depth = np.sqrt(np.clip(true_length ** 2 - np.sum(v ** 2, axis=-1), 0.0, None))
    return np.concatenate((v, toward_camera * depth[..., None]), axis=-1)


def frontal_knee_flexion(thigh_xy: Array, shank_xy: Array,
                         standing_frames: NDArray[np.intp]) -> FlexionEstimate:
    """Knee flexion from the image vectors hip->knee (``thigh_xy``) and knee->ankle
    (``shank_xy``), (T, 2), against their median lengths over the standing frames.

    Each segment is lifted to 3D (scaled orthography): its depth component is what its image
    length lacks of the standing length, the thigh toward the camera and the shank away. The
    flexion is the 3D angle between them: acos(thigh ratio) + acos(shank ratio) for a leg
    moving straight toward the camera, and still right when the knee also moves sideways in
    the picture (valgus, knees out in a wide squat, the body turned). The uncertainty combines
    the landmark noise (the lengths' scatter while standing, carried through acos: large near
    straight, small once the knee is bent) with ``MODEL_ERROR_DEG``.
    """
    thigh_xy, shank_xy = np.asarray(thigh_xy, float), np.asarray(shank_xy, float)
    n = len(thigh_xy)
    if len(standing_frames) == 0:
        nan = np.full(n, np.nan)
        return FlexionEstimate(nan, nan.copy(), "frontal-projection")
    thigh_px = np.linalg.norm(thigh_xy, axis=-1)
    shank_px = np.linalg.norm(shank_xy, axis=-1)
    ref_t = nanmedian(thigh_px[standing_frames])
    ref_s = nanmedian(shank_px[standing_frames])
    u, v = _lift(thigh_xy, ref_t, 1.0), _lift(shank_xy, ref_s, -1.0)
    cross = np.linalg.norm(np.cross(u, v), axis=-1)
    deg = np.degrees(np.arctan2(cross, np.sum(u * v, axis=-1)))
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
