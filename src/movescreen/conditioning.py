"""From raw landmarks to analysable signals: mask low visibility, fill short gaps, low-pass."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .landmarks import NAMES, SCREEN_LANDMARKS
from .pose.sequence import PoseSequence
from .signals import Gap, fill_short_gaps, lowpass


@dataclass(frozen=True)
class ConditioningOptions:
    visibility_threshold: float = 0.5
    max_gap_s: float = 0.25
    cutoff_hz: float | None = 6.0  # 4th-order Butterworth, zero-phase; None = no filtering
    filter_order: int = 4


@dataclass(frozen=True)
class ConditionedPose:
    """Cleaned landmark signals on the clip's time base (NaN where still missing)."""

    t: NDArray[np.float64]
    xy: NDArray[np.float64]  # (T, 33, 2) pixels
    world: NDArray[np.float64]  # (T, 33, 3) metres
    observed: NDArray[np.bool_]  # (T, 33) visible in the raw data (before gap filling)
    gaps: dict[int, list[Gap]]  # landmark -> gaps left unfilled (screen landmarks only)
    width: int
    height: int

    def long_gaps(self, min_s: float = 0.0) -> list[tuple[str, Gap]]:
        """Unfilled gaps of the screen landmarks, longest first."""
        rows = [(NAMES[i], g) for i, gs in self.gaps.items() for g in gs if g.duration >= min_s]
        return sorted(rows, key=lambda r: -r[1].duration)


def condition(seq: PoseSequence, options: ConditioningOptions | None = None) -> ConditionedPose:
    """Mask landmarks below the visibility threshold, interpolate short gaps, filter."""
    opts = options or ConditioningOptions()
    vis = np.nan_to_num(seq.visibility, nan=0.0)
    observed = (vis >= opts.visibility_threshold) & np.isfinite(seq.image_xy[..., 0])
    xy = np.where(observed[..., None], seq.image_xy, np.nan)
    world = np.where(observed[..., None], seq.world_xyz, np.nan)
    gaps: dict[int, list[Gap]] = {}
    out_xy = np.empty_like(xy)
    out_world = np.empty_like(world)
    for i in range(xy.shape[1]):
        both = np.concatenate((xy[:, i], world[:, i]), axis=1)
        filled, left = fill_short_gaps(seq.t, both, opts.max_gap_s)
        smooth = (filled if opts.cutoff_hz is None
                  else lowpass(seq.t, filled, opts.cutoff_hz, opts.filter_order))
        out_xy[:, i], out_world[:, i] = smooth[:, :2], smooth[:, 2:]
        if i in SCREEN_LANDMARKS and left:
            gaps[i] = left
    return ConditionedPose(seq.t, out_xy, out_world, observed, gaps, seq.clip.width,
                           seq.clip.height)
