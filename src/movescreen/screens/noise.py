"""The clip's own measurement noise of each per-leg metric, from the standing frames.

Kept apart from the screens so that a better estimate (e.g. one that removes sway) can replace
:func:`standing_noise` without touching them.
"""

import numpy as np

from ..landmarks import Side
from ..uncertainty import frame_noise
from .common import Array, Prepared

FPPA_METRICS = ("fppa_peak_deg", "fppa_bottom_deg", "fppa_at_45_deg", "fppa_at_60_deg",
                "fppa_change_deg", "fppa_ic_deg", "fppa_landing_peak_deg")


def _signals(p: Prepared, side: Side) -> dict[str, Array]:
    k, length = p.k, p.standing.leg_length_px
    kof = k.knee_medial_of_foot_px[side] / length
    out = dict.fromkeys(FPPA_METRICS, k.fppa[side])
    out |= {"pelvic_drop_deg": k.pelvis[side], "pelvic_drop_ic_deg": k.pelvis[side],
            "trunk_lean_deg": k.trunk[side], "trunk_lean_ic_deg": k.trunk[side],
            "knee_over_foot": kof, "knee_over_foot_ic": kof, "depth_pct": p.depth,
            "knee_flexion_est_deg": k.knee_flexion[side],
            "knee_flexion_ic_deg": k.knee_flexion_2d[side]}
    return out


def standing_noise(p: Prepared, side: Side) -> dict[str, float]:
    """Robust SD of each metric's per-frame signal over the standing frames (metric units).

    Metrics without a per-frame signal (times, distances) are left out.
    """
    frames = p.standing.frames
    out = {}
    for name, signal in _signals(p, side).items():
        if len(signal) == 0 or len(frames) == 0:
            continue
        noise = frame_noise(np.asarray(signal)[frames])
        if noise is not None:
            out[name] = noise
    return out
