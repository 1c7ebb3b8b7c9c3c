"""Exact angles on landmarks of known geometry."""

import numpy as np
import pytest

from movescreen import geometry as g


def leg(hip, knee, ankle):
    return (np.array([hip], float), np.array([knee], float), np.array([ankle], float))


@pytest.mark.parametrize("deg", [0.0, 5.0, 13.0, 30.0, -8.0])
def test_fppa_exact_for_isosceles_leg(deg):
    # leg frame: +x medial, y down; hip (0,0), ankle (0,400); knee displaced medially
    m = 200 * np.tan(np.radians(deg) / 2)
    hip, knee, ankle = leg((0, 0), (m, 200), (0, 400))
    assert g.fppa(hip, knee, ankle)[0] == pytest.approx(deg, abs=1e-9)


def test_fppa_is_180_minus_knee_angle_for_asymmetric_leg():
    hip, knee, ankle = leg((0, 0), (30, 180), (-10, 420))
    u, v = hip[0] - knee[0], ankle[0] - knee[0]
    inner = np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v)))
    assert g.fppa(hip, knee, ankle)[0] == pytest.approx(180 - inner, abs=1e-9)


def test_medial_sign_points_to_other_hip_and_mirrors():
    left_hip = np.array([[560.0, 500.0]])
    right_hip = np.array([[440.0, 500.0]])
    assert g.medial_sign(left_hip, right_hip) == -1.0  # subject's left at image right
    assert g.medial_sign(right_hip, left_hip) == 1.0


@pytest.mark.parametrize("side_sign", [1.0, -1.0])
def test_valgus_positive_for_both_legs_in_image_coordinates(side_sign):
    """A knee displaced toward the other hip reads + for either leg after to_leg_frame."""
    hip_x = 500 + side_sign * 60
    other_hip = np.array([[500 - side_sign * 60, 500.0]])
    hip = np.array([[hip_x, 500.0]])
    knee = np.array([[hip_x - side_sign * 20, 700.0]])  # toward the midline
    ankle = np.array([[hip_x, 900.0]])
    s = g.medial_sign(hip, other_hip)
    val = g.fppa(*(g.to_leg_frame(p, s) for p in (hip, knee, ankle)))[0]
    assert val == pytest.approx(np.degrees(2 * np.arctan(20 / 200)), abs=1e-9)
    assert val > 0


def test_pelvic_obliquity_free_side_lower_is_positive():
    stance = np.array([[0.0, 0.0]])
    free = np.array([[120 * np.cos(np.radians(7)), 120 * np.sin(np.radians(7))]])
    assert g.pelvic_obliquity(stance, free)[0] == pytest.approx(7.0)
    free_up = free * [1, -1]
    assert g.pelvic_obliquity(stance, free_up)[0] == pytest.approx(-7.0)


def test_trunk_tilt_toward_stance_side_is_positive():
    # leg frame: +x medial, so the stance (lateral) side is -x
    hip = np.array([[0.0, 0.0]])
    sh = np.array([[-300 * np.sin(np.radians(10)), -300 * np.cos(np.radians(10))]])
    assert g.trunk_tilt(hip, sh)[0] == pytest.approx(10.0)
    assert g.trunk_tilt(hip, sh * [-1, 1])[0] == pytest.approx(-10.0)


@pytest.mark.parametrize("flex", [0.0, 45.0, 60.0, 90.0])
def test_knee_flexion_3d(flex):
    a = np.radians(flex) / 2
    hip = np.array([[0.0, 0.0, 0.0]])
    knee = hip + 0.4 * np.array([[0, np.cos(a), -np.sin(a)]])
    ankle = knee + 0.4 * np.array([[0, np.cos(a), np.sin(a)]])
    assert g.joint_flexion_3d(hip, knee, ankle)[0] == pytest.approx(flex, abs=1e-9)


def test_pelvic_obliquity_does_not_wrap_when_hips_swap_in_the_picture():
    stance = np.array([[0.0, 0.0], [0.0, 0.0]])
    free = np.array([[120.0, 10.0], [-120.0, 10.0]])  # second frame: hips crossed over
    angles = g.pelvic_obliquity(stance, free)
    assert angles[0] == pytest.approx(angles[1])
    assert abs(angles[1]) < 90
