"""Camera shift and repeated pictures measured on pictures of known motion."""

import numpy as np
import pytest

from movescreen.frame_motion import (
    CHANGE,
    DX,
    DY,
    MotionMeter,
    camera_path,
    effective_rate,
    near_duplicates,
)

W, H = 640, 480


def _scene(rng: np.random.Generator, size: int = 1600) -> np.ndarray:
    """A large textured background (blurred noise blobs), RGB uint8."""
    import cv2

    base = rng.integers(0, 255, (size // 8, size // 8, 3), dtype=np.uint8)
    return cv2.resize(base, (size, size), interpolation=cv2.INTER_CUBIC)


def _picture(scene: np.ndarray, x: float, y: float, person_x: float,
             rng: np.random.Generator | None = None, noise: float = 0.0) -> np.ndarray:
    """The W x H window of ``scene`` at integer offset (x, y), with a flat 'person' box that
    moves on its own, plus optional pixel noise (compression-like)."""
    img = scene[int(y):int(y) + H, int(x):int(x) + W].astype(np.float64)
    px = int(person_x)
    img[150:400, px:px + 90] = (200, 80, 60)
    if rng is not None and noise:
        img = img + rng.normal(0, noise, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def test_a_pan_is_measured_outside_the_person():
    rng = np.random.default_rng(1)
    scene = _scene(rng)
    meter = MotionMeter(W, H)
    cam = [(100 + 4 * i, 200 - 2 * i) for i in range(20)]  # the camera pans right and up
    rows = []
    for i, (x, y) in enumerate(cam):
        person_x = 300 - 6 * i  # the person runs the other way
        box = (person_x, 150, person_x + 90, 400)
        rows.append(meter.measure(_picture(scene, x, y, person_x, rng, 1.0), box))
    m = np.array(rows)
    # the background moves opposite to the camera: -4 px in x, +2 px in y per picture
    assert np.allclose(m[1:, DX], -4.0, atol=0.3)
    assert np.allclose(m[1:, DY], 2.0, atol=0.3)
    path = camera_path(m)
    assert path is not None and path.travel_px == pytest.approx(np.hypot(76, 38), abs=3)
    assert path.spread_px < 0.5


def test_a_plain_background_gives_no_estimate():
    meter = MotionMeter(W, H)
    flat = np.full((H, W, 3), 240, np.uint8)
    rows = [meter.measure(flat, None) for _ in range(3)]
    assert np.isnan(rows[1][DX]) and camera_path(np.array(rows)) is None


@pytest.mark.parametrize(("file_fps", "distinct"), [(60, 15), (60, 30), (30, 30), (30, 10)])
def test_repeated_pictures_with_noise_give_the_effective_rate(file_fps, distinct):
    rng = np.random.default_rng(2)
    scene = _scene(rng)
    meter = MotionMeter(W, H)
    n, k = 3 * file_fps, file_fps // distinct
    changes = []
    for i in range(n):
        moment = i // k  # each distinct picture shown k times
        # a still first second, then the camera and the person move
        x = 100 + 5 * max(moment - distinct, 0)
        picture = _picture(scene, x, 200, 300 - 3 * max(moment - distinct, 0), rng, 1.5)
        changes.append(meter.measure(picture, None)[CHANGE])
    rate, repeats = effective_rate(float(file_fps), np.array(changes))
    assert rate == pytest.approx(distinct, rel=0.1)
    assert repeats == pytest.approx(n - n / k, abs=0.1 * n)


def test_a_still_clip_has_no_repeats_it_can_tell():
    change = np.abs(np.random.default_rng(3).normal(0.4, 0.05, 100))
    assert not near_duplicates(change).any()
    assert effective_rate(30.0, change) is None


def test_a_small_person_on_a_plain_background_with_a_glitch_has_no_repeats():
    """A 4K-like picture (shrunk here) with a small moving figure and one picture that jumps
    (a rendering glitch): every picture is distinct."""
    meter = MotionMeter(1920, 1080)
    changes = []
    for i in range(120):
        img = np.full((1080, 1920, 3), 245, np.uint8)
        y = 400 + 4 * i  # moves down 4 px per picture
        img[y:y + 200, 900:960] = (90, 110, 160)
        if i == 60:
            img[300:800, 700:1200] = 0  # one glitch picture
        changes.append(meter.measure(img, (900.0, y, 960.0, y + 200.0))[CHANGE])
    assert not near_duplicates(np.array(changes)).any()
    found = effective_rate(60.0, np.array(changes))
    assert found is None or found == (60.0, 0)  # unknown (always moving) or no repeats


@pytest.mark.parametrize("w,h", [(1280, 720), (1920, 1080), (1281, 721), (3840, 2160)])
def test_the_working_picture_is_the_strided_decimation_whatever_the_size(w, h):
    """The fast decimation (OpenCV nearest) picks exactly the pixels rgb[::step, ::step]
    would, so the measurements do not depend on which path a frame size takes."""
    import cv2

    from movescreen.frame_motion import WORK_WIDTH

    rgb = np.random.default_rng(w).integers(0, 255, (h, w, 3), dtype=np.uint8)
    step = max(w // (2 * WORK_WIDTH), 1)
    sub = np.ascontiguousarray(rgb[::step, ::step])
    size = (WORK_WIDTH, round(h * WORK_WIDTH / w))
    small = cv2.resize(sub, size, interpolation=cv2.INTER_AREA)
    expected = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (3, 3), 0)
    assert np.array_equal(MotionMeter(w, h)._small_grey(rgb), expected)
