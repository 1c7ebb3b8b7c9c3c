"""Put pose jobs back together: segments of one pass in time, then picture and mirror passes.

Segments: in the overlap both neighbours tracked the person; the cut is the overlap frame
(in its second half, after the later segment has settled) where the two agree best, and
the seam records whether both tracked the same person.

Passes: a frame is averaged only where the mirror pass found the same person as the
picture pass (hip centres and body heights agree); elsewhere one pass is used and counted,
so a silent fallback to one pass cannot happen.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .jobs import PoseChunk
from .landmarker import PoseOptions

L_HIP, R_HIP = 23, 24
# nose, shoulders, hips, knees, ankles: a body size that raised arms do not change
CORE = (0, 11, 12, 23, 24, 25, 26, 27, 28)
SEAM_MAX_HIP_OFFSET = 0.25  # body heights: farther apart in the overlap = another person


@dataclass(frozen=True)
class PassArrays:
    """One pass over the whole clip (segments stitched)."""

    t: NDArray[np.float64]
    image_xy: NDArray[np.float64]
    world_xyz: NDArray[np.float64]
    visibility: NDArray[np.float64]
    presence: NDArray[np.float64]
    repeat: NDArray[np.bool_]
    # frame_motion.COLUMNS per frame (picture pass only; the first frame of a segment has no
    # previous picture: NaN); None when not measured
    motion: NDArray[np.float64] | None = None
    seams: list[dict[str, object]] = field(default_factory=list)

    @classmethod
    def of(cls, c: PoseChunk) -> "PassArrays":
        return cls(c.t, c.image_xy, c.world_xyz, c.visibility, c.presence, c.repeat, c.motion)

    def take(self, rows: NDArray[np.bool_] | slice) -> "PassArrays":
        return PassArrays(self.t[rows], self.image_xy[rows], self.world_xyz[rows],
                          self.visibility[rows], self.presence[rows], self.repeat[rows],
                          None if self.motion is None else self.motion[rows], self.seams)

    @property
    def has_pose(self) -> NDArray[np.bool_]:
        return np.all(np.isfinite(self.image_xy[:, :, 0]), axis=1)


def hip_centres(xy: NDArray[np.float64]) -> NDArray[np.float64]:
    return (xy[:, L_HIP] + xy[:, R_HIP]) / 2


def body_heights(xy: NDArray[np.float64], landmarks: Sequence[int] | None = None
                 ) -> NDArray[np.float64]:
    """Vertical extent of each frame's ``landmarks`` (default: all) in pixels (NaN without
    a pose)."""
    y = xy[:, :, 1] if landmarks is None else xy[:, list(landmarks), 1]
    ok = np.isfinite(y)
    h = np.where(ok, y, -np.inf).max(axis=1) - np.where(ok, y, np.inf).min(axis=1)
    return np.where(ok.any(axis=1), h, np.nan)


def _concat(parts: Sequence[PassArrays], seams: list[dict[str, object]]) -> PassArrays:
    motion = (None if any(p.motion is None for p in parts)
              else np.concatenate([p.motion for p in parts]))  # type: ignore[misc]
    return PassArrays(*(np.concatenate([getattr(p, k) for p in parts]) for k in
                        ("t", "image_xy", "world_xyz", "visibility", "presence", "repeat")),
                      motion=motion, seams=seams)


def _common(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """Indices of the timestamps present in both (decoded from the same file: equal)."""
    ia = np.flatnonzero(np.isin(np.round(a, 4), np.round(b, 4)))
    ib = np.searchsorted(np.round(b, 4), np.round(a[ia], 4))
    return ia, ib


def stitch_segments(chunks: Sequence[PoseChunk]) -> PassArrays:
    """One pass's segments (any order) joined in time."""
    chunks = sorted((c for c in chunks if c.n_frames), key=lambda c: c.job.keep_from_s)
    parts, seams = [PassArrays.of(chunks[0])], []
    for c in chunks[1:]:
        prev, cur = parts[-1], PassArrays.of(c)
        cut, seam = _seam(prev, cur, c.job.keep_from_s)
        parts[-1] = prev.take(prev.t < cut)
        parts.append(cur.take(cur.t >= cut))
        seams.append(seam)
    return _concat(parts, seams)


