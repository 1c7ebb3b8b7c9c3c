"""Take-off, flight and initial contact from the feet's trajectory on the real time base.

The signal is the lowest foot point of either foot (largest image y): it only rises when
*every* foot that was on the ground leaves it, so walking or a single-leg stance never reads
as flight, while a single-leg hop (free foot already up) does. A flight is a rise of that
signal well above the ground level on both sides of it; the ground level is taken locally
(before take-off and after landing), so a person hopping toward or away from the camera, or
dropping off a box, is handled. Take-off and contact are timed to a fraction of a frame by
fitting a parabola to the airborne samples (ballistic flight) and solving for ground level.
"""

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import minimum_filter1d

from .landmarks import Side
from .signals import nanmax_columns, runs

Array = NDArray[np.float64]

G = 9.81  # m/s^2
MIN_CLEARANCE = 0.05  # leg lengths: the feet must rise this far for a flight
AIRBORNE = 0.025  # leg lengths above local ground = off the ground
MIN_FLIGHT_S = 0.06
STILL_SPEED = 0.4  # leg lengths per second: a foot on the ground moves less than this
MIN_CONTACT_S = 0.06  # a foot must stand still this long to count as on the ground
GROUND_WINDOW_S = 0.5  # the ground level is the foot's lowest point within this of a frame
MIN_RELOCATION = 0.12  # leg lengths: a standing foot that moves this far has hopped


@dataclass(frozen=True)
class Flight:
    """One flight: take-off and initial contact (seconds, sub-frame), their frames, levels."""

    t_takeoff: float
    t_contact: float
    i_takeoff: int  # last frame on the ground before the flight
    i_contact: int  # first frame on the ground after it
    apex: int
    clearance: float  # peak foot clearance, leg lengths
    drop: float  # ground before minus ground after, leg lengths (+ = landed lower: a drop)
    fitted: bool  # timed by the parabola fit (else by threshold crossings)

    @property
    def flight_time(self) -> float:
        return self.t_contact - self.t_takeoff


def lowest_foot(foot_low_y: dict[Side, Array]) -> Array:
    """Per frame, the lower (larger image y) of the two feet; NaN if neither is known."""
    return nanmax_columns(np.column_stack((foot_low_y["left"], foot_low_y["right"])))


def _crossing(t: Array, c: Array, i0: int, i1: int, level: float) -> float:
    """Time where c crosses ``level`` between samples i0 and i1 (linear)."""
    c0, c1 = c[i0], c[i1]
    if c1 == c0:
        return float(t[i0])
    w = float(np.clip((level - c0) / (c1 - c0), 0.0, 1.0))
    return float(t[i0] + w * (t[i1] - t[i0]))


def foot_speed(t: Array, y: Array, x: Array, leg_length_px: float) -> Array:
    """Speed of a foot point in leg lengths per second (NaN gaps bridged)."""
    ok = np.isfinite(y) & np.isfinite(x)
    if ok.sum() < 2:
        return np.full(len(t), np.nan)
    yy = np.interp(t, t[ok], y[ok]) / leg_length_px
    xx = np.interp(t, t[ok], x[ok]) / leg_length_px
    return np.hypot(np.gradient(yy, t), np.gradient(xx, t))


def hopping_foot(t: Array, foot_low_y: dict[Side, Array], foot_x: dict[Side, Array],
                 leg_length_px: float) -> Side:
    """The foot that stands still more often: in single-leg hopping, the one on the ground."""
    still = {s: float(np.mean(foot_speed(t, foot_low_y[s], foot_x[s], leg_length_px)
                              < STILL_SPEED)) for s in ("left", "right")}
    return "left" if still["left"] >= still["right"] else "right"


def free_fall(t: Array, hip_y: Array, px_per_m: float) -> NDArray[np.bool_]:
    """Frames in which the hips fall with at least half of gravity's acceleration (airborne)
    for at least ``MIN_FLIGHT_S``.

    ``hip_y`` is the mid-hip's image y (down) in pixels; ``px_per_m`` converts to metres.
    """
    ok = np.isfinite(hip_y)
    if ok.sum() < 5 or not np.isfinite(px_per_m) or px_per_m <= 0:
        return np.zeros(len(t), dtype=bool)
    y = np.interp(t, t[ok], hip_y[ok]) / px_per_m
    acc = np.gradient(np.gradient(y, t), t)  # m/s^2, + = accelerating downward
    # a free fall lasts a flight; shorter bursts are the jitter of a small person's hips,
    # which a second derivative amplifies to several g
    falling = acc > 0.5 * G
    # ... while jitter also breaks a real fall up: gaps shorter than a flight are closed first
    for a, b in runs(~falling):
        if a > 0 and b < len(t) and t[b] - t[a - 1] < MIN_FLIGHT_S:
            falling[a:b] = True
    out = np.zeros(len(t), dtype=bool)
    for a, b in runs(falling):
        if t[b - 1] - t[a] >= MIN_FLIGHT_S:
            out[a:b] = True
    return out


