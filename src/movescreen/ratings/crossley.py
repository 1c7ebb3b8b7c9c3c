"""Crossley 2011 single-leg squat rating: five criteria graded good / fair / poor per leg.

Each criterion looks at the metrics that see it (medians over the leg's used reps), grades each
against the ``crossley_*`` thresholds of the rules files, and takes the worst. Every metric
looked at gives one reason line; a criterion without any measured metric is not rated.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ..results import Criterion, CrossleyRating, ScreenResult
from .grades import Grade, grade, worst

Values = Mapping[str, float | None]
CRITERIA = {"overall_impression": "Overall impression", "trunk_posture": "Trunk posture",
            "pelvis_in_space": "Pelvis in space", "hip_joint": "Hip joint",
            "knee_joint": "Knee joint"}
NOT_SEEN = {"trunk_posture": "trunk rotation is not measured from one camera",
            "pelvis_in_space": "pelvic shift and rotation are not measured in this screen",
            "hip_joint": "hip internal rotation is not measured on its own from one camera"}


@dataclass(frozen=True)
class Check:
    """One metric of one criterion: how to grade it and how to say it."""

    metric: str
    name: str  # what it is, in words
    fair: str  # threshold names
    poor: str
    worse: Literal["higher", "lower"]
    says: str  # "{v}" is replaced by the value


_CHECK_ROWS = (  # criterion, metric, name, fair, poor (threshold names), worse, says
    ("overall_impression", "tempo_s", "tempo", "crossley_tempo_fair_s",
     "crossley_tempo_poor_s", "lower", "faster phase (down or up) took {v:.1f} s"),
    ("trunk_posture", "trunk_lean_deg", "trunk lean", "crossley_trunk_fair",
     "crossley_trunk_poor", "higher", "trunk lean {v:+.0f}° (+ = toward the stance leg)"),
    ("pelvis_in_space", "pelvic_drop_deg", "pelvic drop", "crossley_pelvis_fair",
     "crossley_pelvis_poor", "higher", "pelvic drop {v:+.0f}° (+ = free-leg side lower)"),
    ("hip_joint", "fppa_change_deg", "knee inward movement from standing",
     "crossley_hip_fair", "crossley_hip_poor", "higher",
     "knee {v:+.0f}° further inward than when standing (a 2D sign of hip "
     "adduction / internal rotation)"),
    ("knee_joint", "fppa_peak_deg", "knee angle (FPPA)", "crossley_knee_fppa_fair",
     "crossley_knee_fppa_poor", "higher", "knee angle {v:+.0f}° (FPPA, + = inward)"),
    ("knee_joint", "knee_over_foot", "knee over the 2nd toe", "crossley_knee_over_foot_fair",
     "crossley_knee_over_foot_poor", "higher",
     "knee {v:+.2f} leg lengths from the 2nd toe (+ = inside)"),
    ("knee_joint", "knee_flexion_est_deg", "squat depth", "crossley_depth_fair_deg",
     "crossley_depth_poor_deg", "lower", "squat depth {v:.0f}° knee flexion (estimate)"),
)
CHECKS: dict[str, tuple[Check, ...]] = {
    key: tuple(Check(*row[1:]) for row in _CHECK_ROWS if row[0] == key)  # type: ignore[arg-type]
    for key in CRITERIA
}
DEPTH_FALLBACK = Check("depth_pct", "hip drop", "crossley_depth_fair_pct",
                       "crossley_depth_poor_pct", "lower", "hip drop {v:.0f}% of leg length")


def _limits(c: Check, t: Mapping[str, float]) -> str:
    word = "above" if c.worse == "higher" else "under"
    unit = "°" if c.metric.endswith("_deg") else " s" if c.metric.endswith("_s") else (
        "%" if c.metric.endswith("_pct") else "")
    return f"fair {word} {t[c.fair]:g}{unit}, poor {word} {t[c.poor]:g}{unit}"


def _check(c: Check, values: Values, t: Mapping[str, float], why: Mapping[str, str]
           ) -> tuple[Grade | None, str]:
    v = values.get(c.metric)
    if v is None:
        return None, f"{c.name}: {why.get(c.metric) or 'not measured'}"
    g = grade(v, t[c.fair], t[c.poor], c.worse)
    return g, f"{g}: {c.says.format(v=v)} ({_limits(c, t)})"


def _balance(lost: int | None, reps: int, t: Mapping[str, float]) -> tuple[Grade | None, str]:
    if lost is None:
        return None, "balance: not judged"
    g = grade(float(lost), t["crossley_balance_fair"] - 0.5, t["crossley_balance_poor"] - 0.5,
              "higher")
    return g, (f"{g}: free foot touched down in {lost} of {reps} reps (fair from "
               f"{t['crossley_balance_fair']:g}, poor from {t['crossley_balance_poor']:g})")


def rate_leg(values: Values, balance_lost: int | None, reps_used: int,
             t: Mapping[str, float], why: Mapping[str, str] | None = None) -> CrossleyRating:
    """The five criteria of one leg from its medians, reps with balance lost, reps used;
    ``why`` says why a metric has no value."""
    why = why or {}
    if reps_used == 0:
        crit = {k: Criterion(label=lab, rating=None, reasons=["no usable rep on this leg"])
                for k, lab in CRITERIA.items()}
        return CrossleyRating(reps_used=0, overall=None, criteria=crit)
    crit = {}
    for key, label in CRITERIA.items():
        checks = list(CHECKS[key])
        if key == "knee_joint" and values.get("knee_flexion_est_deg") is None:
            checks[-1] = DEPTH_FALLBACK
        found = [_check(c, values, t, why) for c in checks]
        if key == "overall_impression":
            found.insert(0, _balance(balance_lost, reps_used, t))
        if key in NOT_SEEN:
            found.append((None, NOT_SEEN[key]))
        rating = worst(g for g, _ in found)
        reasons = [r for _, r in found]
        if rating is None:
            reasons.append("not rated: none of its measures has a value")
        crit[key] = Criterion(label=label, rating=rating, reasons=reasons)
    return CrossleyRating(reps_used=reps_used, overall=worst(c.rating for c in crit.values()),
                          criteria=crit)


def leg_values(result: ScreenResult, side: str
               ) -> tuple[dict[str, float | None], dict[str, str], int | None]:
    """A leg's medians (plus the faster tempo phase), why any is missing, and its reps with
    balance lost."""
    leg = result.legs[side]  # type: ignore[index]
    values = {k: m.median for k, m in leg.metrics.items()}
    why = {k: m.reason for k, m in leg.metrics.items() if m.reason}
    phases = [v for v in (values.get("descent_s"), values.get("ascent_s")) if v is not None]
    values["tempo_s"] = min(phases) if phases else None
    flags = [r.balance_lost for r in result.reps if r.leg == side and not r.excluded]
    known = [f for f in flags if f is not None]
    return values, why, (sum(known) if known else None)


def crossley(result: ScreenResult, t: Mapping[str, float]) -> dict[str, CrossleyRating]:
    """Both legs' ratings of a single-leg squat result (empty for other tests)."""
    if result.test != "single-leg-squat":
        return {}
    out = {}
    for side, leg in result.legs.items():
        values, why, lost = leg_values(result, side)
        out[side] = rate_leg(values, lost, leg.reps_used, t, why)
    return out
