"""Per-frame angles and distances of both legs, each in its own leg frame (+x = medial)."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from . import geometry as g
from .conditioning import ConditionedPose
from .landmarks import LEGS, SIDES, Side, other
from .signals import nanmax_columns

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Kinematics:
    """Time series (T,) per frame. Angles in degrees; signs as in docs/metrics.md."""

    t: Array
    fppa: dict[Side, Array]  # + = valgus
    knee_flexion: dict[Side, Array]  # 3D world landmarks, 0 = straight (reads low facing the
    # camera: the screens use flexion.py's estimate, this only where that has no value)
    knee_flexion_2d: dict[Side, Array]  # in the image plane (valid in a side view)
    thigh_xy: dict[Side, Array]  # (T, 2) image vector hip -> knee
    shank_xy: dict[Side, Array]  # (T, 2) image vector knee -> ankle
    pelvis: dict[Side, Array]  # hip line in that leg's frame, + = the other side lower
    trunk: dict[Side, Array]  # mid-hip -> mid-shoulder from vertical, + = toward that side
    knee_medial_of_foot_px: dict[Side, Array]  # + = knee medial to the foot index
    knee_x: dict[Side, Array]  # image x of the knee (pixels)
    ankle_x: dict[Side, Array]
    ankle_y: dict[Side, Array]  # image y (down) of the ankle
    foot_low_y: dict[Side, Array]  # lowest of ankle, heel and toe in the image (largest y)
    heel_x: dict[Side, Array]
    toe_x: dict[Side, Array]
    leg_length_px: dict[Side, Array]  # hip-ankle distance
    mid_hip: Array  # (T, 2), NaN unless both hips are known
    hip_y: Array  # height of the pelvis (image y): mid-hip, or the one visible hip
    shoulder_width_px: Array
    trunk_height_px: Array
    hip_line_yaw_deg: Array  # rotation of the hip line out of the image plane (world)
    medial_sign: dict[Side, float]


def _centre(a: Array, b: Array) -> Array:
    """Midpoint of two landmarks; the one that is visible where the other is not (a side view
    hides the far hip). Only for vertical use: sideways, one hip is not the pelvis centre."""
    mid = g.midpoint(a, b)
    only_a = ~np.isfinite(b[:, 0]) & np.isfinite(a[:, 0])
    only_b = ~np.isfinite(a[:, 0]) & np.isfinite(b[:, 0])
    mid[only_a], mid[only_b] = a[only_a], b[only_b]
    return mid


def compute_kinematics(pose: ConditionedPose) -> Kinematics:
    """Every per-frame signal the screens need."""
    xy, world = pose.xy, pose.world
    legs = {s: LEGS[s] for s in SIDES}
    sign = {s: g.medial_sign(xy[:, legs[s].hip], xy[:, legs[other(s)].hip]) for s in SIDES}
    mid_hip = g.midpoint(xy[:, legs["left"].hip], xy[:, legs["right"].hip])
    mid_sh = g.midpoint(xy[:, legs["left"].shoulder], xy[:, legs["right"].shoulder])
    fppa, flex, flex2d, pelvis, trunk, kof = {}, {}, {}, {}, {}, {}
    for s in SIDES:
        leg, sg = legs[s], sign[s]
        hip, knee, ankle = (g.to_leg_frame(xy[:, i], sg) for i in (leg.hip, leg.knee, leg.ankle))
        fppa[s] = g.fppa(hip, knee, ankle)
        flex[s] = g.joint_flexion_3d(world[:, leg.hip], world[:, leg.knee], world[:, leg.ankle])
        # unsigned, so it needs no leg frame: a side view may hide the far hip all clip long
        flex2d[s] = np.abs(g.fppa(xy[:, leg.hip], xy[:, leg.knee], xy[:, leg.ankle]))
        pelvis[s] = g.pelvic_obliquity(hip, g.to_leg_frame(xy[:, legs[other(s)].hip], sg))
        trunk[s] = g.trunk_tilt(g.to_leg_frame(mid_hip, sg), g.to_leg_frame(mid_sh, sg))
        kof[s] = knee[:, 0] - g.to_leg_frame(xy[:, leg.foot], sg)[:, 0]
    hip_vec = world[:, legs["left"].hip] - world[:, legs["right"].hip]
    yaw = np.degrees(np.arctan2(np.abs(hip_vec[:, 2]), np.abs(hip_vec[:, 0])))
    return Kinematics(
        t=pose.t,
        fppa=fppa,
        knee_flexion=flex,
        knee_flexion_2d=flex2d,
        thigh_xy={s: xy[:, legs[s].knee] - xy[:, legs[s].hip] for s in SIDES},
        shank_xy={s: xy[:, legs[s].ankle] - xy[:, legs[s].knee] for s in SIDES},
        pelvis=pelvis,
        trunk=trunk,
        knee_medial_of_foot_px=kof,
        knee_x={s: xy[:, legs[s].knee, 0] for s in SIDES},
        ankle_x={s: xy[:, legs[s].ankle, 0] for s in SIDES},
        ankle_y={s: xy[:, legs[s].ankle, 1] for s in SIDES},
        foot_low_y={s: nanmax_columns(xy[:, [legs[s].ankle, legs[s].heel, legs[s].foot], 1])
                    for s in SIDES},
        heel_x={s: xy[:, legs[s].heel, 0] for s in SIDES},
        toe_x={s: xy[:, legs[s].foot, 0] for s in SIDES},
        leg_length_px={s: g.distance(xy[:, legs[s].hip], xy[:, legs[s].ankle]) for s in SIDES},
        mid_hip=mid_hip,
        hip_y=_centre(xy[:, legs["left"].hip], xy[:, legs["right"].hip])[:, 1],
        shoulder_width_px=g.distance(xy[:, legs["left"].shoulder], xy[:, legs["right"].shoulder]),
        trunk_height_px=g.distance(mid_hip, mid_sh),
        hip_line_yaw_deg=yaw,
        medial_sign=sign,
    )