# per unit of the filtered foot's jitter (robust SD, leg lengths): how far the thresholds
# must stand above it. The ground (the foot's 1 s minimum) sits ~2.3 SDs low, so a foot on
# the ground reads up to ~3.5 SDs above it; a spurious rise between two contacts stays below
# ~5; band-limited jitter moves at ~2 pi fc / sqrt(3) SDs per second [derived for white
# jitter; checked on synthetic landings at 30-120 fps]
AIRBORNE_PER_NOISE = 4.7
CLEARANCE_PER_NOISE = 6.3
STILL_SPEED_MARGIN = 1.1


@dataclass(frozen=True)
class ContactLimits:
    """The thresholds of :func:`detect_flights` for a foot signal of a given jitter."""

    airborne: float = AIRBORNE
    clearance: float = MIN_CLEARANCE
    still_speed: float = STILL_SPEED

    @classmethod
    def for_noise(cls, raw_noise: float, fps: float, cutoff_hz: float | None) -> "ContactLimits":
        """Each threshold at least its multiple of the jitter left after the low-pass filter
        (``raw_noise``: the unfiltered foot's jitter, leg lengths)."""
        if not np.isfinite(raw_noise) or raw_noise <= 0 or not np.isfinite(fps) or fps <= 0:
            return cls()
        band = fps / 2 if cutoff_hz is None else min(cutoff_hz, fps / 2)
        noise = raw_noise * np.sqrt(band / (fps / 2))  # white jitter through the filter
        speed = STILL_SPEED_MARGIN * 2 * np.pi * band / np.sqrt(3) * noise
        return cls(max(AIRBORNE, AIRBORNE_PER_NOISE * noise),
                   max(MIN_CLEARANCE, CLEARANCE_PER_NOISE * noise),
                   max(STILL_SPEED, float(speed)))


def foot_noise(h: Array, raw: Array | None) -> float:
    """Robust SD of the unfiltered foot height about the filtered one (leg lengths; 0 when
    there is no unfiltered signal)."""
    if raw is None:
        return 0.0
    d = raw - h
    d = d[np.isfinite(d)]
    return float(1.4826 * np.median(np.abs(d - np.median(d)))) if len(d) >= 5 else 0.0