def _seam(prev: PassArrays, cur: PassArrays, keep_from_s: float
          ) -> tuple[float, dict[str, object]]:
    ia, ib = _common(prev.t, cur.t)
    both = prev.has_pose[ia] & cur.has_pose[ib]
    ia, ib = ia[both], ib[both]
    seam: dict[str, object] = {"t": keep_from_s, "frames_compared": len(ia)}
    if not len(ia):
        seam["same_person"] = None
        return keep_from_s, seam
    height = float(np.nanmedian(body_heights(prev.image_xy[ia], CORE)))
    hip = np.linalg.norm(hip_centres(prev.image_xy[ia]) - hip_centres(cur.image_xy[ib]), axis=1)
    offset = float(np.median(hip)) / max(height, 1.0)
    seam["hip_offset"] = round(offset, 4)
    seam["same_person"] = bool(offset <= SEAM_MAX_HIP_OFFSET)
    # cut where the two agree best, in the second half of the overlap
    second = prev.t[ia] >= (cur.t[0] + keep_from_s) / 2
    if np.any(second):
        diff = np.mean(np.linalg.norm(prev.image_xy[ia] - cur.image_xy[ib], axis=2), axis=1)
        k = np.flatnonzero(second)[np.argmin(diff[second])]
        seam["t"] = float(prev.t[ia[k]])
        seam["landmark_offset_px"] = round(float(diff[k]), 2)
    return float(seam["t"]), seam  # type: ignore[arg-type]


@dataclass(frozen=True)
class MirrorStats:
    """How the picture and mirror passes were combined, frame by frame."""

    averaged: int  # both passes, same person: averaged
    disagreed: int  # both found someone, but not in the same place or size: picture kept
    picture_only: int  # the mirror pass found nobody
    mirror_only: int  # the picture pass found nobody: mirror pass used
    mirror_rejected: int  # mirror-only frames left empty (the passes rarely agreed)
    hip_offset_median: float | None  # standing heights, where both found someone

    @property
    def single_pass(self) -> int:
        return self.disagreed + self.picture_only + self.mirror_only

    @property
    def with_pose(self) -> int:
        return self.averaged + self.single_pass

    def as_dict(self) -> dict[str, object]:
        return {"averaged": self.averaged, "disagreed": self.disagreed,
                "picture_only": self.picture_only, "mirror_only": self.mirror_only,
                "mirror_rejected": self.mirror_rejected,
                "hip_offset_median": self.hip_offset_median}


def combine_passes(picture: PassArrays, mirror: PassArrays, opts: PoseOptions
                   ) -> tuple[PassArrays, MirrorStats]:
    """Average picture and mirror where they saw the same person; count every other frame."""
    if len(picture.t) != len(mirror.t) or not np.allclose(picture.t, mirror.t, atol=1e-6):
        raise RuntimeError("the picture and mirror passes decoded different frames")
    p, m = picture.has_pose, mirror.has_pose
    both = p & m
    height = body_heights(picture.image_xy, CORE)
    # hips are compared with the standing height (a deep squat halves the current one)
    standing = float(np.nanpercentile(height, 90)) if p.any() else 1.0
    hip = np.linalg.norm(hip_centres(picture.image_xy) - hip_centres(mirror.image_xy), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        offset = hip / max(standing, 1.0)
        ratio = body_heights(mirror.image_xy, CORE) / np.maximum(height, 1.0)
    same = both & (offset <= opts.mirror_max_hip_offset) & (
        ratio <= opts.mirror_max_height_ratio) & (ratio >= 1.0 / opts.mirror_max_height_ratio)
    # mirror-only frames are trusted only if the passes mostly tracked the same person
    trust_mirror = both.sum() > 0 and same.sum() >= 0.5 * both.sum()
    use_mirror = m & ~p & trust_mirror
    out = {}
    for k in ("image_xy", "world_xyz", "visibility", "presence"):
        a, b = getattr(picture, k), getattr(mirror, k)
        v = a.copy()
        v[same] = (a[same] + b[same]) / 2
        v[use_mirror] = b[use_mirror]
        out[k] = v
    stats = MirrorStats(
        averaged=int(same.sum()),
        disagreed=int((both & ~same).sum()),
        picture_only=int((p & ~m).sum()),
        mirror_only=int(use_mirror.sum()),
        mirror_rejected=int((m & ~p & ~use_mirror).sum()),
        hip_offset_median=round(float(np.median(offset[both])), 4) if both.any() else None,
    )
    return PassArrays(picture.t, repeat=picture.repeat, motion=picture.motion,
                      seams=picture.seams, **out), stats
