"""Clip -> PoseSequence: decode, track one person, stack the per-frame landmarks."""

from pathlib import Path

import numpy as np

from ..errors import MovescreenError
from ..frame_motion import CHANGE, effective_rate
from ..results import ClipInfo
from ..video import file_sha256, iter_frames, prefetch, probe
from .landmarker import PoseOptions, track_frames
from .models import ModelBundle, resolve_model
from .sequence import PoseSequence

MIN_FRAMES = 10


def _as_saved(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32).astype(np.float64)


def estimate_pose(path: Path, model: ModelBundle | str | Path | None = None,
                  options: PoseOptions | None = None) -> PoseSequence:
    """Decode ``path`` frame by frame and return the tracked person's landmarks.

    Raises :class:`MovescreenError` for anything wrong with the file or the recording
    (not a video, truncated, too short, nobody in view).
    """
    info = probe(Path(path))
    bundle = model if isinstance(model, ModelBundle) else resolve_model(model)
    frames = prefetch(iter_frames(info), depth=2)
    arrays, person, model_info = track_frames(frames, bundle, info.width, info.height, options)
    n = len(arrays.t)
    if n < MIN_FRAMES:
        raise MovescreenError(f"{path}: only {n} frames; record at least 2 s of the movement.")
    t = np.asarray(arrays.t, dtype=np.float64)
    xy = np.stack(arrays.xy)
    if not np.any(np.isfinite(xy[:, 0, 0])):
        raise MovescreenError(
            f"{path}: no person was found in any frame. Film the whole body, head to feet, "
            "in good light, with nobody else in front of the camera."
        )
    dt = np.diff(t)
    duration = float(t[-1] - t[0]) if n > 1 else 0.0
    fps_measured = (n - 1) / duration if duration > 0 else 0.0
    motion = np.stack(arrays.motion) if len(arrays.motion) == n else None
    repeats = arrays.repeats
    near = None if motion is None else effective_rate(fps_measured, motion[:, CHANGE])
    if near is not None and near[1] > repeats:  # repeats up to compression noise
        repeats = near[1]
    distinct = n - repeats
    clip = ClipInfo(
        file=str(path),
        sha256=file_sha256(Path(path)),
        container=info.container,
        codec=info.codec,
        width=info.width,
        height=info.height,
        rotation_deg=info.rotation_deg,
        n_frames=n,
        duration_s=duration + (float(np.median(dt)) if n > 1 else 0.0),
        fps_container=info.fps_nominal,
        fps_measured=fps_measured,
        fps_effective=fps_measured * distinct / n,
        repeated_frames=repeats,
        variable_frame_rate=bool(n > 2 and np.percentile(dt, 95) > 1.2 * np.percentile(dt, 5)),
    )
    return PoseSequence(
        t=t,
        # at the precision pose.npz stores, so a re-screen of the saved file gives the same numbers
        image_xy=_as_saved(xy),
        world_xyz=_as_saved(np.stack(arrays.world)),
        visibility=_as_saved(np.stack(arrays.vis)),
        presence=_as_saved(np.stack(arrays.pres)),
        clip=clip,
        model=model_info,
        person=person,
        frame_motion=motion,
    )
