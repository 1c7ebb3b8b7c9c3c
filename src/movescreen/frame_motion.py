"""Per-picture measurements taken while decoding: camera motion and repeated pictures.

Landmarks are in image pixels, so a moving camera moves every landmark, and a clip that
repeats each picture several times has fewer distinct moments than frames. Both need the
pixels, so :class:`MotionMeter` measures them frame by frame during decoding on a small grey
copy of the picture (~320 px wide):

- the background's shift from the previous picture: sparse Lucas-Kanade flow of corners
  outside the person's box, summarised by the median displacement (robust to the few points
  that land on the person or on moving things) and the points' median deviation from it (a
  pan or tilt moves every background point alike: small deviation; a zoom, a rotation or a
  camera that moves through a scene with depth does not);
- how much the picture changed: mean absolute grey-level difference from the previous one,
  over the person's (widened) box when it is known.

The analysis functions below (pure, on the saved per-frame arrays) turn these into the clip's
effective picture rate and a ground-fixed camera path.
"""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

WORK_WIDTH = 320  # px: the grey copy every measurement is made on
COLUMNS = ("dx", "dy", "spread", "change")  # per-frame values, in this order
DX, DY, SPREAD, CHANGE = range(4)
MIN_POINTS = 12  # background corners needed for a shift estimate
BOX_MARGIN = 0.15  # the person's box is widened by this fraction before it is masked out
# near-duplicates: a picture that changed less than this fraction of the second-largest change
# in the frames around it, while that change is well above the clip's noise floor
DUPLICATE_RATIO = 0.25
DUPLICATE_WINDOW = 4  # frames either side (catches each picture repeated up to 8 times)
MOVING_OVER_FLOOR = 3.0  # a stretch "moves" where its largest change is this x the floor
MIN_DUPLICATE_SHARE = 0.1  # below this share, isolated low changes are motion, not repeats


