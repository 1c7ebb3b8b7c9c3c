"""Live mode on synthetic data: filter, preview angles, rep counter, guidance, protocol,
recorder and the camera errors (no model, no camera)."""

import numpy as np
import pytest

from movescreen.errors import MovescreenError
from movescreen.landmarks import L_ANKLE, L_FOOT, L_HEEL, R_ANKLE, R_FOOT, R_HEEL
from movescreen.live.guidance import GuideOptions, Observation, first_problem, lifted_foot
from movescreen.live.live_metrics import Norms, RepCounter, frame_angles
from movescreen.live.one_euro import OneEuroFilter
from movescreen.live.protocol import Phase, Protocol
from movescreen.live.session import set_name
from movescreen.pose.sequence import MIRROR_INDEX
from synthetic import H, W, single_leg_squat


def _mirror(xy: np.ndarray) -> np.ndarray:
    """The picture flipped left-right: x -> W - x and left/right landmarks swapped."""
    out = xy[..., list(MIRROR_INDEX), :].copy()
    out[..., 0] = W - out[..., 0]
    return out


# -- One Euro filter -------------------------------------------------------------------------

def test_one_euro_passes_the_first_value_and_keeps_a_constant_exactly():
    f = OneEuroFilter()
    x = np.array([[3.0, 4.0], [5.0, 6.0]])
    for k in range(10):
        assert np.array_equal(f(k / 30, x), x)


def test_one_euro_step_is_the_exponential_smoother_at_min_cutoff_when_beta_is_zero():
    f = OneEuroFilter(min_cutoff_hz=2.0, beta=0.0)
    f(0.0, np.array([0.0]))
    dt = 0.05
    alpha = 1 / (1 + 1 / (2 * np.pi * 2.0 * dt))
    assert f(dt, np.array([10.0]))[0] == pytest.approx(10 * alpha, rel=1e-12)


def test_one_euro_lags_less_on_fast_movement_with_a_larger_beta():
    t = np.arange(0, 1, 1 / 30)
    lag = {}
    for beta in (0.0, 0.05):
        f = OneEuroFilter(min_cutoff_hz=1.0, beta=beta)
        out = [f(ti, np.array([600.0 * ti]))[0] for ti in t]  # 600 px/s
        lag[beta] = 600.0 * t[-1] - out[-1]
    assert lag[0.05] < lag[0.0] / 3


def test_one_euro_a_missing_entry_passes_nan_and_restarts_from_the_next_observation():
    f = OneEuroFilter(beta=0.0)
    f(0.0, np.array([1.0, 1.0]))
    assert np.isnan(f(0.1, np.array([np.nan, 2.0]))[0])
    out = f(0.2, np.array([7.0, 2.0]))
    assert out[0] == 7.0 and 1.0 < out[1] < 2.0


def test_one_euro_rejects_bad_settings():
    with pytest.raises(ValueError):
        OneEuroFilter(min_cutoff_hz=0.0)


# -- preview angles and the rep counter ------------------------------------------------------

@pytest.mark.parametrize("stance", ["left", "right"])
def test_preview_angles_are_the_offline_angles_of_the_same_frame(stance):
    from movescreen.conditioning import ConditionedPose
    from movescreen.kinematics import compute_kinematics
    from synthetic import phase

    seq = single_leg_squat(stance=stance, fppa_max=14.0, drop_max=6.0)
    raw = ConditionedPose(seq.t, seq.image_xy, seq.world_xyz,
                          np.ones(seq.visibility.shape, bool), {}, W, H)
    k = compute_kinematics(raw)  # the offline formulas on the same, unfiltered frames
    s = phase(seq.t, 5, 3.0, 0.6)
    for i in range(0, len(seq.t), 7):
        a = frame_angles(seq.image_xy[i])
        assert a.fppa[stance] == pytest.approx(14.0 * s[i], abs=1e-9)  # known geometry
        assert a.pelvis[stance] == pytest.approx(6.0 * s[i], abs=1e-9)
        for side in ("left", "right"):
            assert a.fppa[side] == pytest.approx(k.fppa[side][i], abs=1e-9)
            assert a.pelvis[side] == pytest.approx(k.pelvis[side][i], abs=1e-9)


def test_preview_angles_are_mirror_symmetric():
    seq = single_leg_squat(stance="left", fppa_max=12.0, drop_max=5.0)
    for i in range(0, len(seq.t), 11):
        a, m = frame_angles(seq.image_xy[i]), frame_angles(_mirror(seq.image_xy[i]))
        for side, swapped in (("left", "right"), ("right", "left")):
            assert m.fppa[swapped] == pytest.approx(a.fppa[side], abs=1e-9)
            assert m.pelvis[swapped] == pytest.approx(a.pelvis[side], abs=1e-9)


