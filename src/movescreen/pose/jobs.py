"""One unit of pose work: (clip, time segment, pass, options) -> per-frame pose arrays.

A job is a small picklable description; :func:`run_pose_job` runs it in whatever process
the executor chose, decoding the segment itself and creating its own landmarker there.
"""

import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..results import ModelInfo, PersonInfo
from ..video import VideoInfo, iter_frames, prefetch
from .landmarker import PoseOptions, track_frames
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


def run_pose_job(job: PoseJob, report: Callable[[int, int | None], None] | None = None
                 ) -> PoseChunk:
    """Decode the job's segment and track the person in it (the executor's job function)."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    on_frame = None if report is None else (lambda n: report(n, job.frames_estimate))
    frames = prefetch(iter_frames(job.video, job.start_s, job.end_s), depth=2)
    arrays, person, model = track_frames(frames, job.model, job.video.width, job.video.height,
                                         job.options, job.mirrored, on_frame)
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
