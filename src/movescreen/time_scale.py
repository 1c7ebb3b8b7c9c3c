"""Is the clip in real time? Slow motion from the hips' apparent gravity in flight.

A phone's slow-motion clip (120-240 pictures per second) is often played, shared and
re-encoded at 30 per second: every duration is then N times too long, and every flight time
and jump height wrong by N and N^2. Gravity gives the time scale back: in flight the hips fall
with g = 9.81 m/s^2, so a clip whose hips fall with g' is slowed by N = sqrt(g / g').
"""

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from .pose.sequence import PoseSequence
from .results import ClipInfo, ScreenResult

Array = NDArray[np.float64]
G = 9.81
APEX_WINDOW_LL = 0.06  # leg lengths below the apex that the hips' parabola is fitted over
MIN_FOOT_CLEARANCE_LL = 0.1  # the feet must be clearly up: a jump, not a squat's plateau
MIN_SAMPLES = 5
MIN_FIT_R2 = 0.9
SLOW_BELOW = 0.45  # apparent gravity under this share of g: slowed >= 1.5x (flagged)
FAST_ABOVE = 2.2  # over this share: sped up >= 1.5x (flagged)


@dataclass(frozen=True)
class TimeScale:
    """Apparent gravity of the hips over the flights it could be measured in."""

    gravity: float  # m/s^2, median over flights
    flights: int

    @property
    def slowed_by(self) -> float:
        """How many times slower than real time the clip plays (1 = real time)."""
        return float(np.sqrt(G / self.gravity)) if self.gravity > 0 else float("inf")

    @property
    def real_time(self) -> bool:
        return SLOW_BELOW * G <= self.gravity <= FAST_ABOVE * G


def apparent_gravity(t: Array, hip_y: Array, foot_y: Array, leg_px: float,
                     px_per_m: float) -> TimeScale | None:
    """The hips' downward acceleration at the top of each flight (image y down, pixels).

    A flight apex is a peak of the hips' height at which the lowest foot is at least
    ``MIN_FOOT_CLEARANCE_LL`` above its clip-wide ground level; a parabola is fitted to the
    hips' height within ``APEX_WINDOW_LL`` of that apex (where only gravity acts). None if no
    apex gives a clean fit.
    """
    ok = np.isfinite(hip_y)
    fok = np.isfinite(foot_y)
    if ok.sum() < MIN_SAMPLES or fok.sum() < MIN_SAMPLES or not (leg_px > 0 and px_per_m > 0):
        return None
    height = -np.interp(t, t[ok], hip_y[ok]) / leg_px  # leg lengths, up
    foot = -np.interp(t, t[fok], foot_y[fok]) / leg_px
    ground = float(np.percentile(foot, 10))
    peaks, _ = find_peaks(height, prominence=2 * APEX_WINDOW_LL)
    found = []
    for p in peaks:
        if foot[p] - ground < MIN_FOOT_CLEARANCE_LL:
            continue
        lo = p
        while lo > 0 and height[lo - 1] > height[p] - APEX_WINDOW_LL:
            lo -= 1
        hi = p
        while hi < len(t) - 1 and height[hi + 1] > height[p] - APEX_WINDOW_LL:
            hi += 1
        tt, hh = t[lo:hi + 1], height[lo:hi + 1]
        if len(tt) < MIN_SAMPLES:
            continue
        coef = np.polyfit(tt - t[p], hh, 2)
        resid = hh - np.polyval(coef, tt - t[p])
        r2 = 1 - float(np.sum(resid ** 2)) / max(float(np.sum((hh - hh.mean()) ** 2)), 1e-12)
        if coef[0] < 0 and r2 >= MIN_FIT_R2:
            found.append(-2 * coef[0] * leg_px / px_per_m)
    if not found:
        return None
    return TimeScale(float(np.median(found)), len(found))


def real_time(seq: PoseSequence, slowed_by: float) -> PoseSequence:
    """``seq`` on the real time base of a clip played ``slowed_by`` times slower."""
    c = seq.clip
    clip = c.model_copy(update={
        "duration_s": c.duration_s / slowed_by, "fps_measured": c.fps_measured * slowed_by,
        "fps_effective": c.fps_effective * slowed_by})
    return replace(seq, t=seq.t / slowed_by, clip=clip)


def in_video_time(result: ScreenResult, slowed_by: float, clip: ClipInfo) -> ScreenResult:
    """A result computed on the real time base, with every *moment* back in the video's time
    (so the user and the report find them in the clip); durations stay real. ``clip`` is the
    clip as decoded."""
    def moments(d: dict[str, float]) -> dict[str, float]:
        return {k: v * slowed_by for k, v in d.items()}

    reps = [r.model_copy(update={
        "t_start": r.t_start * slowed_by, "t_bottom": r.t_bottom * slowed_by,
        "t_end": r.t_end * slowed_by, "events": moments(r.events), "at_t": moments(r.at_t)})
        for r in result.reps]

    def summaries(d: dict) -> dict:
        return {k: m.model_copy(update={"worst_t": None if m.worst_t is None
                                        else m.worst_t * slowed_by}) for k, m in d.items()}

    legs = {s: leg.model_copy(update={"metrics": summaries(leg.metrics)})
            for s, leg in result.legs.items()}
    st = result.standing
    return result.model_copy(update={
        "reps": reps, "legs": legs, "bilateral": summaries(result.bilateral),
        "standing": st.model_copy(update={"t_start": st.t_start * slowed_by,
                                          "t_end": st.t_end * slowed_by}),
        "gaps": [g.model_copy(update={"t_start": g.t_start * slowed_by,
                                      "t_end": g.t_end * slowed_by}) for g in result.gaps],
        "steps": [x.model_copy(update={"t_start": x.t_start * slowed_by,
                                       "t_end": x.t_end * slowed_by}) for x in result.steps],
        "clip": clip,
    })