@pytest.mark.parametrize("reps", [1, 3, 5])
def test_rep_counter_counts_the_synthetic_reps_and_flags_against_the_catalogue(reps):
    seq = single_leg_squat(stance="right", reps=reps, fppa_max=14.0, drop_max=6.0)
    norms = Norms.from_rules()
    counter = RepCounter("right", norms)
    lives = [counter.update(frame_angles(xy)) for xy in seq.image_xy]
    assert counter.reps == reps
    deepest = max(lives, key=lambda v: v.depth_pct)
    assert deepest.depth_pct == pytest.approx(80.0 / 400.0 * 100, abs=0.5)  # hips 80 px down
    assert deepest.fppa["right"] == pytest.approx(14.0, abs=0.05)
    assert deepest.fppa_flag["right"] is (norms.fppa.value < 14.0)
    assert deepest.pelvic_drop == pytest.approx(6.0, abs=0.1)  # against standing (0 deg)
    assert deepest.drop_flag is (norms.pelvic_drop.value < 6.0)


def test_rep_counter_ignores_shallow_bobbing():
    seq = single_leg_squat(stance="left", reps=4, depth_px=12.0)  # 3% of leg length
    counter = RepCounter("left", Norms.from_rules())
    for xy in seq.image_xy:
        counter.update(frame_angles(xy))
    assert counter.reps == 0


# -- guidance ----------------------------------------------------------------------------------

def _obs(xy, lum: float = 120.0, vis: np.ndarray | None = None) -> Observation:
    return Observation(xy, np.ones(33) if vis is None else vis, W, H, lum)


def test_guidance_passes_a_good_frame_on_the_right_leg_only():
    xy = single_leg_squat(stance="left").image_xy[0]
    assert first_problem(_obs(xy), "left") is None
    assert first_problem(_obs(xy), None) is None  # two-leg test: no stance check
    msg = first_problem(_obs(xy), "right")
    assert msg is not None and "Stand on your right leg" in msg and "left leg" in msg


def test_guidance_tells_which_foot_to_lift_when_both_are_down():
    xy = single_leg_squat(stance="left").image_xy[0].copy()
    for free, stance_i in ((R_ANKLE, L_ANKLE), (R_HEEL, L_HEEL), (R_FOOT, L_FOOT)):
        xy[free, 1] = xy[stance_i, 1]
    assert lifted_foot(xy, GuideOptions()) is None
    assert first_problem(_obs(xy), "left") == ("Stand on your left leg: lift your right foot "
                                               "off the ground.")


@pytest.mark.parametrize(("change", "words"), [
    (lambda xy: (xy + np.array([0, 120]), 120.0), "feet"),
    (lambda xy: (xy - np.array([0, 150]), 120.0), "head"),
    (lambda xy: (xy, 20.0), "More light"),
    (lambda xy: ((xy - [W / 2, 0]) * [0.3, 1] + [W / 2, 0], 120.0), "Face the camera"),
    (lambda xy: (np.column_stack((W - xy[:, 0], xy[:, 1])), 120.0), "back to it"),
    (lambda xy: ((xy - [W / 2, H / 2]) * 0.4 + [W / 2, H / 2], 120.0), "Come closer"),
    (lambda xy: (xy + np.array([-450, 0]), 120.0), "Move to your left"),
    (lambda xy: (xy + np.array([450, 0]), 120.0), "Move to your right"),
])
def test_guidance_says_what_to_fix(change, words):
    xy, lum = change(single_leg_squat(stance="left").image_xy[0])
    msg = first_problem(_obs(xy, lum), "left")
    assert msg is not None and words in msg, msg


def test_guidance_with_nobody_or_hidden_feet():
    assert "Step into the picture" in first_problem(Observation(None, None, W, H, 120), "left")
    xy = single_leg_squat(stance="left").image_xy[0]
    vis = np.ones(33)
    vis[L_ANKLE] = 0.1
    assert "feet" in first_problem(_obs(xy, vis=vis), "left")


# -- the protocol ----------------------------------------------------------------------------

