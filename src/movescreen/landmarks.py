"""MediaPipe Pose landmark indices (the subject's own left and right) and leg lookups."""

from dataclasses import dataclass
from typing import Literal

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

NOSE = 0
L_SHOULDER, R_SHOULDER = 11, 12
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
L_HEEL, R_HEEL = 29, 30
L_FOOT, R_FOOT = 31, 32
N_LANDMARKS = 33

NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)


@dataclass(frozen=True)
class Leg:
    """Landmark indices of one side of the body."""

    side: Side
    shoulder: int
    hip: int
    knee: int
    ankle: int
    heel: int
    foot: int


LEGS: dict[Side, Leg] = {
    "left": Leg("left", L_SHOULDER, L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_FOOT),
    "right": Leg("right", R_SHOULDER, R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_FOOT),
}


def other(side: Side) -> Side:
    """The contralateral side."""
    return "right" if side == "left" else "left"


LOWER_BODY = (L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE)
SCREEN_LANDMARKS = (L_SHOULDER, R_SHOULDER, *LOWER_BODY, L_HEEL, R_HEEL, L_FOOT, R_FOOT)
