"""Clip -> PoseSequence: plan pose jobs, run them on an executor, stitch, check the result."""

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..engine import Executor, Progress, default_workers, make_executor
from ..errors import MovescreenError
from ..frame_motion import CHANGE, effective_rate
from ..results import ClipInfo, PersonInfo
from ..video import VideoInfo, file_sha256, probe
from .jobs import PoseChunk, PoseJob, PoseJobGroup, run_pose_group, run_pose_job
from .landmarker import PoseOptions
from .models import ModelBundle, resolve_model
from .plan import plan_jobs
from .sequence import PoseSequence
from .stitch import PassArrays, body_heights, combine_passes, stitch_segments

MIN_FRAMES = 10
# progress(frames done, frames expected or None); frames of the clip, all passes included
FrameProgress = Callable[[int, int | None], None]


def _as_saved(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32).astype(np.float64)


def estimate_pose(path: Path, model: ModelBundle | str | Path | None = None,
                  options: PoseOptions | None = None, *, workers: int | None = None,
                  executor: Executor | None = None, progress: FrameProgress | None = None
                  ) -> PoseSequence:
    """Decode ``path`` and return the tracked person's landmarks.

    The work is split into passes (picture, and mirror when symmetric) and time segments,
    one job per worker: ``workers`` (default: one per CPU) threads of this process (the
    landmarker and the decoder release the GIL), or the given ``executor``. Raises
    :class:`MovescreenError` for anything wrong with the file or the recording (not a video,
    truncated, too short, nobody in view).
    """
    info = probe(Path(path))
    bundle = model if isinstance(model, ModelBundle) else resolve_model(model)
    opts = options or PoseOptions()
    if workers is not None and workers < 1:
        raise MovescreenError(f"--workers {workers}: give 1 or more worker processes.")
    n = executor.workers if executor is not None else (workers or default_workers())
    jobs = plan_jobs(info, bundle, opts, n)
    if executor is not None:
        chunks = executor.map(run_pose_job, jobs, _summed_progress(jobs, info, progress))
    else:
        # here the passes of a segment share one decoding, on threads of their own when
        # there are workers for them (or taking turns on one thread)
        groups = group_passes(jobs, parallel=n > 1)
        with make_executor(len(groups)) as local:
            done = local.map(run_pose_group, groups, _summed_progress(groups, info, progress))
        chunks = [c for group in done for c in group]
    return assemble(Path(path), info, opts, chunks)


def group_passes(jobs: Sequence[PoseJob], parallel: bool) -> list[PoseJobGroup]:
    """The jobs of each segment (picture and mirror pass) as one group, in plan order."""
    by_segment: dict[tuple[float, float | None], list[PoseJob]] = {}
    for job in jobs:
        by_segment.setdefault((job.start_s, job.end_s), []).append(job)
    return [PoseJobGroup(tuple(js), parallel=parallel) for js in by_segment.values()]


def _summed_progress(units: Sequence[PoseJob] | Sequence[PoseJobGroup], video: VideoInfo,
                     progress: FrameProgress | None) -> Callable[[Progress], None] | None:
    """Turn per-job events into frames of the clip done (all passes and overlaps included:
    the clip's frames times the share of the jobs' frames done)."""
    if progress is None:
        return None
    estimates = [u.frames_estimate for u in units]
    if None in estimates:
        total = None
        jobs = [j for u in units for j in (u.jobs if isinstance(u, PoseJobGroup) else (u,))]
        scale = 1.0 / (2 if any(j.mirrored for j in jobs) else 1)
    else:
        total = max(1, round((video.duration_s or 0.0) * (video.fps_nominal or 30.0)))
        scale = total / sum(estimates)  # type: ignore[arg-type]
    done = [0] * len(units)
    progress(0, total)

    def on_progress(event: Progress) -> None:
        done[event.job] = event.done
        progress(round(sum(done) * scale), total)

    return on_progress


