"""Joining pose jobs: time segments stitched in their overlap, picture and mirror passes
combined only where both saw the same person (known synthetic geometry, no model)."""

from pathlib import Path

import numpy as np
import pytest

from movescreen.engine import Progress
from movescreen.pose.estimate import _summed_progress, group_passes
from movescreen.pose.jobs import PoseChunk, PoseJob
from movescreen.pose.landmarker import PoseOptions
from movescreen.pose.models import ModelBundle
from movescreen.pose.plan import plan_jobs
from movescreen.pose.stitch import PassArrays, combine_passes, stitch_segments
from movescreen.results import ModelInfo, PersonInfo
from movescreen.screens.common import pose_pass_flags
from movescreen.video import VideoInfo

FPS, DURATION, BODY = 30.0, 10.0, 400.0
VIDEO = VideoInfo(path=Path("clip.mp4"), container="mp4", codec="h264", width=1280,
                  height=720, rotation_deg=0, fps_nominal=FPS, duration_s=DURATION,
                  frames_declared=int(FPS * DURATION))
MODEL = ModelBundle("synthetic", Path("model.task"), "0" * 64, "file")
T = np.arange(0.0, DURATION, 1 / FPS)


def person_xy(t: np.ndarray, x_offset: float = 0.0) -> np.ndarray:
    """33 landmarks spread over a BODY px tall person swaying sideways ((n, 33, 2))."""
    xy = np.empty((len(t), 33, 2))
    xy[:, :, 0] = 600.0 + x_offset + 40.0 * np.sin(t)[:, None] + np.linspace(-50, 50, 33)
    xy[:, :, 1] = 150.0 + np.linspace(0.0, BODY, 33)[None, :]
    return xy


def chunk(t: np.ndarray, xy: np.ndarray, start: float = 0.0, keep_from: float = 0.0,
          end: float | None = None, mirrored: bool = False) -> PoseChunk:
    sel = (t >= start) & (t < (end if end is not None else np.inf))
    n = int(sel.sum())
    job = PoseJob(VIDEO, MODEL, PoseOptions(), mirrored, start, keep_from, end)
    world = np.zeros((n, 33, 3))
    return PoseChunk(job, t[sel], xy[sel], world, np.ones((n, 33)), np.ones((n, 33)),
                     np.zeros(n, bool),
                     PersonInfo(people_seen=1, selection="synthetic", crop_tracking=False,
                                body_height_frac=None),
                     ModelInfo(name="synthetic", sha256="0" * 64, source="test"), 0.0, 0.0, 0.0)


def test_segments_stitch_back_to_the_whole_clip():
    xy = person_xy(T)
    later = xy + 0.5  # the later segment's landmarker sees the same person a little apart
    parts = [chunk(T, later, start=3.5, keep_from=5.0, mirrored=False),
             chunk(T, xy, end=5.0)]  # given out of order
    out = stitch_segments(parts)
    assert np.array_equal(out.t, T)
    (seam,) = out.seams
    assert seam["same_person"] is True
    assert 4.25 <= seam["t"] < 5.0  # in the second half of the overlap
    before = out.t < seam["t"]
    assert np.array_equal(out.image_xy[before], xy[before])
    assert np.array_equal(out.image_xy[~before], later[~before])
    assert pose_pass_flags({"seams": out.seams}) == []


def test_a_seam_between_two_people_is_flagged():
    other = person_xy(T, x_offset=0.6 * BODY)
    out = stitch_segments([chunk(T, person_xy(T), end=5.0),
                           chunk(T, other, start=3.5, keep_from=5.0)])
    assert out.seams[0]["same_person"] is False
    (flag,) = pose_pass_flags({"seams": out.seams})
    assert flag.code == "segment_seam" and flag.severity == "warning"


def passes(mirror_xy: np.ndarray) -> tuple[PassArrays, PassArrays]:
    return (PassArrays.of(chunk(T, person_xy(T))),
            PassArrays.of(chunk(T, mirror_xy, mirrored=True)))


def test_passes_that_agree_are_averaged_exactly():
    picture, mirror = passes(person_xy(T) + np.array([4.0, -2.0]))
    out, stats = combine_passes(picture, mirror, PoseOptions())
    assert np.allclose(out.image_xy, person_xy(T) + np.array([2.0, -1.0]))
    assert (stats.averaged, stats.single_pass) == (len(T), 0)
    assert pose_pass_flags({"mirror": stats.as_dict()}) == []


