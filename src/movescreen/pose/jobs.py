"""One unit of pose work: (clip, time segment, pass, options) -> per-frame pose arrays.

A job is a small picklable description; :func:`run_pose_job` runs it in whatever process
the executor chose, decoding the segment itself and creating its own landmarker there.
A :class:`PoseJobGroup` runs several passes over one segment from a single decoding
(:func:`run_pose_group`).
"""

import queue
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..results import ModelInfo, PersonInfo
from ..video import Frame, VideoInfo, iter_frames, prefetch
from .landmarker import PassRecorder, PoseArrays, PoseOptions
from .models import ModelBundle


@dataclass(frozen=True)
class PoseJob:
    """Track the person over ``[start_s, end_s)`` of a clip in one pass (picture or mirror).

    The frames before ``keep_from_s`` are the overlap with the previous segment: tracked to
    re-acquire the person and settle the landmarker, then used to stitch the two.
    """

    video: VideoInfo
    model: ModelBundle
    options: PoseOptions
    mirrored: bool = False
    start_s: float = 0.0
    keep_from_s: float = 0.0
    end_s: float | None = None  # None: to the end of the clip
    frames_estimate: int | None = None  # for progress only
    # FFmpeg's own decoding threads: off when other jobs run alongside (they would compete)
    decode_threads: bool = True

    @property
    def clip(self) -> Path:
        return self.video.path


@dataclass(frozen=True)
class PoseChunk:
    """The result of one :class:`PoseJob`: stacked per-frame arrays (NaN rows: no person)."""

    job: PoseJob
    t: NDArray[np.float64]
    image_xy: NDArray[np.float64]
    world_xyz: NDArray[np.float64]
    visibility: NDArray[np.float64]
    presence: NDArray[np.float64]
    repeat: NDArray[np.bool_]
    person: PersonInfo
    model: ModelInfo
    wall_s: float
    cpu_s: float
    peak_rss_mb: float  # of the process that ran the job, over its life so far
    # frame_motion.COLUMNS per frame (camera motion, repeated pictures); None: mirror pass
    motion: NDArray[np.float64] | None = None

    @property
    def n_frames(self) -> int:
        return len(self.t)


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux from VmHWM, which (unlike ru_maxrss)
    does not include the parent's memory at the fork that started this process."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


Report = Callable[[int, int | None], None]


def run_pose_job(job: PoseJob, report: Report | None = None) -> PoseChunk:
    """Decode the job's segment and track the person in it (the executor's job function)."""
    return run_pose_group(PoseJobGroup((job,), parallel=False), report)[0]


def _frames(job: PoseJob) -> Iterator[Frame]:
    return iter_frames(job.video, job.start_s, job.end_s, job.decode_threads)


def _chunk(job: PoseJob, arrays: PoseArrays, person: PersonInfo, model: ModelInfo,
           wall0: float, cpu0: float) -> PoseChunk:
    n = len(arrays.t)
    xy = np.stack(arrays.xy) if n else np.empty((0, 33, 2))
    return PoseChunk(
        job=job,
        t=np.asarray(arrays.t, dtype=np.float64),
        image_xy=xy,
        world_xyz=np.stack(arrays.world) if n else np.empty((0, 33, 3)),
        visibility=np.stack(arrays.vis) if n else np.empty((0, 33)),
        presence=np.stack(arrays.pres) if n else np.empty((0, 33)),
        repeat=np.asarray(arrays.repeat, dtype=bool),
        motion=np.stack(arrays.motion) if arrays.motion and len(arrays.motion) == n else None,
        person=person,
        model=model,
        wall_s=time.perf_counter() - wall0,
        cpu_s=time.process_time() - cpu0,
        peak_rss_mb=peak_rss_mb(),
    )


@dataclass(frozen=True)
class PoseJobGroup:
    """Passes (picture, mirror) over the same segment, sharing one decoding of it.

    ``parallel``: each pass tracks on its own thread (the landmarker releases the GIL, so
    the passes use two cores); otherwise the passes take turns frame by frame on one thread.
    """

    jobs: tuple[PoseJob, ...]
    parallel: bool = True

    @property
    def frames_estimate(self) -> int | None:
        est = [j.frames_estimate for j in self.jobs]
        return None if None in est else sum(est)  # type: ignore[arg-type]


_FEED_DEPTH = 3  # frames decoded ahead of the slower pass
_POLL_S = 0.1


def run_pose_group(group: PoseJobGroup, report: Report | None = None) -> list[PoseChunk]:
    """Decode the group's segment once and track it in every pass; one chunk per job.

    The calling thread decodes and reports progress (frames of all passes together); with
    ``parallel`` each pass runs on a thread of its own, fed through a small queue. The
    chunks equal those of running each job alone (same frames, same order).
    """
    first = group.jobs[0]
    if any((j.video.path, j.start_s, j.end_s) != (first.video.path, first.start_s, first.end_s)
           for j in group.jobs):
        raise ValueError("a PoseJobGroup's jobs must cover the same segment")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    total = group.frames_estimate
    recorders = [PassRecorder(j.model, j.video.width, j.video.height, j.options, j.mirrored)
                 for j in group.jobs]
    try:
        if group.parallel and len(recorders) > 1:
            _track_in_parallel(_frames(first), recorders, report, total)
        else:
            for k, frame in enumerate(prefetch(_frames(first), depth=2), start=1):
                for rec in recorders:
                    rec.add(frame)
                if report is not None:
                    report(k * len(recorders), total)
        return [_chunk(j, *rec.finish(), wall0, cpu0)
                for j, rec in zip(group.jobs, recorders, strict=True)]
    finally:
        for rec in recorders:
            rec.tracker.close()


def _track_in_parallel(frames: Iterator[Frame], recorders: list[PassRecorder],
                       report: Report | None, total: int | None) -> None:
    """Feed every frame to every recorder, each on its own thread; this thread decodes."""
    feeds: list[queue.Queue[Frame | None]] = [queue.Queue(_FEED_DEPTH) for _ in recorders]
    done = [0] * len(recorders)
    errors: list[BaseException] = []
    stop = threading.Event()

    def consume(k: int) -> None:
        try:
            while (frame := feeds[k].get()) is not None:
                if stop.is_set():
                    continue  # drain: the decoder may be blocked on this queue
                recorders[k].add(frame)
                done[k] += 1
        except BaseException as exc:  # re-raised by the decoding thread
            errors.append(exc)
            stop.set()
            while feeds[k].get() is not None:  # keep draining until the end marker
                pass

    threads = [threading.Thread(target=consume, args=(k,), name=f"movescreen-pass-{k}",
                                daemon=True) for k in range(len(recorders))]
    for t in threads:
        t.start()
    finished = False
    try:
        for frame in frames:
            for q in feeds:
                _put(q, frame, stop)
            if stop.is_set():
                break
            if report is not None:
                report(sum(done), total)
        finished = True
    finally:
        if not finished:  # cancelled or failed: the passes drop what is queued
            stop.set()
        for q in feeds:
            q.put(None)  # the end marker (a consumer always drains to it)
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    if report is not None:
        report(sum(done), total)


def _put(q: "queue.Queue[Frame | None]", frame: Frame, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            q.put(frame, timeout=_POLL_S)
            return
        except queue.Full:
            continue
