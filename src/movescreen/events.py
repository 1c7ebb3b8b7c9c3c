"""Events in a movement: standing reference, camera view, repetitions, stance leg."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from .kinematics import Kinematics
from .landmarks import Side
from .results import ViewName
from .signals import nanmax_columns, nanmedian, runs

Array = NDArray[np.float64]

FRONTAL_MIN_WIDTH_RATIO = 0.5  # shoulder width / trunk height; ~0.7-0.9 facing the camera
SAGITTAL_MAX_WIDTH_RATIO = 0.25
OBLIQUE_MIN_YAW_DEG = 25.0  # hip line turned out of the image plane (world landmarks)
REP_MIN_DEPTH_PCT = 5.0  # a rep goes at least this deep (% leg length); live counting too
STANCE_MIN_LIFT = 0.05  # the free ankle this much (leg lengths) above the stance ankle


@dataclass(frozen=True)
class Standing:
    """Frames that define 'standing': the reference every relative metric is taken against."""

    frames: NDArray[np.intp]
    leg_length_px: float
    hip_y: float

    @property
    def mask_size(self) -> int:
        return len(self.frames)


@dataclass(frozen=True)
class RepWindow:
    """One repetition: indices of its start, deepest point and end (inclusive)."""

    start: int
    bottom: int
    end: int


def leg_length(k: Kinematics) -> Array:
    """Per-frame hip-ankle length: the longer of the two legs (a bent or foreshortened leg reads
    short), either one if the other is missing."""
    return nanmax_columns(np.column_stack((k.leg_length_px["left"], k.leg_length_px["right"])))


def find_standing(k: Kinematics, window: tuple[float, float] | None = None,
                  exclude: NDArray[np.bool_] | None = None) -> Standing:
    """The standing frames: given as a time window, or the frames where the hips are highest.

    Automatic: the longest legs (90th percentile of hip-ankle length) set the leg length; the
    frames whose mid-hip lies within 3% of that length of its highest level (5th percentile of
    image y) are standing.
    """
    hip_y = k.hip_y
    length = leg_length(k)
    if window is not None:
        frames = np.flatnonzero((k.t >= window[0]) & (k.t <= window[1]) & np.isfinite(hip_y))
    else:
        ok = np.isfinite(hip_y) & np.isfinite(length)
        if exclude is not None:
            ok &= ~exclude
        if not np.any(ok):
            return Standing(np.array([], dtype=np.intp), float("nan"), float("nan"))
        top = float(np.nanpercentile(hip_y[ok], 5))
        ref_len = float(np.nanpercentile(length[ok], 90))
        frames = np.flatnonzero(ok & (hip_y <= top + 0.03 * ref_len))
    if len(frames) == 0:
        return Standing(frames, float("nan"), float("nan"))
    return Standing(frames, nanmedian(length[frames]), nanmedian(hip_y[frames]))


def depth_pct(k: Kinematics, standing: Standing) -> Array:
    """Drop of the mid-hip below its standing level, in % of standing leg length."""
    return (k.hip_y - standing.hip_y) / standing.leg_length_px * 100.0


def trunk_scale(k: Kinematics) -> Array:
    """Size of the trunk in the image (shoulder width and trunk height combined), which a squat
    changes little but a camera cut or zoom changes at once."""
    return np.hypot(k.shoulder_width_px, k.trunk_height_px)


def steady_scale_span(t: Array, scale: Array, max_change: float = 2.0,
                      within_s: float = 0.5) -> tuple[int, int]:
    """The longest stretch [start, stop) without a camera cut or zoom.

    A cut or zoom shows as the trunk's size in the image changing by more than
    ``max_change`` x within ``within_s``; frames where it does split the clip.
    """
    ok = np.isfinite(scale) & (scale > 0)
    if ok.sum() < 2:
        return 0, len(t)
    log_s = np.interp(t, t[ok], np.log(scale[ok]))
    earlier = np.interp(t - within_s, t, log_s)
    steady = np.abs(log_s - earlier) <= np.log(max_change)
    spans = runs(steady)
    if not spans:
        return 0, len(t)
    return max(spans, key=lambda ab: t[ab[1] - 1] - t[ab[0]])


@dataclass(frozen=True)
class ViewEstimate:
    view: ViewName
    width_ratio: float
    yaw_deg: float


def classify_view(k: Kinematics, frames: NDArray[np.intp]) -> ViewEstimate:
    """Frontal, oblique or sagittal, from how wide the shoulders look against the trunk.

    Facing the camera the shoulders are ~0.7-0.9 trunk heights wide in the image; side-on
    they nearly overlap. A hip line turned more than 25 deg out of the image plane (from the
    3D world landmarks) also makes a view oblique.
    """
    idx = frames if len(frames) else np.arange(len(k.t))
    ratio = nanmedian(k.shoulder_width_px[idx] / k.trunk_height_px[idx])
    yaw = nanmedian(k.hip_line_yaw_deg[idx])
    if not np.isfinite(ratio) or ratio < SAGITTAL_MAX_WIDTH_RATIO:
        view: ViewName = "sagittal"
    elif ratio < FRONTAL_MIN_WIDTH_RATIO or yaw > OBLIQUE_MIN_YAW_DEG:
        view = "oblique"
    else:
        view = "frontal"
    return ViewEstimate(view, ratio, yaw)


def segment_reps(t: Array, depth: Array, min_depth_pct: float = REP_MIN_DEPTH_PCT,
                 min_period_s: float = 0.8, return_frac: float = 0.1) -> list[RepWindow]:
    """Repetitions in a depth signal (% leg length, + = lower).

    A rep is a peak at least ``min_depth_pct`` deep (prominence) and ``min_period_s`` from
    the next, with both its descent and its ascent in the clip. It starts where the descent
    leaves ``return_frac`` of the peak depth (or at the shallowest point since the previous
    rep) and ends where the ascent comes back to it.
    """
    ok = np.isfinite(depth)
    if ok.sum() < 3:
        return []
    d = np.interp(t, t[ok], depth[ok])  # holds the edge values outside the measured stretch
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    # pad with the standing level so a rep at the clip's very start or end is still a peak
    padded = np.concatenate(([0.0], d, [0.0]))
    peaks, _ = find_peaks(padded, prominence=min_depth_pct,
                          distance=max(1, int(round(min_period_s / dt))))
    peaks = peaks - 1
    peaks = peaks[(peaks >= 0) & (peaks < len(d))]
    reps = []
    for i, p in enumerate(peaks):
        lo = peaks[i - 1] if i > 0 else 0
        hi = peaks[i + 1] if i + 1 < len(peaks) else len(d) - 1
        left_min = lo + int(np.argmin(d[lo:p + 1]))
        right_min = p + int(np.argmin(d[p:hi + 1]))
        level = return_frac * d[p]
        start = p
        while start > left_min and d[start - 1] > level:
            start -= 1
        end = p
        while end < right_min and d[end + 1] > level:
            end += 1
        start = max(start - 1, left_min)
        end = min(end + 1, right_min)
        if max(d[start], d[end]) > 0.5 * d[p]:
            continue  # only half a rep was filmed (the clip starts or ends near the bottom)
        reps.append(RepWindow(int(start), int(p), int(end)))
    return reps


def reps_from_windows(t: Array, depth: Array,
                      windows: list[tuple[float, float]]) -> list[RepWindow]:
    """Reps given by the user as time windows; the deepest point is found in each."""
    reps = []
    for a, b in windows:
        idx = np.flatnonzero((t >= a) & (t <= b))
        if len(idx) < 2:
            continue
        seg = np.nan_to_num(depth[idx], nan=-np.inf)
        reps.append(RepWindow(int(idx[0]), int(idx[np.argmax(seg)]), int(idx[-1])))
    return reps


def stance_leg(k: Kinematics, rep: RepWindow, length_px: float,
               min_lift: float = STANCE_MIN_LIFT) -> Side | None:
    """The leg on the ground in a single-leg rep: its ankle is lower in the image.

    None if neither ankle is clearly (``min_lift`` leg lengths) above the other.
    """
    sl = slice(rep.start, rep.end + 1)
    lift = nanmedian(k.ankle_y["left"][sl] - k.ankle_y["right"][sl]) / length_px
    if not np.isfinite(lift) or abs(lift) < min_lift:
        return None
    return "left" if lift > 0 else "right"


def free_foot_down(k: Kinematics, rep: RepWindow, stance: Side, length_px: float,
                   threshold: float = 0.03, min_s: float = 0.15) -> bool:
    """True if the free foot comes down to the stance foot's level for at least ``min_s``."""
    free: Side = "right" if stance == "left" else "left"
    sl = slice(rep.start, rep.end + 1)
    lift = (k.ankle_y[stance][sl] - k.ankle_y[free][sl]) / length_px
    down = np.nan_to_num(lift, nan=1.0) < threshold
    t = k.t[sl]
    return any(t[b - 1] - t[a] >= min_s for a, b in runs(down))
