"""Frontal knee flexion from projected segment lengths, on synthetic legs of known flexion."""

import itertools

import numpy as np
import pytest
from synthetic_leg import leg_3d, project

from movescreen import flexion as fx

FLEXION = np.concatenate((np.zeros(10), np.arange(0.0, 90.5, 2.5)))
STANDING = np.arange(10)
PITCHES = (-15.0, -10.0, -5.0, 0.0, 2.5, 5.0, 7.5, 10.0, 15.0)  # + = camera above knee height
YAWS = (0.0, 5.0, 10.0, 15.0)
CASES = list(itertools.product(PITCHES, YAWS, ("left", "right"), (False, True),
                               (0.3, 0.45, 0.55), (2.0, 3.0)))


def _estimate(pitch: float, yaw: float, side: str, mirror: bool, share: float,
              dist: float) -> np.ndarray:
    hip, knee, ankle = (project(p, pitch, yaw, dist, mirror) for p in leg_3d(FLEXION, share, side))
    return fx.frontal_knee_flexion(knee - hip, ankle - knee, STANDING).deg


def _errors() -> np.ndarray:
    """(cases, flexions) estimate minus truth."""
    return np.array([_estimate(*c) - FLEXION for c in CASES])


def test_exact_without_pitch_yaw_or_perspective() -> None:
    hip, knee, ankle = (p[:, :2] * [1, -1] for p in leg_3d(FLEXION, 0.45, "left"))  # x, -y
    est = fx.frontal_knee_flexion(knee - hip, ankle - knee, STANDING)
    np.testing.assert_allclose(est.deg, FLEXION, atol=1e-9)
    assert est.method == "frontal-projection"


@pytest.mark.parametrize("turn", [-40.0, 20.0, 45.0])
def test_exact_when_the_leg_turns_out_of_the_sagittal_plane(turn):
    """Knees out in a wide squat, or the body turned: the leg's plane rotates about the
    vertical, the knee moves sideways in the picture, and the 3D angle is still recovered."""
    c, s = np.cos(np.radians(turn)), np.sin(np.radians(turn))
    rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    hip, knee, ankle = ((p @ rot.T)[:, :2] * [1, -1] for p in leg_3d(FLEXION, 0.4, "right"))
    est = fx.frontal_knee_flexion(knee - hip, ankle - knee, STANDING)
    np.testing.assert_allclose(est.deg, FLEXION, atol=1e-9)


def _rows(pitch_max: float, yaw_max: float) -> list[int]:
    return [i for i, c in enumerate(CASES) if abs(c[0]) <= pitch_max and c[1] <= yaw_max]


def test_error_bound_camera_at_knee_height():
    """The protocol's camera (knee height, level): both legs, mirrored, body turned up to 15
    deg, shank taking 30-55 % of the flexion, 2-3 m away."""
    err = _errors()[_rows(0.0, 15.0)]
    assert np.all(np.isfinite(err))
    assert np.max(np.abs(err)) <= fx.MODEL_ERROR_DEG


def test_error_bound_camera_pitched_or_turned():
    err = _errors()
    assert np.max(np.abs(err)) <= fx.PITCHED_ERROR_DEG
    assert np.sqrt(np.mean(err ** 2)) <= 4.1  # typical error stays small
    assert np.sqrt(np.mean(err[_rows(5.0, 15.0)] ** 2)) <= 2.9


def _band(lo: float, hi: float) -> np.ndarray:
    return np.logical_and(FLEXION - lo >= 0, FLEXION - hi < 0)


def test_error_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the worst and RMS |error| per pitch x yaw (over legs, mirroring, shank share and
    distance) in each true flexion band; run with -s to see it."""
    err = _errors()
    bands = ((0, 20), (20, 40), (40, 65), (65, 91))
    lines = ["pitch  yaw | " + " ".join(f"{a:>2}-{b:<3}" for a, b in bands) + " |  all  rms"]
    for pitch, yaw in itertools.product(PITCHES, YAWS):
        e = err[[i for i, c in enumerate(CASES) if c[0] == pitch and c[1] == yaw]]
        cells = [np.max(np.abs(e[:, _band(a, b)])) for a, b in bands]
        lines.append(f"{pitch:5.1f} {yaw:4.0f} | " + " ".join(f"{c:6.1f}" for c in cells)
                     + f" | {np.max(np.abs(e)):4.1f} {np.sqrt(np.mean(e ** 2)):4.1f}")
    with capsys.disabled():
        print("\nfrontal knee flexion estimate - truth (deg) on synthetic legs: worst |error| "
              "by true flexion band, worst and RMS overall\n" + "\n".join(lines))
    assert len(lines) == 1 + len(PITCHES) * len(YAWS)


def test_mirror_and_legs_are_symmetric() -> None:
    a = _estimate(10.0, 10.0, "left", False, 0.5, 3.0)
    b = _estimate(10.0, 10.0, "left", True, 0.5, 3.0)
    np.testing.assert_allclose(a, b, atol=1e-9)  # a mirrored picture has the same lengths


def test_tilt_and_interval() -> None:
    np.testing.assert_allclose(fx.tilt_deg(np.array([1.0, 0.5, 1.2, np.nan]), 1.0),
                               [0.0, 60.0, 0.0, np.nan])
    frames = np.arange(7)
    stand = np.array([100.0, 102.0, 99.0, 100.0, 98.0, 101.0, 100.0])
    assert fx.relative_noise(stand, frames) == pytest.approx(0.014826, rel=1e-3)
    down = np.column_stack((np.zeros(8), np.concatenate((stand, [50.0]))))  # hanging legs
    est = fx.frontal_knee_flexion(down, down, frames)
    assert est.deg[-1] == pytest.approx(120.0)
    # near straight the landmark noise dominates; bent, the model error does
    assert est.uncertainty_deg[0] > est.uncertainty_deg[-1] >= fx.MODEL_ERROR_DEG


def test_no_standing_frames_gives_nan() -> None:
    est = fx.frontal_knee_flexion(np.ones((4, 2)), np.ones((4, 2)), np.array([], dtype=np.intp))
    assert np.all(np.isnan(est.deg))
