"""Preview numbers of one frame: knee FPPA, pelvic drop and depth, with an online rep counter.

The angles use the same formulas (:mod:`movescreen.geometry`, leg frames, signs of
docs/metrics.md) as the offline screens, and the colour thresholds are the rules' limits (as
in the summary and report); the counter mirrors the offline rep segmentation's depth
threshold. These numbers are only a preview: the results come from the offline analysis of
the recorded clip.
"""

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .. import geometry as g
from ..catalog import Sex
from ..events import REP_MIN_DEPTH_PCT
from ..landmarks import LEGS, SIDES, Side, other

if TYPE_CHECKING:
    from ..rules.limits import Limit

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Angles:
    """One frame's angles per leg (degrees, NaN when not measurable)."""

    fppa: dict[Side, float]  # + = valgus
    pelvis: dict[Side, float]  # hip line in that leg's frame, + = the other side lower
    hip_y: float  # image y of the mid-hip (pixels, down)
    leg_length_px: float  # the longer hip-ankle distance


def frame_angles(xy: Array) -> Angles:
    """Angles of one frame's landmarks (33, 2) in pixels."""
    lh, rh = xy[LEGS["left"].hip], xy[LEGS["right"].hip]
    fppa: dict[Side, float] = {}
    pelvis: dict[Side, float] = {}
    for s in SIDES:
        leg = LEGS[s]
        sign = g.medial_sign(xy[leg.hip][None], xy[LEGS[other(s)].hip][None])
        hip, knee, ankle = (g.to_leg_frame(xy[i], sign) for i in (leg.hip, leg.knee, leg.ankle))
        fppa[s] = float(g.fppa(hip, knee, ankle))
        pelvis[s] = float(g.pelvic_obliquity(hip, g.to_leg_frame(xy[LEGS[other(s)].hip], sign)))
    lengths = [float(g.distance(xy[LEGS[s].hip], xy[LEGS[s].ankle])) for s in SIDES]
    finite = [v for v in lengths if np.isfinite(v)]
    return Angles(fppa, pelvis, float((lh[1] + rh[1]) / 2), max(finite) if finite else np.nan)


@dataclass(frozen=True)
class Norms:
    """Colour thresholds: the single-leg squat limits of the rules in force for the athlete's
    sex (:mod:`movescreen.rules.limits`, the same numbers as the summary, report and plan)."""

    fppa: "Limit | None"
    pelvic_drop: "Limit | None"

    @classmethod
    def from_rules(cls, rules: Path | None = None, sex: Sex = "unknown") -> "Norms":
        from ..rules.limits import load_limits

        limits = load_limits(rules, sex)
        return cls(limits.get("single-leg-squat", "fppa_peak_deg"),
                   limits.get("single-leg-squat", "pelvic_drop_deg"))


@dataclass(frozen=True)
class Live:
    """What the overlay shows for one frame."""

    fppa: dict[Side, float]
    pelvic_drop: float  # of the stance side against its standing level; NaN if unknown
    depth_pct: float
    reps: int
    fppa_flag: dict[Side, bool | None]
    drop_flag: bool | None


@dataclass
class RepCounter:
    """Online depth tracking and rep counting for one set.

    Standing is taken as the offline screens take it (:func:`movescreen.events.find_standing`):
    the hips' highest level (5th percentile of their image y) and the longest legs (90th
    percentile of hip-ankle length), here over the recent pictures of the set. A rep is
    counted when the hips go at least ``min_depth_pct`` of leg length below standing and
    come back within half that.
    """

    stance: Side | None
    norms: Norms
    min_depth_pct: float = REP_MIN_DEPTH_PCT
    history: int = 600  # pictures (about 20 s at 30 fps)
    reps: int = 0
    _hip_y: deque = field(default_factory=deque)
    _length: deque = field(default_factory=deque)
    _down: bool = False
    _standing_pelvis: deque = field(default_factory=lambda: deque(maxlen=30))

    def _remember(self, q: deque, value: float) -> None:
        if np.isfinite(value):
            q.append(value)
            if len(q) > self.history:
                q.popleft()

    def update(self, a: Angles) -> Live:
        self._remember(self._hip_y, a.hip_y)
        self._remember(self._length, a.leg_length_px)
        depth = np.nan
        if self._hip_y and self._length and np.isfinite(a.hip_y):
            top = float(np.percentile(self._hip_y, 5))
            length = float(np.percentile(self._length, 90))
            depth = (a.hip_y - top) / length * 100.0 if length > 0 else np.nan
        if np.isfinite(depth):
            if not self._down and depth >= self.min_depth_pct:
                self._down = True
            elif self._down and depth <= self.min_depth_pct / 2:
                self._down = False
                self.reps += 1
        drop = np.nan
        if self.stance is not None:
            ob = a.pelvis[self.stance]
            if np.isfinite(ob) and np.isfinite(depth) and depth <= self.min_depth_pct / 2:
                self._standing_pelvis.append(ob)
            if np.isfinite(ob) and self._standing_pelvis:
                drop = ob - float(np.median(self._standing_pelvis))
        return Live(
            fppa=a.fppa, pelvic_drop=drop, depth_pct=depth, reps=self.reps,
            fppa_flag={s: _flag(self.norms.fppa, a.fppa[s]) for s in SIDES},
            drop_flag=_flag(self.norms.pelvic_drop, drop))


def _flag(limit: "Limit | None", value: float) -> bool | None:
    return limit.flagged(value) if limit is not None and np.isfinite(value) else None