def assemble(path: Path, info: VideoInfo, opts: PoseOptions, chunks: Sequence[PoseChunk]
             ) -> PoseSequence:
    """Stitch the jobs' chunks into the clip's PoseSequence."""
    picture = stitch_segments([c for c in chunks if not c.job.mirrored])
    mirror_chunks = [c for c in chunks if c.job.mirrored]
    extra: dict[str, object] = {
        "passes": "picture+mirror" if mirror_chunks else "picture",
        "segments": sum(not c.job.mirrored for c in chunks),
        "seams": picture.seams,
        "jobs": [_job_record(c) for c in chunks],
    }
    arrays = picture
    if mirror_chunks:
        arrays, stats = combine_passes(picture, stitch_segments(mirror_chunks), opts)
        extra["mirror"] = stats.as_dict()
    n = len(arrays.t)
    if n < MIN_FRAMES:
        raise MovescreenError(f"{path}: only {n} frames; record at least 2 s of the movement.")
    if not np.any(arrays.has_pose):
        raise MovescreenError(
            f"{path}: no person was found in any frame. Film the whole body, head to feet, "
            "in good light, with nobody else in front of the camera."
        )
    motion = arrays.motion if arrays.motion is not None and len(arrays.motion) == n else None
    return PoseSequence(
        t=arrays.t,
        # at the precision pose.npz stores, so a re-screen of the saved file gives the same numbers
        image_xy=_as_saved(arrays.image_xy),
        world_xyz=_as_saved(arrays.world_xyz),
        visibility=_as_saved(arrays.visibility),
        presence=_as_saved(arrays.presence),
        clip=_clip_info(path, info, arrays),
        model=chunks[0].model,
        person=_person(chunks, arrays, info.height),
        extra=extra,
        frame_motion=motion,
    )


def _job_record(c: PoseChunk) -> dict[str, object]:
    return {"pass": "mirror" if c.job.mirrored else "picture", "start_s": c.job.start_s,
            "keep_from_s": c.job.keep_from_s, "end_s": c.job.end_s, "frames": c.n_frames,
            "wall_s": round(c.wall_s, 3), "cpu_s": round(c.cpu_s, 3),
            "peak_rss_mb": round(c.peak_rss_mb, 1)}


def _person(chunks: Sequence[PoseChunk], arrays: PassArrays, frame_height: int) -> PersonInfo:
    """Who was tracked: the first picture segment's choice, facts pooled over segments."""
    picture = sorted((c for c in chunks if not c.job.mirrored), key=lambda c: c.job.start_s)
    heights = body_heights(arrays.image_xy)
    heights = heights[np.isfinite(heights)]
    first = picture[0].person
    return PersonInfo(
        people_seen=max(c.person.people_seen for c in picture),
        selection=first.selection,
        crop_tracking=any(c.person.crop_tracking for c in picture),
        body_height_frac=float(np.median(heights)) / frame_height if len(heights) else None,
    )


def _clip_info(path: Path, info: VideoInfo, arrays: PassArrays) -> ClipInfo:
    t = arrays.t
    n = len(t)
    dt = np.diff(t)
    duration = float(t[-1] - t[0]) if n > 1 else 0.0
    fps_measured = (n - 1) / duration if duration > 0 else 0.0
    repeats = int(arrays.repeat.sum())
    motion = arrays.motion
    near = None if motion is None else effective_rate(fps_measured, motion[:, CHANGE])
    if near is not None and near[1] > repeats:  # repeats up to compression noise
        repeats = near[1]
    return ClipInfo(
        file=str(path),
        sha256=file_sha256(path),
        container=info.container,
        codec=info.codec,
        width=info.width,
        height=info.height,
        rotation_deg=info.rotation_deg,
        n_frames=n,
        duration_s=duration + (float(np.median(dt)) if n > 1 else 0.0),
        fps_container=info.fps_nominal,
        fps_measured=fps_measured,
        fps_effective=fps_measured * (n - repeats) / n,
        repeated_frames=repeats,
        variable_frame_rate=bool(n > 2 and np.percentile(dt, 95) > 1.2 * np.percentile(dt, 5)),
    )