def test_protocol_guides_counts_down_records_and_moves_to_the_next_leg():
    p = Protocol(["left", "right"], reps=2, countdown_s=3.0, hold_s=1.0, tail_s=0.5)
    assert p.step(0.0, "Step back", 0) is Phase.GUIDE
    assert p.step(0.5, None, 0) is Phase.GUIDE  # fixed: must hold for 1 s
    assert p.step(1.0, "Step back", 0) is Phase.GUIDE  # broken again: start over
    assert p.step(1.2, None, 0) is Phase.GUIDE
    assert p.step(2.2, None, 0) is Phase.COUNTDOWN
    assert p.countdown_left(3.2) == pytest.approx(2.0)
    assert p.step(5.1, None, 0) is Phase.COUNTDOWN
    assert p.step(5.2, None, 0) is Phase.RECORD
    assert p.step(8.0, None, 2) is Phase.RECORD  # last rep done: film the tail
    assert p.step(8.5, None, 2) is Phase.ANALYSE
    p.set_done()
    assert (p.phase, p.leg) == (Phase.GUIDE, "right")
    assert p.step(9.0, "x", 0, start_stop=True) is Phase.COUNTDOWN  # space skips guidance
    assert p.step(9.1, None, 0, start_stop=True) is Phase.GUIDE  # and cancels a countdown
    p.step(9.2, None, 0, start_stop=True)
    p.step(12.3, None, 0)
    assert p.step(13.0, None, 1, start_stop=True) is Phase.ANALYSE  # space stops a set
    p.set_done()
    assert p.phase is Phase.DONE


def test_protocol_leg_switch_and_source_end():
    p = Protocol(["left", "right"])
    p.switch_leg("right")
    assert p.leg == "right"
    p.step(0, None, 0, start_stop=True)
    p.step(4, None, 0)
    assert p.phase is Phase.RECORD
    p.switch_leg("left")  # not during a set
    assert p.leg == "right"
    p.source_ended()
    assert p.phase is Phase.ANALYSE
    with pytest.raises(ValueError):
        Protocol([], reps=5)


def test_set_names_never_overwrite_an_earlier_set():
    assert set_name("single-leg-squat", "left", set()) == "single-leg-squat_left"
    assert set_name("single-leg-squat", "left", {"single-leg-squat_left"}) == \
        "single-leg-squat_left-2"
    assert set_name("squat", None, {"squat", "squat-2"}) == "squat-3"


# -- recorder and sources --------------------------------------------------------------------

def test_recorder_keeps_real_timestamps_and_only_finished_clips(tmp_path):
    from movescreen.live.recorder import Recorder
    from movescreen.video import iter_frames, probe

    ts = [10.0, 10.033, 10.07, 10.2, 10.25]  # irregular, as a busy camera delivers them
    rec = Recorder(tmp_path / "set.mp4", 321, 240)
    for i, t in enumerate(ts):
        rec.write(np.full((240, 321, 3), 40 * i, np.uint8), t)
        assert not (tmp_path / "set.mp4").exists()  # only the .part until closed
    assert rec.close() == tmp_path / "set.mp4"
    info = probe(tmp_path / "set.mp4")
    assert (info.width, info.height) == (320, 240)
    frames = list(iter_frames(info))
    assert [f.t for f in frames] == pytest.approx([t - 10.0 for t in ts], abs=1e-3)
    assert [float(f.rgb.mean()) for f in frames] == pytest.approx([0, 40, 80, 120, 160], abs=2)
    assert list(tmp_path.iterdir()) == [tmp_path / "set.mp4"]


def test_recorder_with_no_frame_leaves_nothing(tmp_path):
    from movescreen.live.recorder import Recorder

    assert Recorder(tmp_path / "empty.mp4", 64, 48).close() is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("spec", "words"), [
    ("7", "Could not open camera 7: no camera with that number"),
    ("http://127.0.0.1:9/stream.mjpg", "Could not open http://127.0.0.1:9/stream.mjpg"),
    ("no/such/clip.mp4", "no such camera or file"),
])
def test_a_camera_that_cannot_be_opened_is_one_clear_error(spec, words):
    from movescreen.live.camera import open_source

    with pytest.raises(MovescreenError, match=words):
        open_source(spec)


def test_recorder_reports_an_encoding_failure_on_close(tmp_path):
    from movescreen.live.recorder import Recorder

    rec = Recorder(tmp_path / "bad.mp4", 64, 48)
    for t in range(100):  # more than the queue holds: write() must not block on a dead encoder
        rec.write(np.zeros((48, 64), np.uint8), t / 30)  # not RGB: the encoder thread fails
    with pytest.raises(ValueError):
        rec.close()
    assert not (tmp_path / "bad.mp4").exists()
