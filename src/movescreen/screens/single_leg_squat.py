"""The single-leg squat screen: FPPA, pelvic drop, trunk lean, knee over foot, depth, tempo."""

import numpy as np
from numpy.typing import NDArray

from ..catalog import load_catalog
from ..conditioning import ConditioningOptions
from ..events import RepWindow, free_foot_down, stance_leg
from ..landmarks import L_HIP, L_SHOULDER, LEGS, R_HIP, R_SHOULDER, SIDES, Side
from ..noise import noise_level, slow_part
from ..pose.sequence import PoseSequence
from ..results import Flag, Rep, ScreenResult
from ..signals import nanmedian
from .common import (
    FPPA_WINDOW_MAX_FLEXION,
    Overrides,
    Prepared,
    at_flexion,
    blank_unmeasurable,
    finite,
    flexion_note,
    flexion_peak,
    gaps,
    leg_summary,
    observed_fraction,
    peak,
    prepare,
    standing_reference,
    version,
    view_info,
)
from .noise import standing_noise

METRICS = ("fppa_peak_deg", "fppa_bottom_deg", "fppa_at_45_deg", "fppa_at_60_deg",
           "fppa_change_deg", "pelvic_drop_deg", "trunk_lean_deg", "knee_over_foot",
           "depth_pct", "knee_flexion_est_deg", "descent_s", "ascent_s")
MIN_DEPTH_PCT = 10.0  # ~45 deg knee flexion seen from the front [proposed]
MIN_FLEXION_DEG = 45.0  # Herrington 2014 rejects trials under 45 deg
MIN_OBSERVED = 0.5
PROTOCOL_REPS = 5


def leg_metrics(p: Prepared, w: RepWindow, side: Side
                ) -> tuple[dict[str, float | None], dict[str, float], dict[str, float], list[str]]:
    """The stance leg's metrics for one rep, when each peak happened, their +- uncertainty
    where known, and notes."""
    k, t, sf = p.k, p.k.t, p.standing.frames
    length = p.standing.leg_length_px
    flex = p.flexion[side].deg
    in_window = ~(flex > FPPA_WINDOW_MAX_FLEXION)  # NaN flexion keeps the frame
    m: dict[str, float | None] = {}
    at: dict[str, float] = {}
    unc: dict[str, float] = {}
    notes: list[str] = []

    def put(name: str, value: float | None, when: float | None = None) -> None:
        m[name] = value
        if when is not None:
            at[name] = when

    put("fppa_peak_deg", *peak(k.fppa[side], t, w, in_window))
    bottom_flex = flex[w.bottom]
    if np.isfinite(bottom_flex) and bottom_flex > FPPA_WINDOW_MAX_FLEXION:
        put("fppa_bottom_deg", None)
        notes.append(f"deepest point at ~{bottom_flex:.0f} deg knee flexion, beyond the 45-60 "
                     "deg window: FPPA there is foreshortened and not reported")
    else:
        put("fppa_bottom_deg", finite(k.fppa[side][w.bottom]), float(t[w.bottom]))
    put("fppa_at_45_deg", at_flexion(k.fppa[side], flex, w, 45.0))
    put("fppa_at_60_deg", at_flexion(k.fppa[side], flex, w, 60.0))
    stand_fppa = nanmedian(k.fppa[side][sf])
    fp = m["fppa_peak_deg"]
    put("fppa_change_deg", fp - stand_fppa if fp is not None and np.isfinite(stand_fppa)
        else None, at.get("fppa_peak_deg"))
    pelvis = pelvis_curve(t, k.pelvis[side])
    put("pelvic_drop_deg", *peak(pelvis - nanmedian(pelvis[sf]), t, w))
    pelvis_noise = noise_level(t, k.pelvis[side], sf)
    if np.isfinite(pelvis_noise):
        unc["pelvic_drop_deg"] = pelvis_noise
    put("trunk_lean_deg", *peak(k.trunk[side] - nanmedian(k.trunk[side][sf]), t, w))
    put("knee_over_foot", *peak(k.knee_medial_of_foot_px[side] / length, t, w))
    put("depth_pct", *peak(p.depth, t, w))
    flex_deg, flex_t, flex_unc = flexion_peak(p, side, w)
    put("knee_flexion_est_deg", flex_deg, flex_t)
    if flex_unc is not None:
        unc["knee_flexion_est_deg"] = flex_unc
    put("descent_s", float(t[w.bottom] - t[w.start]))
    put("ascent_s", float(t[w.end] - t[w.bottom]))
    blank_unmeasurable(p, m)
    return m, at, unc, notes


def pelvis_curve(t: NDArray[np.float64], pelvis: NDArray[np.float64]) -> NDArray[np.float64]:
    """The pelvis angle the pelvic drop is measured on (also plotted in the report): its slow
    part, since the true drop changes well below 1 Hz and faster swings are landmark jitter."""
    return slow_part(t, pelvis)


