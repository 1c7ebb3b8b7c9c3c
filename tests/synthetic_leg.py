"""A 3D leg of known knee flexion filmed by a pinhole camera of known pitch, yaw and distance."""

import numpy as np

THIGH_M = SHANK_M = 0.42
HALF_HIP_M = 0.09
FOCAL_PX = 1500.0


def leg_3d(flexion_deg: np.ndarray, shank_share: float, side: str
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hip, knee, ankle (T, 3) in metres (x = the person's left, y up, z toward the person's
    front). The ankle stays on the floor; the shank tilts forward by ``shank_share`` of the
    flexion and the thigh back by the rest (knee ahead of hip and ankle)."""
    flex = np.radians(np.asarray(flexion_deg, dtype=np.float64))
    a_s, a_t = shank_share * flex, (1.0 - shank_share) * flex
    n = len(flex)
    x = HALF_HIP_M if side == "left" else -HALF_HIP_M
    ankle = np.column_stack((np.full(n, x), np.zeros(n), np.zeros(n)))
    knee = ankle + SHANK_M * np.column_stack((np.zeros(n), np.cos(a_s), np.sin(a_s)))
    hip = knee + THIGH_M * np.column_stack((np.zeros(n), np.cos(a_t), -np.sin(a_t)))
    return hip, knee, ankle


def project(points: np.ndarray, pitch_deg: float, yaw_deg: float, distance_m: float,
            mirror: bool = False) -> np.ndarray:
    """Image positions (T, 2; x right, y down, pixels) of world points seen by a camera
    ``distance_m`` in front of the person at knee height's target, looking down by
    ``pitch_deg`` and turned ``yaw_deg`` around the person. ``mirror`` flips the picture."""
    p, q = np.radians(pitch_deg), np.radians(yaw_deg)
    target = np.array([0.0, 0.5, 0.0])
    cam = target + distance_m * np.array([np.sin(q) * np.cos(p), np.sin(p), np.cos(q) * np.cos(p)])
    fwd = (target - cam) / distance_m
    right = np.cross(fwd, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, fwd)
    d = points - cam
    depth = d @ fwd
    x = FOCAL_PX * (d @ right) / depth
    y = -FOCAL_PX * (d @ up) / depth
    return np.column_stack((-x if mirror else x, y))
