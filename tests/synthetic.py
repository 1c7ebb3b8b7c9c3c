"""Synthetic PoseSequences of known geometry (no video, no model)."""

import numpy as np

from movescreen.landmarks import (
    L_ANKLE,
    L_FOOT,
    L_HEEL,
    L_HIP,
    L_KNEE,
    L_SHOULDER,
    N_LANDMARKS,
    NOSE,
    R_ANKLE,
    R_FOOT,
    R_HEEL,
    R_HIP,
    R_KNEE,
    R_SHOULDER,
)
from movescreen.pose.sequence import PoseSequence
from movescreen.results import ClipInfo, ModelInfo, PersonInfo

W = H = 1000
HALF_PELVIS = 60.0
THIGH = SHANK = 200.0
TRUNK = 300.0


def phase(t: np.ndarray, reps: int, period: float, pause: float) -> np.ndarray:
    """0 standing .. 1 deepest: raised-cosine reps separated by standing pauses."""
    u = (t - pause) % period
    active = period - pause
    s = np.where(u < active, (1 - np.cos(2 * np.pi * np.clip(u, 0, active) / active)) / 2, 0.0)
    s[(t < pause) | (t > pause + reps * period - pause)] = 0.0
    return s


def _knee_between(hip: np.ndarray, ankle: np.ndarray, fppa_deg: np.ndarray,
                  medial_x: float) -> np.ndarray:
    """Knee at the apex of an isosceles hip-knee-ankle triangle with the given FPPA."""
    mid = (hip + ankle) / 2
    d = np.linalg.norm(ankle - hip, axis=-1)
    m = d / 2 * np.tan(np.radians(fppa_deg) / 2)
    axis = (ankle - hip) / d[:, None]
    perp = np.column_stack((axis[:, 1], -axis[:, 0]))  # perpendicular in the image
    perp *= np.sign(perp[:, :1] * medial_x)  # pointing medially
    return mid + perp * m[:, None]


def _leg_below(hip: np.ndarray, fppa_deg: np.ndarray, flexion_deg: np.ndarray,
               medial_x: float) -> tuple[np.ndarray, np.ndarray]:
    """Knee and ankle below ``hip`` in the image of a 3D leg seen from the front: thigh and
    shank each tilted by half the flexion, toward and away from the camera, in a plane turned
    about the vertical just enough that the knee shows the given FPPA (needs |FPPA| <=
    flexion). Its 3D knee angle is ``flexion_deg``; the foot follows the hip, so image depth
    and knee flexion are independent knobs."""
    d = (THIGH + SHANK) * np.cos(np.radians(flexion_deg) / 2)
    ankle = hip + np.column_stack((np.zeros(len(d)), d))
    return _knee_between(hip, ankle, fppa_deg, medial_x), ankle


def _world_leg(world: np.ndarray, idx: tuple[int, int, int], x_sign: float,
               flexion_rad: np.ndarray) -> None:
    """Hip, knee and ankle world landmarks (0.4 m segments, knee forward) at a given flexion."""
    n = len(flexion_rad)
    a = flexion_rad / 2
    hip = np.column_stack((np.full(n, x_sign * 0.1), np.zeros(n), np.zeros(n)))
    knee = hip + 0.4 * np.column_stack((np.zeros(n), np.cos(a), -np.sin(a)))
    world[:, idx[0]], world[:, idx[1]] = hip, knee
    world[:, idx[2]] = knee + 0.4 * np.column_stack((np.zeros(n), np.cos(a), np.sin(a)))


def _pack(t: np.ndarray, xy: np.ndarray, world: np.ndarray) -> PoseSequence:
    """A fully visible synthetic PoseSequence."""
    n = len(t)
    ones = np.ones((n, N_LANDMARKS))
    return PoseSequence(t=t, image_xy=xy, world_xyz=world, visibility=ones, presence=ones.copy(),
                        clip=clip_info(n, t), model=ModelInfo(name="synthetic", sha256="0" * 64,
                                                             source="test"),
                        person=PersonInfo(people_seen=1, selection="synthetic",
                                          crop_tracking=False, body_height_frac=0.8))


def clip_info(n: int, t: np.ndarray) -> ClipInfo:
    fps = (n - 1) / (t[-1] - t[0])
    return ClipInfo(file="synthetic", sha256="0" * 64, container="none", codec="none",
                    width=W, height=H, rotation_deg=0, n_frames=n, duration_s=float(t[-1]),
                    fps_container=fps, fps_measured=fps, fps_effective=fps, repeated_frames=0,
                    variable_frame_rate=False)