def analyse(seq: PoseSequence, overrides: Overrides | None = None,
            options: ConditioningOptions | None = None,
            athlete_height_cm: float | None = None) -> ScreenResult:
    """Run the single-leg squat screen on a pose sequence."""
    ov = overrides or Overrides()
    p = prepare(seq, ov, options)
    length = p.standing.leg_length_px
    reps: list[Rep] = []
    for i, w in enumerate(p.reps, start=1):
        side = ov.leg or stance_leg(p.k, w, length)
        t0, tb, t1 = (float(p.k.t[j]) for j in (w.start, w.bottom, w.end))
        if side is None:
            reps.append(Rep(index=i, leg="both", t_start=t0, t_bottom=tb, t_end=t1, metrics={},
                            excluded=True, exclusion_reason="both feet stayed on the ground: "
                            "not a single-leg rep"))
            continue
        metrics, at, unc, notes = leg_metrics(p, w, side)
        reason = None
        key = (L_HIP, R_HIP, LEGS[side].knee, LEGS[side].ankle, L_SHOULDER, R_SHOULDER)
        seen = observed_fraction(p, w, key)
        depth = metrics["depth_pct"]
        if seen < MIN_OBSERVED:
            reason = f"hips, knee or ankle visible in only {seen:.0%} of the rep"
        elif _clearly_below(metrics["knee_flexion_est_deg"],
                            unc.get("knee_flexion_est_deg"), MIN_FLEXION_DEG):
            reason = (f"too shallow: knee flexion ~{metrics['knee_flexion_est_deg']:.0f} deg "
                      f"(estimate, ±{unc['knee_flexion_est_deg']:.0f}; < {MIN_FLEXION_DEG:.0f} "
                      "deg)")
        elif depth is not None and depth < MIN_DEPTH_PCT:
            reason = (f"too shallow: hip drop {depth:.0f}% of leg length (< {MIN_DEPTH_PCT:.0f}%,"
                      " about 45 deg knee flexion)")
        reps.append(Rep(index=i, leg=side, t_start=t0, t_bottom=tb, t_end=t1, metrics=metrics,
                        at_t=at, uncertainty=unc, balance_lost=free_foot_down(p.k, w, side, length),
                        excluded=reason is not None, exclusion_reason=reason, notes=notes))
    return _result(p, reps, ov, athlete_height_cm)


def _clearly_below(value: float | None, uncertainty: float | None, limit: float) -> bool:
    """True if ``value`` is below ``limit`` even at the top of its +- ``uncertainty``."""
    return value is not None and uncertainty is not None and value + uncertainty < limit


def _result(p: Prepared, reps: list[Rep], ov: Overrides,
            athlete_height_cm: float | None) -> ScreenResult:
    catalog = load_catalog()
    unmeasurable = None if p.frontal_measurable else "not measurable from this view"
    legs = {}
    for side in SIDES:
        mine = [r for r in reps if r.leg == side]
        legs[side] = leg_summary(side, mine, [(r, r.metrics) for r in mine], catalog, METRICS,
                                 unmeasurable, standing_noise(p, side))
    flags = list(p.flags)
    shallow = [r.index for r in reps if r.exclusion_reason and "shallow" in r.exclusion_reason]
    if shallow:
        flags.append(Flag(code="too_shallow", severity="warning", message=(
            f"{len(shallow)} rep(s) too shallow ({', '.join(map(str, shallow))}): squat to "
            "45-60 deg knee flexion; shallower reps are excluded (Herrington 2014).")))
    if reps and all(r.excluded for r in reps):
        flags.append(Flag(code="no_valid_reps", severity="error",
                          message="No rep could be used; see the exclusions and re-record."))
    for side, s in legs.items():
        if 0 < s.reps_total < PROTOCOL_REPS:
            flags.append(Flag(code="few_reps", severity="info", message=(
                f"{s.reps_total} rep(s) on the {side} leg; the protocol asks for "
                f"{PROTOCOL_REPS}.")))
    lost = [r.index for r in reps if r.balance_lost]
    if lost:
        flags.append(Flag(code="balance_lost", severity="warning", message=(
            f"The free foot touched down in rep(s) {', '.join(map(str, lost))}.")))
    notes = [
        "FPPA is reported at the deepest point only for reps within 45-60 deg knee flexion; "
        "every rep also has FPPA at 45 and 60 deg knee flexion on the way down.",
        flexion_note(p),
        "Pelvic drop and trunk lean are relative to the standing frames of this clip.",
    ]
    return ScreenResult(
        movescreen_version=version(), test="single-leg-squat", clip=p.seq.clip,
        model=p.seq.model, person=p.seq.person, view=view_info(p),
        standing=standing_reference(p, "override" if ov.standing else "auto"),
        reps=reps, legs=legs, quality=flags, gaps=gaps(p), notes=notes,
        athlete_height_cm=athlete_height_cm,
    )