def detect_flights(t: Array, foot_y: Array, foot_x: Array, leg_length_px: float,
                   airborne: NDArray[np.bool_] | None = None,
                   raw_foot_y: Array | None = None, cutoff_hz: float | None = None
                   ) -> list[Flight]:
    """Every flight phase of one foot trajectory (image pixels), in time order.

    Pass the hopping foot for single-leg hops, or :func:`lowest_foot` for two-footed jumps,
    and :func:`free_fall` as ``airborne``: a foot that hangs still at the top of a jump while
    the body is in free fall is not on the ground. ``raw_foot_y`` (unfiltered) is used for the
    ballistic fit, whose least squares average the jitter without the filter's rounding of
    take-off and landing.
    A stance foot that stands still in two different places has hopped in between, even when
    the picture shows no rise.
    The thresholds rise above their defaults with the foot's jitter (the unfiltered foot
    about the filtered one; ``cutoff_hz``: the low-pass ``foot_y`` went through).
    Ground contacts are where the foot stands still; a flight is the stretch between two
    contacts in which it rises at least ``MIN_CLEARANCE`` above the straight line joining the
    two contact levels (hopping toward or away from the camera moves the ground up or down in
    the picture; this neither hides nor fakes a flight).
    """
    ok = np.isfinite(foot_y)
    if ok.sum() < 5:
        return []
    h = -np.interp(t, t[ok], foot_y[ok]) / leg_length_px  # foot height, leg lengths
    raw = None
    if raw_foot_y is not None and np.isfinite(raw_foot_y).sum() >= 5:
        rok = np.isfinite(raw_foot_y)
        raw = -np.interp(t, t[rok], raw_foot_y[rok]) / leg_length_px
    frame = float(np.median(np.diff(t)))
    ground = minimum_filter1d(h, size=2 * int(round(GROUND_WINDOW_S / frame)) + 1,
                              mode="nearest")
    # a small or distant person's foot landmark jitters by a sizeable part of a leg length:
    # the thresholds rise with the measured jitter, never below their values for a sharp foot
    lim = ContactLimits.for_noise(foot_noise(h, raw), 1.0 / frame, cutoff_hz)
    # on the ground: standing still, or down at the lowest level around (a landing foot that
    # rolls from heel to toe is not still, but it is low); never while the body free-falls
    speed = foot_speed(t, foot_y, foot_x, leg_length_px)
    still = (speed < lim.still_speed) | (h - ground < lim.airborne)
    if airborne is not None:
        still &= ~airborne
    contacts = [(a, b) for a, b in runs(still) if (b - a) * frame >= MIN_CONTACT_S]
    xok = np.isfinite(foot_x)
    xs = np.interp(t, t[xok], foot_x[xok]) if xok.sum() >= 2 else np.zeros(len(t))
    flights = []
    for (s1, e1), (s2, e2) in pairwise(contacts):
        a, b = e1 - 1, s2  # last ground frame before, first ground frame after
        if t[b] - t[a] < MIN_FLIGHT_S:
            continue
        # the ground under each contact: where the foot stands during it (median: robust)
        g0, g1 = float(np.median(h[s1:e1])), float(np.median(h[s2:e2]))
        base = np.interp(t[a:b + 1], [t[a], t[b]], [g0, g1])
        c = h[a:b + 1] - base
        c_fit = c if raw is None else raw[a:b + 1] - base
        moved = float(np.hypot(g1 - g0, (xs[b] - xs[a]) / leg_length_px))
        if c.max() >= lim.clearance:
            t_to, t_ic, fitted = _fit_times(t[a:b + 1], c, c_fit, lim.airborne)
        elif moved >= MIN_RELOCATION:
            # the standing foot moved to a new spot: it must have left the ground, even if
            # the picture shows no rise (a hop toward the camera); timed from stillness
            t_to, t_ic, fitted = float(t[a]), float(t[b]), False
        else:
            continue
        if t_ic - t_to < MIN_FLIGHT_S:
            continue
        flights.append(Flight(t_to, t_ic, a, b, a + int(np.argmax(c)), float(c.max()),
                              g0 - g1, fitted))
    return flights


def _fit_times(tt: Array, c: Array, c_fit: Array | None = None, airborne: float = AIRBORNE
               ) -> tuple[float, float, bool]:
    """Take-off and contact times from the clearance ``c`` over one flight window.

    A parabola through the upper part of the flight (clearance above a quarter of its peak,
    away from the take-off and landing, where filtering and toe-off bend the curve), solved
    for zero clearance. If that is not possible (too few samples, not ballistic), the
    threshold crossings are extrapolated to zero.
    """
    air = c > airborne
    first, last = int(np.argmax(air)), len(c) - 1 - int(np.argmax(air[::-1]))
    lo_t = _crossing(tt, c, first - 1, first, 0.0) if first > 0 else float(tt[0])
    hi_t = _crossing(tt, c, last, last + 1, 0.0) if last + 1 < len(c) else float(tt[-1])
    upper = c > max(airborne, 0.25 * float(c.max()))
    if upper.sum() >= 4:
        coef = np.polyfit(tt[upper], (c if c_fit is None else c_fit)[upper], 2)
        roots = np.roots(coef)
        frame = float(np.median(np.diff(tt)))
        slack = max(1.5 * frame, 0.03)
        if coef[0] < 0 and np.all(np.isreal(roots)):
            r0, r1 = sorted(float(np.real(r)) for r in roots)
            if abs(r0 - lo_t) <= slack and abs(r1 - hi_t) <= slack:
                return r0, r1, True
    return lo_t, hi_t, False


def feet_down(foot_low_y: dict[Side, Array], i0: int, i1: int, leg_length_px: float,
              tol: float = 0.08) -> Side | str | None:
    """Which feet are on the ground over frames [i0, i1): 'left', 'right', 'both' or None.

    A foot is down when it is within ``tol`` leg lengths of the lower foot.
    """
    lowest = lowest_foot(foot_low_y)[i0:i1]
    down = {}
    for side in ("left", "right"):
        y = foot_low_y[side][i0:i1]
        valid = np.isfinite(y) & np.isfinite(lowest)
        if not valid.any():
            down[side] = False
            continue
        down[side] = bool(np.mean((lowest[valid] - y[valid]) / leg_length_px < tol) >= 0.5)
    if down["left"] and down["right"]:
        return "both"
    return "left" if down["left"] else "right" if down["right"] else None
