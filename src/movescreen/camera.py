"""Did the camera move? Landmarks relative to the ground, or a refusal to time.

The feet's image trajectory is ground-relative only if the camera stands still. From the
background shift measured while decoding (:mod:`movescreen.frame_motion`): a camera that
stays within ``STILL_LL`` leg lengths is fixed; a pan or tilt (every background point moves
alike) is undone by subtracting the background's path from every landmark; anything else
(zoom, rotation, a camera carried through the scene) cannot be undone, and timing from the
feet is refused.
"""

from dataclasses import dataclass, replace
from typing import Literal

from .frame_motion import camera_path
from .pose.sequence import PoseSequence

STILL_LL = 0.05  # leg lengths of camera travel over the clip that count as a fixed camera
PAN_SPREAD_LL = 0.01  # background points agreeing within this (leg lengths/frame): a pan
MIN_MEASURED = 0.8  # share of frames with a background estimate needed to undo a pan

CameraState = Literal["unknown", "fixed", "panned", "moved"]


@dataclass(frozen=True)
class CameraCheck:
    seq: PoseSequence  # ground-relative landmarks where that was possible
    state: CameraState
    travel_ll: float | None  # largest distance of the picture from its start, leg lengths

    @property
    def timing_ok(self) -> bool:
        return self.state != "moved"


def check_camera(seq: PoseSequence, leg_px: float) -> CameraCheck:
    """Classify the camera's motion over ``seq`` and undo it if it is a pan or tilt."""
    path = None if seq.frame_motion is None else camera_path(seq.frame_motion)
    if path is None or not (leg_px > 0):
        return CameraCheck(seq, "unknown", None)
    travel = path.travel_px / leg_px
    if not path.moved(STILL_LL * leg_px):
        return CameraCheck(seq, "fixed", travel)
    if not path.simple(PAN_SPREAD_LL * leg_px, MIN_MEASURED):
        return CameraCheck(seq, "moved", travel)
    offset = path.offset - path.offset[0]
    return CameraCheck(replace(seq, image_xy=seq.image_xy - offset[:, None, :]), "panned", travel)
