"""Real clips through the engine: parallel passes and time segments match a sequential run."""

import numpy as np
import pytest

from movescreen.engine import ProcessExecutor
from movescreen.pipeline import analyse_pose
from movescreen.pose import estimate_pose
from movescreen.pose.landmarker import PoseOptions
from movescreen.results import ScreenResult

CLIP = "squat_frontal_webcam_overlay_03.mp4"  # 11.9 s, 640x480: cheap
SPLIT_CLIP = "squat_frontal_goblet_02.mp4"  # 12.2 s, 5 squats of moderate depth


def degree_medians(r: ScreenResult) -> dict[tuple[str, str], float]:
    out = {(side, name): m.median for side, leg in r.legs.items()
           for name, m in leg.metrics.items() if m.unit == "deg" and m.median is not None}
    out |= {("both", name): m.median for name, m in r.bilateral.items()
            if m.unit == "deg" and m.median is not None}
    return out


def test_picture_and_mirror_on_two_threads_or_processes_equal_one_thread(videos):
    serial = estimate_pose(videos / CLIP, workers=1)  # the passes take turns on one thread
    parallel = estimate_pose(videos / CLIP, workers=2)  # each pass on its own thread
    with ProcessExecutor(2) as pool:  # each pass in its own process, decoding the clip itself
        processes = estimate_pose(videos / CLIP, executor=pool)
    assert [j["pass"] for j in parallel.extra["jobs"]] == ["picture", "mirror"]
    # the same frames through the same trackers: identical, whatever runs them
    for other in (parallel, processes):
        assert np.array_equal(other.image_xy, serial.image_xy, equal_nan=True)
        assert np.array_equal(other.world_xyz, serial.world_xyz, equal_nan=True)
        assert np.array_equal(other.frame_motion, serial.frame_motion, equal_nan=True)
    mirror = parallel.extra["mirror"]
    assert mirror == serial.extra["mirror"]
    # one person: the passes agree except in a few frames at the edges of the clip (the
    # webcam clip ends with the person rising out of view)
    assert mirror["averaged"] > 0.9 * parallel.has_pose.sum()
    assert mirror["disagreed"] <= 0.03 * parallel.n_frames


def test_time_segments_give_the_metrics_of_one_sequential_pass(videos):
    fast = PoseOptions(symmetric=False)
    whole = estimate_pose(videos / SPLIT_CLIP, options=fast, workers=1)
    split = estimate_pose(videos / SPLIT_CLIP, options=fast, workers=2)
    assert split.extra["segments"] == 2 and whole.extra["segments"] == 1
    (seam,) = split.extra["seams"]
    assert seam["same_person"] is True
    assert np.array_equal(split.t, whole.t)
    before = whole.t < seam["t"]  # the first segment is the sequential run, frame for frame
    assert np.array_equal(split.image_xy[before], whole.image_xy[before], equal_nan=True)
    # after the seam a second landmarker, started afresh, follows the same body
    after = ~before & split.has_pose & whole.has_pose
    offset = np.linalg.norm(split.image_xy[after] - whole.image_xy[after], axis=2)
    assert np.median(offset) < 2.0
    a, b = analyse_pose(whole, "squat"), analyse_pose(split, "squat")
    assert len(a.reps) == len(b.reps) == 5
    ma, mb = degree_medians(a), degree_medians(b)
    assert ma.keys() == mb.keys() and ma
    for key, value in ma.items():
        assert mb[key] == pytest.approx(value, abs=0.5), key
