"""Passes that share one decoding (threads or turns) give what separate jobs give."""

import threading

import numpy as np
import pytest

from media import blank_frames, write_video
from movescreen.engine import Cancelled
from movescreen.pose.jobs import PoseJob, PoseJobGroup, run_pose_group, run_pose_job
from movescreen.pose.landmarker import PassRecorder, PoseOptions
from movescreen.pose.models import resolve_model
from movescreen.video import probe

FIELDS = ("t", "image_xy", "world_xyz", "visibility", "presence", "repeat")


def jobs_for(clip, end_s: float) -> tuple[PoseJob, PoseJob]:
    info, model = probe(clip), resolve_model(None)
    return tuple(PoseJob(info, model, PoseOptions(), mirrored=m, end_s=end_s,
                         frames_estimate=round(end_s * (info.fps_nominal or 30)))
                 for m in (False, True))


@pytest.mark.parametrize("parallel", [True, False])
def test_one_decoding_for_both_passes_gives_the_chunks_of_separate_jobs(sample_clip, parallel):
    jobs = jobs_for(sample_clip, end_s=2.0)
    alone = [run_pose_job(j) for j in jobs]
    events: list[tuple[int, int | None]] = []
    shared = run_pose_group(PoseJobGroup(jobs, parallel), lambda d, t: events.append((d, t)))
    assert [c.job for c in shared] == list(jobs)
    for a, b in zip(alone, shared, strict=True):
        assert a.n_frames > 30 and np.isfinite(a.image_xy).any()
        for name in FIELDS:
            assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
        assert a.person == b.person
    assert np.array_equal(alone[0].motion, shared[0].motion, equal_nan=True)
    assert shared[1].motion is None  # camera motion is measured in the picture pass only
    # progress counts the frames of both passes, up to all of them
    done = [d for d, _ in events]
    assert done == sorted(done) and done[-1] == 2 * alone[0].n_frames
    assert {t for _, t in events} == {jobs[0].frames_estimate + jobs[1].frames_estimate}


@pytest.fixture
def blank_clip(tmp_path):
    return write_video(tmp_path / "blank.mp4", blank_frames(60))


def test_a_pass_that_fails_stops_the_group_with_its_error(blank_clip, monkeypatch):
    real_add = PassRecorder.add

    def add(self, frame):
        if self.meter is None and frame.index == 5:  # the mirror pass breaks on frame 5
            raise RuntimeError("mirror pass broke")
        real_add(self, frame)

    monkeypatch.setattr(PassRecorder, "add", add)
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="mirror pass broke"):
        run_pose_group(PoseJobGroup(jobs_for(blank_clip, end_s=2.0), parallel=True))
    assert threading.active_count() == before  # no pass thread left behind


def test_a_cancelled_group_stops_at_its_next_report(blank_clip):
    seen = []

    def report(done: int, total: int | None) -> None:
        seen.append(done)
        if len(seen) == 3:
            raise Cancelled

    before = threading.active_count()
    with pytest.raises(Cancelled):
        run_pose_group(PoseJobGroup(jobs_for(blank_clip, end_s=2.0), parallel=True), report)
    assert len(seen) == 3 and threading.active_count() == before


def test_a_group_covers_one_segment_only(sample_clip):
    picture, mirror = jobs_for(sample_clip, end_s=2.0)
    other = PoseJob(mirror.video, mirror.model, mirror.options, True, start_s=1.0)
    with pytest.raises(ValueError, match="same segment"):
        run_pose_group(PoseJobGroup((picture, other)))