@dataclass
class MotionMeter:
    """Measures each decoded picture against the previous one (state: the previous picture)."""

    width: int
    height: int
    _prev: NDArray[np.uint8] | None = None
    _prev_box: tuple[float, float, float, float] | None = None

    @property
    def scale(self) -> float:
        """Frame pixels per working-picture pixel."""
        return max(self.width / WORK_WIDTH, 1.0)

    def measure(self, rgb: NDArray[np.uint8],
                box: tuple[float, float, float, float] | None) -> NDArray[np.float64]:
        """(dx, dy, spread, change) of this picture against the previous one; ``box`` is the
        person's (x0, y0, x1, y1) in frame pixels (None if unknown). The first picture gives
        zero shift and no change; unknown values are NaN."""
        grey = self._small_grey(rgb)
        out = np.array([0.0, 0.0, 0.0, np.nan]) if self._prev is None else self._compare(grey)
        self._prev, self._prev_box = grey, box if box is not None else self._prev_box
        return out

    def _small_grey(self, rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
        h, w = rgb.shape[:2]
        step = max(int(w // (2 * WORK_WIDTH)), 1)  # cheap decimation first, then area average
        if step > 1 and w % step == 0 and h % step == 0:
            # the same pixels as rgb[::step, ::step], 5x faster than numpy's strided copy
            sub = cv2.resize(rgb, (w // step, h // step), interpolation=cv2.INTER_NEAREST)
        else:
            sub = np.ascontiguousarray(rgb[::step, ::step])
        size = (WORK_WIDTH, max(int(round(h * WORK_WIDTH / w)), 1)) if w > WORK_WIDTH \
            else (sub.shape[1], sub.shape[0])
        small = cv2.resize(sub, size, interpolation=cv2.INTER_AREA)
        return cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (3, 3), 0)

    def _person_slices(self, margin: float) -> tuple[slice, slice] | None:
        """Rows and columns of the previous person box (widened) in the working picture."""
        if self._prev_box is None:
            return None
        x0, y0, x1, y1 = self._prev_box
        mx, my, s = margin * (x1 - x0), margin * (y1 - y0), self.scale
        rows = slice(max(int((y0 - my) / s), 0), max(int(np.ceil((y1 + my) / s)), 0))
        cols = slice(max(int((x0 - mx) / s), 0), max(int(np.ceil((x1 + mx) / s)), 0))
        return rows, cols

    def _compare(self, grey: NDArray[np.uint8]) -> NDArray[np.float64]:
        prev = self._prev
        assert prev is not None
        if grey.shape != prev.shape:
            return np.array([np.nan, np.nan, np.nan, np.nan])
        diff = cv2.absdiff(grey, prev)
        person = self._person_slices(BOX_MARGIN)
        # the change where the person is: a small person on a still background barely moves
        # the whole picture's mean
        region = diff[person] if person is not None and diff[person].size else diff
        change = float(np.mean(region))
        mask = np.full(prev.shape, 255, np.uint8)
        if person is not None:
            mask[person] = 0
        pts = cv2.goodFeaturesToTrack(prev, maxCorners=120, qualityLevel=0.01, minDistance=7,
                                      mask=mask)
        if pts is None or len(pts) < MIN_POINTS:
            return np.array([np.nan, np.nan, np.nan, change])
        nxt, status, _ = cv2.calcOpticalFlowPyrLK(prev, grey, pts, None, winSize=(15, 15),
                                                  maxLevel=3)
        ok = status.ravel() == 1
        if ok.sum() < MIN_POINTS:
            return np.array([np.nan, np.nan, np.nan, change])
        d = (nxt[ok] - pts[ok]).reshape(-1, 2).astype(np.float64)
        shift = np.median(d, axis=0)
        spread = float(np.median(np.hypot(*(d - shift).T)))
        s = self.scale
        return np.array([shift[0] * s, shift[1] * s, spread * s, change])


def _moving(change: Array) -> tuple[NDArray[np.bool_], Array] | None:
    """Frames in stretches that move well above the clip's noise floor (its 10th percentile
    of change), and the reference change around each frame; None for too short a clip."""
    c = np.asarray(change, dtype=np.float64)
    finite = c[np.isfinite(c)]
    if len(finite) < 2 * DUPLICATE_WINDOW + 1:
        return None
    floor = max(float(np.percentile(finite, 10)), 0.05)
    # a glitch (a picture that jumps, and jumps back) must not set its neighbours' reference
    capped = np.minimum(np.nan_to_num(c, nan=0.0), float(np.percentile(finite, 95)))
    local = _second_largest(capped, DUPLICATE_WINDOW)
    return local > MOVING_OVER_FLOOR * floor, local


def _second_largest(x: Array, half: int) -> Array:
    """Per sample, the second-largest value within ``half`` samples either side."""
    padded = np.pad(x, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    return np.partition(windows, -2, axis=1)[:, -2]


def near_duplicates(change: Array) -> NDArray[np.bool_]:
    """Frames whose picture repeats the previous one up to compression noise.

    Bit-equality misses re-encoded repeats, and a fixed threshold confuses a still scene with
    a repeat. So a frame is a repeat when it changed less than ``DUPLICATE_RATIO`` of the
    second-largest change within ``DUPLICATE_WINDOW`` frames, in stretches where that largest change
    stands well above the clip's noise floor. In still stretches nothing can be told; there
    the share of repeats found in moving stretches is assumed (see :func:`effective_rate`).
    """
    c = np.asarray(change, dtype=np.float64)
    found = _moving(c)
    if found is None:
        return np.zeros(len(c), dtype=bool)
    moving, local = found
    return moving & (np.nan_to_num(c, nan=np.inf) < DUPLICATE_RATIO * local)


def repeat_share(change: Array) -> float | None:
    """Share of frames that repeat the previous picture, from the moving stretches (None if
    the clip never moves enough to tell); shares below ``MIN_DUPLICATE_SHARE`` count as 0."""
    found = _moving(change)
    if found is None or found[0].sum() < 2 * DUPLICATE_WINDOW + 1:
        return None
    share = float(near_duplicates(change)[found[0]].mean())
    return share if share >= MIN_DUPLICATE_SHARE else 0.0


def effective_rate(fps_measured: float, change: Array) -> tuple[float, int] | None:
    """(distinct pictures per second, repeated frames) of a clip, or None if unknown."""
    share = repeat_share(change)
    if share is None:
        return None
    return fps_measured * (1.0 - share), int(round(share * len(change)))


@dataclass(frozen=True)
class CameraPath:
    """Where a ground-fixed point of the first picture appears in each later one."""

    offset: Array  # (T, 2) px, cumulative background shift; NaN rows never happen
    measured: float  # share of frames with a shift estimate
    travel_px: float  # largest distance of the picture from where it started
    spread_px: float  # median disagreement of the background points in moving frames

    def moved(self, limit_px: float) -> bool:
        return self.travel_px > limit_px

    def simple(self, max_spread_px: float, min_measured: float) -> bool:
        """A pan or tilt that moves the whole background alike (compensable)."""
        return self.measured >= min_measured and self.spread_px <= max_spread_px


def camera_path(motion: Array) -> CameraPath | None:
    """The cumulative background shift of a clip from its per-frame (dx, dy, spread, change);
    None if no frame could be measured (e.g. a plain background)."""
    m = np.asarray(motion, dtype=np.float64)
    known = np.isfinite(m[:, DX]) & np.isfinite(m[:, DY])
    if known.sum() < 2:
        return None
    step = np.where(known[:, None], m[:, [DX, DY]], 0.0)
    offset = np.cumsum(step, axis=0)
    travel = float(np.max(np.hypot(*(offset - offset[0]).T)))
    moving = known & (np.hypot(m[:, DX], m[:, DY]) > 0.5)
    spread = float(np.nanmedian(m[moving, SPREAD])) if moving.sum() else 0.0
    return CameraPath(offset, float(known.mean()), travel, spread)
