"""Joint and segment angles from landmark coordinates (pure numpy, degrees at the boundary).

Image coordinates are x right, y down. Every frontal-plane metric is computed in a *leg frame*:
x is multiplied by the leg's ``medial_sign`` so that +x points from that leg toward the body's
midline (toward the other hip). One formula then serves both legs, and mirroring a clip swaps
the legs without changing any magnitude.
"""

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def medial_sign(hip_xy: Array, other_hip_xy: Array) -> float:
    """+1 if the other hip lies at larger image x than this hip (over the clip), else -1.

    NaN frames are ignored; returns NaN if no frame has both hips.
    """
    dx = np.asarray(other_hip_xy)[..., 0] - np.asarray(hip_xy)[..., 0]
    med = np.nanmedian(dx) if np.any(np.isfinite(dx)) else np.nan
    if not np.isfinite(med) or med == 0:
        return float("nan")
    return 1.0 if med > 0 else -1.0


def to_leg_frame(xy: Array, sign: float) -> Array:
    """Return a copy of ``xy`` (..., 2) with x multiplied by ``sign`` (+x = medial)."""
    out = np.array(xy, dtype=np.float64, copy=True)
    out[..., 0] *= sign
    return out


def _signed_angle(u: Array, v: Array) -> Array:
    """Signed angle from 2D vector u to v in degrees, positive for cross(u, v) > 0."""
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = u[..., 0] * v[..., 0] + u[..., 1] * v[..., 1]
    return np.degrees(np.arctan2(cross, dot))


def fppa(hip: Array, knee: Array, ankle: Array) -> Array:
    """Knee frontal plane projection angle, in a leg frame (+x medial, y down).

    180 deg minus the hip-knee-ankle angle, + = valgus (knee medial to the hip-ankle line),
    - = varus (Willson & Davis 2008).
    """
    thigh = np.asarray(knee) - np.asarray(hip)
    shank = np.asarray(ankle) - np.asarray(knee)
    return _signed_angle(thigh, shank)


def pelvic_obliquity(stance_hip: Array, free_hip: Array) -> Array:
    """Angle of the stance-hip -> free-hip line in a leg frame; + = free side lower.

    Measured against the horizontal distance between the hips whatever its sign, so a moment
    where the hips overlap or swap in the picture (body turning) cannot wrap the angle to
    about ±180 deg.
    """
    v = np.asarray(free_hip) - np.asarray(stance_hip)
    return np.degrees(np.arctan2(v[..., 1], np.abs(v[..., 0])))


def trunk_tilt(mid_hip: Array, mid_shoulder: Array) -> Array:
    """Angle of mid-hip -> mid-shoulder from image vertical in a leg frame.

    + = shoulders displaced toward -x, i.e. toward the stance (lateral) side of the leg frame.
    """
    u = np.asarray(mid_shoulder) - np.asarray(mid_hip)
    return np.degrees(np.arctan2(-u[..., 0], -u[..., 1]))


def joint_flexion_3d(proximal: Array, joint: Array, distal: Array) -> Array:
    """180 deg minus the 3D angle at ``joint`` (0 = straight), unsigned, in degrees."""
    u = np.asarray(joint) - np.asarray(proximal)
    v = np.asarray(distal) - np.asarray(joint)
    cross = np.linalg.norm(np.cross(u, v), axis=-1)
    dot = np.sum(u * v, axis=-1)
    return np.degrees(np.arctan2(cross, dot))


def distance(a: Array, b: Array) -> Array:
    """Euclidean distance between point arrays (..., d)."""
    return np.linalg.norm(np.asarray(a) - np.asarray(b), axis=-1)


def midpoint(a: Array, b: Array) -> Array:
    """Midpoint of two point arrays."""
    return (np.asarray(a) + np.asarray(b)) / 2.0
