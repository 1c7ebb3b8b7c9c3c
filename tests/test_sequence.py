"""PoseSequence: save/load round trip, mirroring, validation."""

import numpy as np
import pytest

from movescreen.errors import MovescreenError
from movescreen.pose.sequence import MIRROR_INDEX, PoseSequence
from synthetic import single_leg_squat


def test_save_load_round_trip(tmp_path):
    seq = single_leg_squat(reps=1)
    path = tmp_path / "pose.npz"
    seq.save(path)
    back = PoseSequence.load(path)
    assert np.array_equal(back.t, seq.t)
    assert np.allclose(back.image_xy, seq.image_xy, atol=1e-3, equal_nan=True)
    assert back.clip == seq.clip and back.person == seq.person
    assert [p.name for p in tmp_path.iterdir()] == ["pose.npz"]  # no temp file left


def test_mirror_twice_is_identity_and_swaps_names():
    seq = single_leg_squat(reps=1)
    twice = seq.mirrored().mirrored()
    assert np.allclose(twice.image_xy, seq.image_xy)
    assert MIRROR_INDEX[23] == 24 and MIRROR_INDEX[0] == 0 and MIRROR_INDEX[31] == 32


def test_load_rejects_other_files(tmp_path):
    bad = tmp_path / "x.npz"
    bad.write_text("nope")
    with pytest.raises(MovescreenError, match="not a movescreen pose file"):
        PoseSequence.load(bad)


def test_shape_validation():
    seq = single_leg_squat(reps=1)
    from dataclasses import replace

    with pytest.raises(ValueError, match="image_xy"):
        replace(seq, image_xy=seq.image_xy[:, :10])


def test_frame_motion_round_trip_mirror_and_old_files(tmp_path):
    from dataclasses import replace

    seq = single_leg_squat(reps=1)
    motion = np.column_stack((np.full(seq.n_frames, 2.0), np.full(seq.n_frames, -1.0),
                              np.full(seq.n_frames, 0.1), np.full(seq.n_frames, 3.0)))
    motion[0, 3] = np.nan
    with_motion = replace(seq, frame_motion=motion)
    with_motion.save(tmp_path / "m.npz")
    back = PoseSequence.load(tmp_path / "m.npz")
    assert np.array_equal(back.frame_motion, motion, equal_nan=True)
    mirrored = with_motion.mirrored()
    assert np.all(mirrored.frame_motion[:, 0] == -2.0)  # the background moves the other way
    assert np.all(mirrored.frame_motion[:, 1] == -1.0)
    seq.save(tmp_path / "old.npz")  # written without it: unknown
    assert PoseSequence.load(tmp_path / "old.npz").frame_motion is None
    with pytest.raises(ValueError, match="frame_motion"):
        replace(seq, frame_motion=motion[:-1])
