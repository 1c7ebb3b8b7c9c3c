"""Frontal knee flexion from projected segment lengths, on synthetic legs of known flexion."""

import itertools

import numpy as np
import pytest
from synthetic_leg import leg_3d, project

from movescreen import flexion as fx
from movescreen.geometry import distance

FLEXION = np.concatenate((np.zeros(10), np.arange(0.0, 90.5, 2.5)))
STANDING = np.arange(10)
PITCHES = (0.0, 5.0, 10.0, 15.0)
YAWS = (0.0, 5.0, 10.0, 15.0)
CASES = list(itertools.product(PITCHES, YAWS, ("left", "right"), (False, True),
                               (0.3, 0.45, 0.55), (2.0, 3.0)))


def _estimate(pitch: float, yaw: float, side: str, mirror: bool, share: float,
              dist: float) -> np.ndarray:
    hip, knee, ankle = (project(p, pitch, yaw, dist, mirror) for p in leg_3d(FLEXION, share, side))
    return fx.frontal_knee_flexion(distance(hip, knee), distance(knee, ankle), STANDING).deg


def _errors() -> np.ndarray:
    """(cases, flexions) estimate minus truth."""
    return np.array([_estimate(*c) - FLEXION for c in CASES])


def test_exact_without_pitch_yaw_or_perspective() -> None:
    hip, knee, ankle = (p[:, :2] * [1, -1] for p in leg_3d(FLEXION, 0.45, "left"))  # x, -y
    est = fx.frontal_knee_flexion(distance(hip, knee), distance(knee, ankle), STANDING)
    np.testing.assert_allclose(est.deg, FLEXION, atol=1e-9)
    assert est.method == "frontal-projection"


def test_error_bound_over_pitch_yaw_legs_and_mirroring() -> None:
    err = _errors()
    assert np.all(np.isfinite(err))
    assert np.max(np.abs(err)) <= fx.MODEL_ERROR_DEG
    # the 45-60 deg window that picks the FPPA frames is tighter
    window = (FLEXION >= 40) & (FLEXION <= 65)
    assert np.max(np.abs(err[:, window])) <= 5.0


def test_error_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the worst |error| per pitch x yaw (over legs, mirroring, shank share, distance)
    at each true flexion band; run with -s to see it."""
    err = np.abs(_errors())
    bands = ((0, 20), (20, 40), (40, 65), (65, 91))
    lines = ["pitch yaw | " + " ".join(f"{a:>2}-{b:<3}" for a, b in bands) + " | max"]
    for pitch, yaw in itertools.product(PITCHES, YAWS):
        rows = [i for i, c in enumerate(CASES) if c[0] == pitch and c[1] == yaw]
        cells = [np.max(err[rows][:, (a <= FLEXION) & (b > FLEXION)]) for a, b in bands]
        lines.append(f"{pitch:5.0f} {yaw:3.0f} | " + " ".join(f"{c:6.1f}" for c in cells)
                     + f" | {np.max(err[rows]):4.1f}")
    with capsys.disabled():
        print("\nworst |estimate - truth| (deg) by true flexion band\n" + "\n".join(lines))
    assert len(lines) == 1 + len(PITCHES) * len(YAWS)


def test_mirror_and_legs_are_symmetric() -> None:
    a = _estimate(10.0, 10.0, "left", False, 0.5, 3.0)
    b = _estimate(10.0, 10.0, "left", True, 0.5, 3.0)
    np.testing.assert_allclose(a, b, atol=1e-9)  # a mirrored picture has the same lengths


def test_tilt_and_interval() -> None:
    np.testing.assert_allclose(fx.tilt_deg(np.array([1.0, 0.5, 1.2, np.nan]), 1.0),
                               [0.0, 60.0, 0.0, np.nan])
    frames = np.arange(5)
    stand = np.array([100.0, 101.0, 99.0, 100.0, 100.0])
    assert fx.relative_noise(stand, frames) == pytest.approx(0.014826, rel=1e-3)
    thigh = np.concatenate((stand, [50.0]))
    est = fx.frontal_knee_flexion(thigh, thigh, frames)
    assert est.deg[-1] == pytest.approx(120.0)
    # near straight the landmark noise dominates; bent, the model error does
    assert est.uncertainty_deg[0] > est.uncertainty_deg[-1] >= fx.MODEL_ERROR_DEG


def test_no_standing_frames_gives_nan() -> None:
    est = fx.frontal_knee_flexion(np.ones(4), np.ones(4), np.array([], dtype=np.intp))
    assert np.all(np.isnan(est.deg))
