"""Signal conditioning on the decoder's real time base: gaps, interpolation, zero-phase filter."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import butter, sosfiltfilt

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Gap:
    """A run of missing samples: indices [start, stop) and its time span."""

    start: int
    stop: int
    t_start: float
    t_end: float

    @property
    def duration(self) -> float:
        return self.t_end - self.t_start


def nanmedian(x: Array) -> float:
    """Median of the finite values; NaN (without a warning) when there are none."""
    x = np.asarray(x, dtype=np.float64)
    return float(np.nanmedian(x)) if np.any(np.isfinite(x)) else float("nan")


def robust_sd(x: Array, min_count: int = 3) -> float:
    """Robust standard deviation (median absolute deviation x 1.4826) of the finite values;
    NaN when fewer than ``min_count`` are finite."""
    v = np.asarray(x, dtype=np.float64)
    v = v[np.isfinite(v)]
    if len(v) < min_count:
        return float("nan")
    return float(np.median(np.abs(v - np.median(v)))) * 1.4826


def nanmax_columns(x: Array) -> Array:
    """Per row of ``x`` (T, k), the largest finite value; NaN (no warning) where none is."""
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape[0], np.nan)
    ok = np.any(np.isfinite(x), axis=1)
    out[ok] = np.nanmax(x[ok], axis=1)
    return out


def runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Index ranges [start, stop) where a 1-D boolean mask is True."""
    m = np.asarray(mask, dtype=bool)
    if m.size == 0:
        return []
    padded = np.concatenate(([False], m, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def find_gaps(t: Array, valid: NDArray[np.bool_]) -> list[Gap]:
    """Runs of invalid samples, timed from the last valid sample before to the first after."""
    gaps = []
    n = len(t)
    for a, b in runs(~np.asarray(valid, dtype=bool)):
        t0 = t[a - 1] if a > 0 else t[a]
        t1 = t[b] if b < n else t[b - 1]
        gaps.append(Gap(a, b, float(t0), float(t1)))
    return gaps


def fill_short_gaps(t: Array, x: Array, max_gap_s: float) -> tuple[Array, list[Gap]]:
    """Linearly interpolate (on ``t``) interior NaN runs no longer than ``max_gap_s``.

    ``x`` is (T,) or (T, k); a sample counts as missing if any of its columns is NaN.
    Returns the filled copy and the gaps left unfilled (long ones and those at the ends).
    """
    x = np.array(x, dtype=np.float64, copy=True)
    cols = x.reshape(len(t), -1)
    valid = np.all(np.isfinite(cols), axis=1)
    left = []
    n = len(t)
    for gap in find_gaps(t, valid):
        interior = gap.start > 0 and gap.stop < n
        if not interior or gap.duration > max_gap_s:
            left.append(gap)
            continue
        a, b = gap.start - 1, gap.stop
        for c in range(cols.shape[1]):
            cols[gap.start:gap.stop, c] = np.interp(
                t[gap.start:gap.stop], [t[a], t[b]], [cols[a, c], cols[b, c]]
            )
    return cols.reshape(x.shape), left


def lowpass(t: Array, x: Array, cutoff_hz: float, order: int = 4) -> Array:
    """Zero-phase Butterworth low-pass of ``x`` (T,) or (T, k) sampled at times ``t``.

    Each finite stretch is resampled to a uniform grid at its median frame interval, filtered
    forward and backward (no lag), and read back at the original times, so variable frame rate
    is honoured. The cutoff is capped at 80% of the Nyquist frequency; stretches too short for
    the filter are left as they are. NaNs stay NaN.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.array(x, copy=True)
    cols = out.reshape(len(t), -1)
    valid = np.all(np.isfinite(cols), axis=1)
    for a, b in runs(valid):
        tt = t[a:b]
        if b - a < 3:
            continue
        dt = float(np.median(np.diff(tt)))
        if dt <= 0:
            continue
        fs = 1.0 / dt
        wn = min(cutoff_hz, 0.4 * fs) / (fs / 2.0)
        sos = butter(order, wn, btype="low", output="sos")
        grid = np.linspace(tt[0], tt[-1], int(round((tt[-1] - tt[0]) / dt)) + 1)
        padlen = 3 * (2 * len(sos) + 1)
        if len(grid) <= padlen:
            continue
        for c in range(cols.shape[1]):
            seg = np.interp(grid, tt, cols[a:b, c])
            cols[a:b, c] = np.interp(tt, grid, sosfiltfilt(sos, seg))
    return cols.reshape(x.shape)
