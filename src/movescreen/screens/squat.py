"""The double-leg squat screen: both knees' FPPA, knee separation, depth, pelvic shift."""

import numpy as np

from ..catalog import load_catalog
from ..conditioning import ConditioningOptions
from ..events import RepWindow
from ..landmarks import LEGS, LOWER_BODY, SIDES
from ..pose.sequence import PoseSequence
from ..results import Flag, Rep, ScreenResult
from ..signals import nanmedian
from .common import (
    FPPA_WINDOW_MAX_FLEXION,
    Overrides,
    Prepared,
    at_flexion,
    blank_unmeasurable,
    flexion_note,
    flexion_peak,
    gaps,
    leg_summary,
    observed_fraction,
    peak,
    prepare,
    standing_reference,
    summarise,
    version,
    view_info,
)
from .noise import standing_noise

LEG_METRICS = ("fppa_peak_deg", "fppa_bottom_deg", "fppa_at_45_deg", "fppa_at_60_deg",
               "knee_over_foot", "knee_flexion_est_deg")
BILATERAL_METRICS = ("depth_pct", "kasr_bottom", "pelvic_shift_pct", "descent_s", "ascent_s")
MIN_DEPTH_PCT = 10.0
MIN_OBSERVED = 0.5


def _per_leg(p: Prepared, w: RepWindow) -> dict:
    k, t = p.k, p.k.t
    out = {}
    for side in SIDES:
        flex = p.flexion[side].deg
        in_window = ~(flex > FPPA_WINDOW_MAX_FLEXION)
        bflex = flex[w.bottom]
        m: dict[str, float | None] = {
            "fppa_peak_deg": peak(k.fppa[side], t, w, in_window)[0],
            "fppa_bottom_deg": None if np.isfinite(bflex) and bflex > FPPA_WINDOW_MAX_FLEXION
            else _f(k.fppa[side][w.bottom]),
            "fppa_at_45_deg": at_flexion(k.fppa[side], flex, w, 45.0),
            "fppa_at_60_deg": at_flexion(k.fppa[side], flex, w, 60.0),
            "knee_over_foot": _f(k.knee_medial_of_foot_px[side][w.bottom]
                                 / p.standing.leg_length_px),
            "knee_flexion_est_deg": flexion_peak(p, side, w)[0],
        }
        blank_unmeasurable(p, m)
        out[side] = m
    return out


def _flexion_uncertainty(p: Prepared, w: RepWindow) -> dict[str, float]:
    """Each knee's flexion uncertainty at its deepest point, keyed '<side>.<metric>'."""
    out = {}
    for side in SIDES:
        unc = flexion_peak(p, side, w)[2]
        if unc is not None:
            out[f"{side}.knee_flexion_est_deg"] = unc
    return out


def _legs_seen(p: Prepared, w: RepWindow) -> float:
    """Share of the rep with the legs visible: both legs facing the camera; the near leg in a
    side view, where the far one is hidden behind it."""
    if p.view.view == "sagittal":
        return max(observed_fraction(p, w, (leg.hip, leg.knee, leg.ankle))
                   for leg in LEGS.values())
    return observed_fraction(p, w, LOWER_BODY)


def _f(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _bilateral(p: Prepared, w: RepWindow) -> dict[str, float | None]:
    k, b, length = p.k, w.bottom, p.standing.leg_length_px
    ankle_sep = abs(k.ankle_x["left"][b] - k.ankle_x["right"][b])
    knee_sep = abs(k.knee_x["left"][b] - k.knee_x["right"][b])
    toward_left = -k.medial_sign["left"]  # image x direction from the right hip to the left
    stand_x = nanmedian(k.mid_hip[p.standing.frames, 0])
    m: dict[str, float | None] = {
        "depth_pct": _f(p.depth[b]),
        "kasr_bottom": _f(knee_sep / ankle_sep) if ankle_sep > 1e-6 else None,
        "pelvic_shift_pct": _f((k.mid_hip[b, 0] - stand_x) * toward_left / length * 100.0),
        "descent_s": float(k.t[b] - k.t[w.start]),
        "ascent_s": float(k.t[w.end] - k.t[b]),
    }
    blank_unmeasurable(p, m)
    return m


def analyse(seq: PoseSequence, overrides: Overrides | None = None,
            options: ConditioningOptions | None = None,
            athlete_height_cm: float | None = None) -> ScreenResult:
    """Run the double-leg squat screen on a pose sequence."""
    ov = overrides or Overrides()
    p = prepare(seq, ov, options)
    reps = []
    for i, w in enumerate(p.reps, start=1):
        metrics = _bilateral(p, w)
        seen = _legs_seen(p, w)
        depth = metrics["depth_pct"]
        reason = None
        if seen < MIN_OBSERVED:
            reason = f"hips, knees or ankles visible in only {seen:.0%} of the rep"
        elif depth is not None and depth < MIN_DEPTH_PCT:
            reason = f"too shallow: hip drop {depth:.0f}% of leg length (< {MIN_DEPTH_PCT:.0f}%)"
        reps.append(Rep(index=i, leg="both", t_start=float(p.k.t[w.start]),
                        t_bottom=float(p.k.t[w.bottom]), t_end=float(p.k.t[w.end]),
                        metrics=metrics, per_leg=_per_leg(p, w),
                        uncertainty=_flexion_uncertainty(p, w), excluded=reason is not None,
                        exclusion_reason=reason))
    catalog = load_catalog()
    unmeasurable = None if p.frontal_measurable else "not measurable from this view"
    legs = {s: leg_summary(s, reps, [(r, r.per_leg.get(s, {})) for r in reps], catalog,
                           LEG_METRICS, unmeasurable, standing_noise(p, s)) for s in SIDES}
    used = [(r, r.metrics) for r in reps if not r.excluded]
    flags = list(p.flags)
    shallow = [r.index for r in reps if r.exclusion_reason and "shallow" in r.exclusion_reason]
    if shallow:
        flags.append(Flag(code="too_shallow", severity="warning", message=(
            f"{len(shallow)} rep(s) too shallow ({', '.join(map(str, shallow))}) and excluded.")))
    deep = sum(1 for r in reps if r.per_leg and any(
        m.get("fppa_bottom_deg") is None and m.get("knee_flexion_est_deg") is not None
        for m in r.per_leg.values()))
    notes = [
        flexion_note(p),
        "Pelvic shift is the mid-hip's sideways move at the deepest point, + toward the left leg.",
    ]
    if deep:
        notes.append(f"{deep} rep(s) went deeper than 60 deg knee flexion: there the thigh is "
                     "foreshortened and FPPA is not meaningful, so valgus is judged with "
                     "knee-over-foot and the knee-to-ankle separation ratio instead.")
    return ScreenResult(
        movescreen_version=version(), test="squat", clip=p.seq.clip, model=p.seq.model,
        person=p.seq.person, view=view_info(p),
        standing=standing_reference(p, "override" if ov.standing else "auto"),
        reps=reps, legs=legs, bilateral=summarise(used, catalog, BILATERAL_METRICS, unmeasurable),
        quality=flags, gaps=gaps(p), notes=notes, athlete_height_cm=athlete_height_cm,
    )
