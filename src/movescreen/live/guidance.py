"""Checks made from the live pose before a set starts, each with a sentence saying what to do.

Every check looks at one frame's landmarks (pixels, the subject's own left/right) and the
picture; :func:`first_problem` returns the first sentence to show, or None when recording may
start. The order is the order a person fixes things in: light, whole body, facing, stance.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..events import STANCE_MIN_LIFT
from ..landmarks import (
    L_ANKLE,
    L_HIP,
    L_SHOULDER,
    LEGS,
    NOSE,
    R_ANKLE,
    R_HIP,
    R_SHOULDER,
    SCREEN_LANDMARKS,
    Side,
    other,
)

Array = NDArray[np.float64]
L_EAR, R_EAR = 7, 8


@dataclass(frozen=True)
class GuideOptions:
    """Thresholds of the pre-set checks (what a usable frontal recording needs)."""

    min_luminance: float = 60.0  # mean luma (0-255) of the picture
    min_visibility: float = 0.5
    edge_margin: float = 0.02  # fraction of the frame kept free around the body
    min_body_height: float = 0.4  # fraction of the frame height, head to feet
    min_width_ratio: float = 0.18  # shoulder width / shoulder-to-ankle height when facing
    max_ear_ratio: float = 2.5  # one ear this much further from the nose than the other
    foot_lift: float = STANCE_MIN_LIFT  # lifted foot: leg lengths above the other


@dataclass(frozen=True)
class Observation:
    """One frame as the guidance sees it."""

    xy: Array | None  # (33, 2) pixels, or None when nobody was found
    visibility: Array | None  # (33,)
    width: int
    height: int
    luminance: float


def luminance(rgb: NDArray[np.uint8]) -> float:
    """Mean luma (Rec. 601) of a subsampled RGB picture, 0-255."""
    small = rgb[::8, ::8].astype(np.float64)
    return float(np.mean(small @ np.array([0.299, 0.587, 0.114])))


def check_light(o: Observation, opts: GuideOptions) -> str | None:
    if o.luminance < opts.min_luminance:
        return "More light, please: switch on a lamp or face a window (the picture is too dark)."
    return None


def check_whole_body(o: Observation, opts: GuideOptions) -> str | None:
    if o.xy is None or o.visibility is None:
        return "Step into the picture: nobody is visible yet."
    idx = [*SCREEN_LANDMARKS, NOSE]
    pts, vis = o.xy[idx], o.visibility[idx]
    if not np.all(np.isfinite(pts)):
        return "Step back until your whole body is visible, head to feet."
    mx, my = opts.edge_margin * o.width, opts.edge_margin * o.height
    if np.any(pts[:, 1] > o.height - my) or vis[idx.index(L_ANKLE)] < opts.min_visibility \
            or vis[idx.index(R_ANKLE)] < opts.min_visibility:
        return "Step back until your feet are in the picture."
    if np.any(pts[:, 1] < my):
        return "Step back (or tilt the camera up) until your head is in the picture."
    if np.any(pts[:, 0] < mx):
        return "Move to your left: you are cut off at the edge of the picture."
    if np.any(pts[:, 0] > o.width - mx):
        return "Move to your right: you are cut off at the edge of the picture."
    if np.any(vis < opts.min_visibility):
        return "Step back until your whole body is visible, and clear anything in front of you."
    extent = float(np.max(pts[:, 1]) - np.min(pts[:, 1]))
    if extent < opts.min_body_height * o.height:
        return "Come closer: your body should fill about half the height of the picture."
    return None


def check_facing(o: Observation, opts: GuideOptions) -> str | None:
    assert o.xy is not None
    xy = o.xy
    shoulders = float(np.linalg.norm(xy[L_SHOULDER] - xy[R_SHOULDER]))
    hips = float(np.linalg.norm(xy[L_HIP] - xy[R_HIP]))
    mid_sh = (xy[L_SHOULDER] + xy[R_SHOULDER]) / 2
    mid_ank = (xy[L_ANKLE] + xy[R_ANKLE]) / 2
    tall = float(np.linalg.norm(mid_sh - mid_ank))
    if tall <= 0 or max(shoulders, hips * 1.3) / tall < opts.min_width_ratio:
        return "Face the camera: turn until both shoulders are square to it."
    # the subject's left appears on the picture's right when facing the camera
    if xy[L_SHOULDER, 0] < xy[R_SHOULDER, 0]:
        return "Face the camera: you seem to have your back to it."
    ears = [float(np.linalg.norm(xy[e] - xy[NOSE])) for e in (L_EAR, R_EAR)]
    if np.all(np.isfinite(ears)) and min(ears) > 0 and max(ears) / min(ears) > opts.max_ear_ratio:
        return "Face the camera: turn your head and body straight toward it."
    return None


def lifted_foot(xy: Array, opts: GuideOptions) -> Side | None:
    """The leg whose ankle is clearly higher in the picture than the other's, if any."""
    ly, ry = xy[L_ANKLE, 1], xy[R_ANKLE, 1]
    length = np.nanmean([np.linalg.norm(xy[LEGS[s].hip] - xy[LEGS[s].ankle])
                         for s in ("left", "right")])
    if not (np.isfinite(ly) and np.isfinite(ry) and np.isfinite(length)) or length <= 0:
        return None
    if ry - ly > opts.foot_lift * length:
        return "left"  # left ankle higher (smaller y)
    if ly - ry > opts.foot_lift * length:
        return "right"
    return None


def check_stance(o: Observation, stance: Side | None, opts: GuideOptions) -> str | None:
    """For a single-leg test: the free foot must be off the ground."""
    if stance is None:
        return None
    assert o.xy is not None
    lifted = lifted_foot(o.xy, opts)
    if lifted == other(stance):
        return None
    if lifted == stance:
        return (f"Stand on your {stance} leg: you are standing on your {other(stance)} leg; "
                f"lift your {other(stance)} foot instead.")
    return f"Stand on your {stance} leg: lift your {other(stance)} foot off the ground."


def first_problem(o: Observation, stance: Side | None,
                  opts: GuideOptions | None = None) -> str | None:
    """The first thing to fix before recording, as a sentence; None when all is well."""
    opts = opts or GuideOptions()
    for check in (check_light, check_whole_body, check_facing):
        msg = check(o, opts)
        if msg:
            return msg
    return check_stance(o, stance, opts)