def test_mirror_pass_on_another_person_or_nobody_is_not_averaged_and_is_reported():
    mirror_xy = person_xy(T) + 1.0
    elsewhere = slice(0, 60)  # 2 s on a bystander half a body to the side
    mirror_xy[elsewhere] = person_xy(T[elsewhere], x_offset=0.5 * BODY)
    mirror_xy[60:90] = np.nan  # 1 s with nobody found
    picture, mirror = passes(mirror_xy)
    out, stats = combine_passes(picture, mirror, PoseOptions())
    assert np.array_equal(out.image_xy[:90], person_xy(T)[:90])  # picture pass kept
    assert np.allclose(out.image_xy[90:], person_xy(T)[90:] + 0.5)
    assert (stats.disagreed, stats.picture_only, stats.averaged) == (60, 30, len(T) - 90)
    (flag,) = pose_pass_flags({"mirror": stats.as_dict()})
    assert flag.code == "mirror_pass" and flag.severity == "warning"  # 30% of frames
    assert "90 of 300 frames" in flag.message


def test_mirror_only_frames_fill_gaps_only_when_the_passes_track_one_person():
    picture_xy = person_xy(T)
    picture_xy[:30] = np.nan
    picture = PassArrays.of(chunk(T, picture_xy))
    same = PassArrays.of(chunk(T, person_xy(T), mirrored=True))
    other = PassArrays.of(chunk(T, person_xy(T, x_offset=BODY), mirrored=True))
    filled, s1 = combine_passes(picture, same, PoseOptions())
    kept, s2 = combine_passes(picture, other, PoseOptions())
    assert s1.mirror_only == 30 and np.array_equal(filled.image_xy[:30], person_xy(T)[:30])
    assert s2.mirror_rejected == 30 and np.all(np.isnan(kept.image_xy[:30]))


@pytest.mark.parametrize(("symmetric", "workers", "duration", "expected"), [
    (True, 2, 10.0, [(False, 0.0, None), (True, 0.0, None)]),  # passes side by side
    (True, 1, 10.0, [(False, 0.0, None), (True, 0.0, None)]),
    (False, 2, 10.0, [(False, 0.0, 5.75), (False, 4.25, None)]),  # 5.75 s each
    (False, 8, 6.0, [(False, 0.0, None)]),  # too short to split
])
def test_plan(symmetric, workers, duration, expected):
    video = VideoInfo(**{**VIDEO.__dict__, "duration_s": duration})
    jobs = plan_jobs(video, MODEL, PoseOptions(symmetric=symmetric), workers)
    assert [(j.mirrored, j.start_s, j.end_s) for j in jobs] == expected


def test_plan_for_eight_workers_splits_each_pass_in_four():
    video = VideoInfo(**{**VIDEO.__dict__, "duration_s": 60.0})
    jobs = plan_jobs(video, MODEL, PoseOptions(), 8)
    assert len(jobs) == 8 and sum(j.mirrored for j in jobs) == 4
    assert [j.keep_from_s for j in jobs[:4]] == [0.0, 16.125, 30.75, 45.375]
    assert [j.start_s for j in jobs[:4]] == [0.0, 14.625, 29.25, 43.875]
    assert [j.end_s for j in jobs[:4]] == [16.125, 30.75, 45.375, None]


@pytest.mark.parametrize("symmetric", [True, False])
def test_progress_counts_the_clips_frames_whatever_the_plan(symmetric):
    jobs = plan_jobs(VIDEO, MODEL, PoseOptions(symmetric=symmetric), 4)
    # as jobs (an executor given by the caller) or as groups of passes sharing a decoding
    for units in (jobs, group_passes(jobs, parallel=True)):
        seen: list[tuple[int, int | None]] = []
        report = _summed_progress(units, VIDEO, lambda d, total, seen=seen: seen.append((d, total)))
        for i, unit in enumerate(units):
            report(Progress(i, unit.frames_estimate, unit.frames_estimate))
        assert seen[0] == (0, 300) and seen[-1] == (300, 300)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_groups_pair_the_passes_of_each_segment():
    jobs = plan_jobs(VIDEO, MODEL, PoseOptions(), 4)
    groups = group_passes(jobs, parallel=True)
    assert [[(j.mirrored, j.start_s) for j in g.jobs] for g in groups] == [
        [(False, s), (True, s)] for s in (0.0, jobs[1].start_s)]
    assert all(not j.decode_threads for j in jobs)  # two jobs side by side: no FFmpeg threads
    alone = plan_jobs(VIDEO, MODEL, PoseOptions(symmetric=False), 1)
    assert len(group_passes(alone, parallel=False)) == 1 and alone[0].decode_threads