def single_leg_squat(stance: str = "left", reps: int = 5, fppa_max: float = 14.0,
                     drop_max: float = 6.0, lean_max: float = 8.0, depth_px: float = 80.0,
                     flexion_max: float = 50.0, fps: float = 30.0, period: float = 3.0,
                     pause: float = 0.6, facing_camera: bool = True,
                     fppa_reps: tuple[float, ...] | None = None) -> PoseSequence:
    """A frontal single-leg squat with exactly known FPPA, pelvic drop, trunk lean, depth and
    knee flexion (world landmarks and the image's foreshortened stance leg agree).

    Facing the camera, the subject's left side is at image right (larger x). The stance
    knee's FPPA, the free-side pelvic drop and the trunk lean toward the stance leg all grow
    in proportion to the squat phase, peaking at the deepest point. ``fppa_reps`` gives each
    rep its own peak FPPA (a known rep-to-rep spread) instead of ``fppa_max``.
    """
    t = np.arange(0, reps * period + pause, 1 / fps)
    s = phase(t, reps, period, pause)
    fppa_amp: np.ndarray | float = fppa_max
    if fppa_reps is not None:
        rep_of = np.clip(((t - pause) // period).astype(int), 0, len(fppa_reps) - 1)
        fppa_amp = np.asarray(fppa_reps, dtype=float)[rep_of]
    n = len(t)
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    world = np.full((n, N_LANDMARKS, 3), np.nan)
    left_x = 1.0 if facing_camera else -1.0  # image direction of the subject's left
    st_sign = left_x if stance == "left" else -left_x  # image x direction of the stance side
    st_hip_i, st_knee_i, st_ankle_i, st_heel_i, st_foot_i, fr_hip_i, fr_knee_i, fr_ankle_i, \
        fr_heel_i, fr_foot_i = (
            (L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_FOOT, R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_FOOT)
            if stance == "left" else
            (R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_FOOT, L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_FOOT))
    mid = np.column_stack((np.full(n, W / 2), 500.0 + depth_px * s))
    phi = np.radians(drop_max * s)
    half = HALF_PELVIS * np.column_stack((np.cos(phi), -np.sin(phi)))
    half[:, 0] *= st_sign
    st_hip = mid + half  # stance hip higher, free hip lower by phi
    fr_hip = mid - half
    st_knee, st_ankle = _leg_below(st_hip, fppa_amp * s, flexion_max * s, medial_x=-st_sign)
    fr_ankle = np.column_stack((fr_hip[:, 0], np.full(n, 800.0)))  # free foot lifted
    fr_knee = (fr_hip + fr_ankle) / 2 + np.array([0.0, 0.0])
    psi = np.radians(lean_max * s)
    shoulders_mid = mid + TRUNK * np.column_stack((st_sign * np.sin(psi), -np.cos(psi)))
    sh_half = np.array([100.0, 0.0])
    xy[:, st_hip_i], xy[:, fr_hip_i] = st_hip, fr_hip
    xy[:, st_knee_i], xy[:, fr_knee_i] = st_knee, fr_knee
    xy[:, st_ankle_i], xy[:, fr_ankle_i] = st_ankle, fr_ankle
    xy[:, st_heel_i], xy[:, fr_heel_i] = st_ankle + np.array([0, 10]), fr_ankle + np.array([0, 10])
    xy[:, st_foot_i], xy[:, fr_foot_i] = st_ankle + np.array([0, 25]), fr_ankle + np.array([0, 25])
    xy[:, L_SHOULDER] = shoulders_mid + sh_half * left_x
    xy[:, R_SHOULDER] = shoulders_mid - sh_half * left_x
    xy[:, NOSE] = shoulders_mid + np.array([0, -80])
    for i in range(N_LANDMARKS):  # face, arms: rigidly above the shoulders
        if np.isnan(xy[0, i, 0]):
            xy[:, i] = shoulders_mid + np.array([0, -60])
    # world landmarks (metres, y down, z toward the camera): knee flexion grows with phase
    kappa = np.radians(flexion_max * s)
    for hip_i, knee_i, ankle_i, x, flex in (
        (st_hip_i, st_knee_i, st_ankle_i, st_sign * 0.1, kappa),
        (fr_hip_i, fr_knee_i, fr_ankle_i, -st_sign * 0.1, np.full(n, np.radians(70))),
    ):
        hip = np.column_stack((np.full(n, x), np.zeros(n), np.zeros(n)))
        a = flex / 2
        knee = hip + 0.4 * np.column_stack((np.zeros(n), np.cos(a), -np.sin(a)))
        ankle = knee + 0.4 * np.column_stack((np.zeros(n), np.cos(a), np.sin(a)))
        world[:, hip_i], world[:, knee_i], world[:, ankle_i] = hip, knee, ankle
    world[np.isnan(world)] = 0.0
    world[:, L_SHOULDER] = [0.18 * left_x, -0.5, 0]
    world[:, R_SHOULDER] = [-0.18 * left_x, -0.5, 0]
    return _pack(t, xy, world)


def double_leg_squat(reps: int = 4, fppa_max: float = 10.0, shift_px: float = 0.0,
                     depth_px: float = 100.0, flexion_max: float = 50.0, fps: float = 30.0,
                     period: float = 3.0, pause: float = 0.6) -> PoseSequence:
    """A frontal double-leg squat: both knees reach ``fppa_max`` valgus at the bottom, the
    pelvis shifts ``shift_px`` toward the subject's left (image +x) and drops ``depth_px``."""
    t = np.arange(0, reps * period + pause, 1 / fps)
    s = phase(t, reps, period, pause)
    n = len(t)
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    world = np.zeros((n, N_LANDMARKS, 3))
    mid = np.column_stack((W / 2 + shift_px * s, 500.0 + depth_px * s))
    for x_sign, hip_i, knee_i, ankle_i, heel_i, foot_i, sh_i in (
        (1.0, L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_FOOT, L_SHOULDER),  # subject's left: image right
        (-1.0, R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_FOOT, R_SHOULDER),
    ):
        hip = mid + np.array([x_sign * HALF_PELVIS, 0.0])
        knee, ankle = _leg_below(hip, fppa_max * s, flexion_max * s, medial_x=-x_sign)
        xy[:, hip_i], xy[:, knee_i], xy[:, ankle_i] = hip, knee, ankle
        xy[:, heel_i], xy[:, foot_i] = ankle + np.array([0, 10]), ankle + np.array([0, 25])
        xy[:, sh_i] = mid + np.array([x_sign * 100.0, -TRUNK])
        _world_leg(world, (hip_i, knee_i, ankle_i), x_sign, np.radians(flexion_max * s))
        world[:, sh_i] = [x_sign * 0.18, -0.5, 0]
    for i in range(N_LANDMARKS):
        if np.isnan(xy[0, i, 0]):
            xy[:, i] = mid + np.array([0, -TRUNK - 60])
    return _pack(t, xy, world)


def jump_landing(flight_s: float = 0.45, single_leg: str | None = None, fppa_ic: float = 4.0,
                 fppa_peak: float = 12.0, fps: float = 120.0, t_takeoff: float = 1.0,
                 settle_s: float = 2.0, px_per_m: float = 500.0,
                 travel_px: float = 0.0) -> PoseSequence:
    """Stand, jump straight up with an exactly ballistic flight of ``flight_s``, land, absorb
    (hips drop 60 px over 0.2 s while the landing knee(s) go from ``fppa_ic`` to ``fppa_peak``
    valgus), recover and stand still. ``single_leg``: 'left'/'right' hops and lands on that
    leg with the other foot held up; None = both feet. ``travel_px``: the whole body moves this
    far along image x during the flight (a hop for distance)."""
    g = 9.81
    t = np.arange(0, t_takeoff + flight_s + settle_s, 1 / fps)
    n = len(t)
    tau = t - t_takeoff
    v0 = g * flight_s / 2
    rise = np.where((tau > 0) & (tau < flight_s), (v0 * tau - g / 2 * tau ** 2) * px_per_m, 0.0)
    after = t - (t_takeoff + flight_s)
    absorb = np.where(after < 0, 0.0, np.where(after < 0.2, np.sin(np.pi / 2 * after / 0.2),
                                               np.clip(1 - (after - 0.2) / 0.4, 0, 1)))
    # the knee sets fppa_ic during the last 0.1 s of flight, peaks with the absorption
    preset = np.clip((after + 0.1) / 0.1, 0.0, 1.0)
    fppa = fppa_ic * preset + (fppa_peak - fppa_ic) * absorb
    shift = travel_px * np.clip(tau / flight_s, 0.0, 1.0)
    mid = np.column_stack((W / 2 + shift, 500.0 - rise + 60.0 * absorb))
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    world = np.zeros((n, N_LANDMARKS, 3))
    for x_sign, side, hip_i, knee_i, ankle_i, heel_i, foot_i, sh_i in (
        (1.0, "left", L_HIP, L_KNEE, L_ANKLE, L_HEEL, L_FOOT, L_SHOULDER),
        (-1.0, "right", R_HIP, R_KNEE, R_ANKLE, R_HEEL, R_FOOT, R_SHOULDER),
    ):
        hip = mid + np.array([x_sign * HALF_PELVIS, 0.0])
        free = single_leg is not None and side != single_leg
        ground = 500.0 + THIGH + SHANK - (100.0 if free else 0.0)
        ankle = np.column_stack((W / 2 + x_sign * HALF_PELVIS + shift, ground - rise))
        xy[:, hip_i], xy[:, ankle_i] = hip, ankle
        knee_fppa = np.zeros(n) if free else fppa
        xy[:, knee_i] = _knee_between(hip, ankle, knee_fppa, medial_x=-x_sign)
        xy[:, heel_i], xy[:, foot_i] = ankle + np.array([0, 10]), ankle + np.array([0, 25])
        xy[:, sh_i] = mid + np.array([x_sign * 100.0, -TRUNK])
        _world_leg(world, (hip_i, knee_i, ankle_i), x_sign,
                   np.radians(np.full(n, 60.0) if free else 30.0 * absorb))
        world[:, sh_i] = [x_sign * 0.18, -0.5, 0]
    for i in range(N_LANDMARKS):
        if np.isnan(xy[0, i, 0]):
            xy[:, i] = mid + np.array([0, -TRUNK - 60])
    return _pack(t, xy, world)
