"""Hop and landing screens: take-off, flight, contact, peak flexion, stabilisation, metrics.

``single-leg-hop``: every single-leg landing (a landing on both feet is excluded).
``drop-landing``: every landing, bilateral ones with the knee-to-ankle separation ratio.
Frontal-plane metrics need a frontal (or oblique, flagged) view; knee flexion, its excursion
and hop distance need a side view; timing metrics need 25 distinct pictures per second.
"""

from dataclasses import dataclass, replace

import numpy as np

from ..camera import CameraCheck, check_camera
from ..catalog import load_catalog
from ..conditioning import ConditionedPose, ConditioningOptions, condition
from ..contacts import (
    Flight,
    detect_flights,
    feet_down,
    free_fall,
    hopping_foot,
    lowest_foot,
)
from ..events import leg_length
from ..geometry import distance
from ..kinematics import Kinematics, compute_kinematics
from ..landmarks import LEGS, SIDES, Side
from ..pose.sequence import PoseSequence
from ..results import Flag, MetricSummary, Rep, ScreenResult, Step, TestName, ViewInfo
from ..signals import nanmedian
from ..time_scale import TimeScale, apparent_gravity, in_video_time, real_time
from .common import (
    FRONTAL_METRICS,
    UNFILTERED,
    Overrides,
    Prepared,
    conditioned_kinematics,
    gaps,
    leg_summary,
    quality_flags,
    standing_and_view,
    standing_reference,
    summarise,
    version,
    view_info,
)
from .noise import standing_noise

G = 9.81
MIN_TIMING_FPS = 25.0
GOOD_TIMING_FPS = 60.0
LEG_LENGTH_PER_HEIGHT = 0.49  # hip joint to ankle / body height (Drillis & Contini) [estimate]
LANDING_WINDOW_S = 0.6  # peak flexion is looked for this long after contact
STABLE_SPEED = 0.05  # leg lengths per second (clinical reference, proposed)
STABLE_FOR_S = 0.5
SPEED_BASE_S = 0.2  # central difference over this span, to keep landmark jitter out
# landings are fast: a 12 Hz low-pass keeps the impact (6 Hz would smear contact by ~40 ms)
LANDING_CONDITIONING = ConditioningOptions(cutoff_hz=12.0)
DROP_LEVEL = 0.25  # landed this many leg lengths lower than took off: a drop, not a jump
# What a real flight is, per test; anything less is a step, a shuffle or a tracking glitch,
# kept apart (ScreenResult.steps), never a landing:
# - its duration: flight time t and height h are tied by h = g t^2 / 8. Rapid single-leg hops
#   (quadrant / side hops, ~2 per second) have flights down to ~0.13 s in the dev clip
#   single_leg_hop_quadrant_frontal_10 (foot seen moving to the next square), so a single-leg
#   hop needs 0.12 s (1.8 cm); a foot that shuffles while the body stands is off the ground
#   ~0.1 s (issue 10's rendered single-leg CMJ: 0.10 s, 1.2 cm). A jump or a drop that a
#   landing screen rates starts at a 5 cm jump or drop: 0.20 s [estimate].
# - the body flies: in free flight the centre of mass rises and falls g t^2 / 8, and a foot can
#   only leave the ground that far if the body goes with it, so the hips must travel at least
#   half of the larger of g t^2 / 8 and the foot's clearance (a foot lifted while the body
#   stays put, or a glitch in the foot's landmarks, fails this).
MIN_FLIGHT_S: dict[str, float] = {"single-leg-hop": 0.12, "drop-landing": 0.20}
BODY_TRAVEL_SHARE = 0.5

TIMING = ("flight_time_s", "jump_height_cm", "time_to_peak_flexion_s", "tts_video_s",
          "knee_flexion_ic_deg", "knee_flexion_excursion_deg")
SAGITTAL_ONLY = ("knee_flexion_ic_deg", "knee_flexion_excursion_deg", "hop_distance_ll",
                 "hop_distance_cm")
LEG_METRICS = ("fppa_ic_deg", "fppa_landing_peak_deg", "knee_over_foot_ic", "trunk_lean_ic_deg",
               "pelvic_drop_ic_deg", "knee_flexion_ic_deg", "knee_flexion_excursion_deg",
               "time_to_peak_flexion_s", "hop_distance_ll", "hop_distance_cm", "flight_time_s",
               "jump_height_cm", "tts_video_s")
BILATERAL_METRICS = ("kasr_ic", "kasr_min", "flight_time_s", "jump_height_cm",
                     "time_to_peak_flexion_s", "tts_video_s")
FRONTAL_LANDING = ("fppa_ic_deg", "fppa_landing_peak_deg", "knee_over_foot_ic",
                   "trunk_lean_ic_deg", "pelvic_drop_ic_deg", "kasr_ic", "kasr_min")


@dataclass(frozen=True)
class LandingContext:
    """What every landing of a clip is measured against."""

    p: Prepared
    k: Kinematics
    leg_length: float
    px_per_m: float
    fps: float
    athlete_height_cm: float | None
    timing_refused: bool = False  # the camera moved, or the clip is not in real time

    @property
    def timing_ok(self) -> bool:
        return self.fps >= MIN_TIMING_FPS and not self.timing_refused

    @property
    def sagittal(self) -> bool:
        return self.p.view.view == "sagittal"


def _at(values: np.ndarray, t: np.ndarray, when: float) -> float | None:
    """``values`` linearly interpolated at time ``when`` (None if not measured there)."""
    i = int(np.searchsorted(t, when))
    lo, hi = max(i - 1, 0), min(i, len(t) - 1)
    a, b = values[lo], values[hi]
    if not (np.isfinite(a) and np.isfinite(b)):
        return None
    w = 0.0 if hi == lo else (when - t[lo]) / (t[hi] - t[lo])
    return float(a + np.clip(w, 0.0, 1.0) * (b - a))


def _peak(values: np.ndarray, sl: slice) -> float | None:
    seg = values[sl]
    return float(np.nanmax(seg)) if np.any(np.isfinite(seg)) else None


def _stabilised(c: LandingContext, i_ic: int, i_end: int) -> int | None:
    """First frame after contact from which the hips' sideways speed stays below the threshold
    for ``STABLE_FOR_S`` (video time-to-stabilise)."""
    t, x = c.k.t, c.k.mid_hip[:, 0] / c.leg_length
    half = SPEED_BASE_S / 2
    speed = np.abs(np.interp(t + half, t, x) - np.interp(t - half, t, x)) / SPEED_BASE_S
    calm = np.nan_to_num(speed, nan=np.inf) < STABLE_SPEED
    for i in range(i_ic, i_end):
        j = int(np.searchsorted(t, t[i] + STABLE_FOR_S))
        if j > i_end:
            return None
        if np.all(calm[i:j + 1]):
            return i
    return None


def _landing(c: LandingContext, f: Flight, index: int, next_takeoff: float | None,
             test: TestName, leg_override: Side | None) -> Rep:
    k, t = c.k, c.k.t
    i_ic = int(np.searchsorted(t, f.t_contact))
    i_ic = min(i_ic, len(t) - 1)
    end_t = min(next_takeoff if next_takeoff is not None else t[-1], f.t_contact + 3.0)
    i_end = int(np.searchsorted(t, end_t))
    i_end = min(max(i_end, i_ic + 1), len(t) - 1)
    n_settle = max(2, int(round(0.25 / float(np.median(np.diff(t))))))
    landed = leg_override or feet_down(k.foot_low_y, i_ic, min(i_ic + n_settle, len(t)),
                                       c.leg_length)
    win_end = min(int(np.searchsorted(t, f.t_contact + LANDING_WINDOW_S)), i_end)
    hip_y = k.hip_y[i_ic:win_end + 1]
    i_peak = i_ic + (int(np.nanargmax(hip_y)) if np.any(np.isfinite(hip_y)) else 0)
    i_stable = _stabilised(c, i_ic, i_end)
    events = {"take_off": f.t_takeoff, "initial_contact": f.t_contact,
              "peak_flexion": float(t[i_peak])}
    if i_stable is not None:
        events["stabilised"] = float(t[i_stable])
    flight = f.flight_time
    drop = f.drop > DROP_LEVEL
    common: dict[str, float | None] = {
        "flight_time_s": flight,
        "jump_height_cm": None if drop else G * flight ** 2 / 8 * 100,
        "time_to_peak_flexion_s": float(t[i_peak]) - f.t_contact,
        "tts_video_s": None if i_stable is None else float(t[i_stable]) - f.t_contact,
    }
    notes = []
    if drop:
        notes.append("landed lower than the take-off (a drop): no jump height from flight time")
    if i_stable is None:
        notes.append("did not stabilise before the next take-off or the end of the clip")
    if not f.fitted:
        notes.append("take-off and contact timed to the nearest frame (no ballistic fit)")
    sides = list(SIDES) if landed == "both" else [landed] if landed in SIDES else []
    per_leg = {s: _leg_metrics(c, f, s, i_ic, i_peak, single=landed != "both") for s in sides}
    for m in per_leg.values():
        m.update(common)
    metrics: dict[str, float | None] = dict(common)
    if landed == "both":
        metrics |= _kasr(c, i_ic, i_peak)
    _blank(c, metrics)
    for m in per_leg.values():
        _blank(c, m)
    reason = None
    if landed is None:
        reason = "could not tell which foot landed"
    elif test == "single-leg-hop" and landed == "both":
        reason = "landed on both feet: not a single-leg landing"
    leg = landed if landed in ("left", "right", "both") else "both"
    if leg in SIDES:  # single-leg landing: its metrics are the rep's own
        metrics = per_leg[leg]  # type: ignore[index]
        per_leg = {}
    return Rep(index=index, leg=leg, t_start=f.t_takeoff, t_bottom=float(t[i_peak]),  # type: ignore[arg-type]
               t_end=float(t[i_end]), metrics=metrics, per_leg=per_leg,
               at_t={"fppa_ic_deg": f.t_contact, "knee_over_foot_ic": f.t_contact},
               events=events, excluded=reason is not None, exclusion_reason=reason, notes=notes)


def _leg_metrics(c: LandingContext, f: Flight, side: Side, i_ic: int, i_peak: int,
                 single: bool) -> dict[str, float | None]:
    k, t, sf = c.k, c.k.t, c.p.standing.frames
    after = slice(i_ic, i_peak + 1)
    m: dict[str, float | None] = {
        "fppa_ic_deg": _at(k.fppa[side], t, f.t_contact),
        "fppa_landing_peak_deg": _peak(k.fppa[side], after),
        "knee_over_foot_ic": _scaled(_at(k.knee_medial_of_foot_px[side], t, f.t_contact),
                                     c.leg_length),
        "trunk_lean_ic_deg": None,
        "pelvic_drop_ic_deg": None,
    }
    if single:  # trunk lean and pelvic drop toward / away from the landing leg
        trunk = _at(k.trunk[side], t, f.t_contact)
        pelvis = _at(k.pelvis[side], t, f.t_contact)
        m["trunk_lean_ic_deg"] = None if trunk is None else trunk - nanmedian(k.trunk[side][sf])
        m["pelvic_drop_ic_deg"] = (None if pelvis is None
                                   else pelvis - nanmedian(k.pelvis[side][sf]))
    flex_ic = _at(k.knee_flexion_2d[side], t, f.t_contact)
    flex_pk = _peak(k.knee_flexion_2d[side], after)
    m["knee_flexion_ic_deg"] = flex_ic
    m["knee_flexion_excursion_deg"] = (None if flex_ic is None or flex_pk is None
                                       else flex_pk - flex_ic)
    i_to = int(np.searchsorted(t, f.t_takeoff)) - 1
    toe, heel = k.toe_x[side][max(i_to, 0)], k.heel_x[side][i_ic]
    hop = abs(heel - toe) / c.leg_length if np.isfinite(toe) and np.isfinite(heel) else None
    m["hop_distance_ll"] = hop
    m["hop_distance_cm"] = (hop * LEG_LENGTH_PER_HEIGHT * c.athlete_height_cm
                            if hop is not None and c.athlete_height_cm else None)
    return m


def _scaled(v: float | None, length: float) -> float | None:
    return None if v is None else v / length


def _kasr(c: LandingContext, i_ic: int, i_peak: int) -> dict[str, float | None]:
    k = c.k
    knee = np.abs(k.knee_x["left"] - k.knee_x["right"])
    ankle = np.abs(k.ankle_x["left"] - k.ankle_x["right"])
    ratio = np.where(ankle > 1e-6, knee / np.where(ankle > 1e-6, ankle, 1.0), np.nan)
    seg = ratio[i_ic:i_peak + 1]
    return {"kasr_ic": float(ratio[i_ic]) if np.isfinite(ratio[i_ic]) else None,
            "kasr_min": float(np.nanmin(seg)) if np.any(np.isfinite(seg)) else None}


def _blank(c: LandingContext, m: dict[str, float | None]) -> None:
    """Remove what this view or frame rate cannot support."""
    for name in list(m):
        if (name in FRONTAL_LANDING and c.sagittal) or (name in SAGITTAL_ONLY
                                                        and not c.sagittal):
            m[name] = None
        if name in TIMING and not c.timing_ok:
            m[name] = None


def _lsi(a: float | None, b: float | None, absolute: bool = False) -> float | None:
    """Limb symmetry index: the weaker over the stronger side, in percent."""
    if a is None or b is None:
        return None
    if absolute:
        a, b = abs(a), abs(b)
        if max(a, b) < 2.0:  # both within 2 deg of straight: symmetric for any purpose
            return 100.0
    hi = max(a, b)
    return 100.0 * min(a, b) / hi if hi > 0 else None


def symmetry(legs: dict, catalog: dict) -> dict:
    """Limb symmetry indices from the two legs' medians (weaker / stronger x 100)."""
    def med(side: Side, name: str) -> float | None:
        return legs[side].metrics[name].median if legs[side].reps_used else None

    pairs = {"lsi_hop_distance_pct": ("hop_distance_ll", False),
             "lsi_jump_height_pct": ("jump_height_cm", False),
             "lsi_landing_fppa_pct": ("fppa_landing_peak_deg", True)}
    out = {}
    for name, (metric, absolute) in pairs.items():
        value = _lsi(med("left", metric), med("right", metric), absolute)
        d = catalog[name]
        out[name] = MetricSummary(
            label=d.label, unit=d.unit, median=value, worst=value, worst_rep=None, worst_t=None,
            n_reps=0 if value is None else 2,
            reason=None if value is not None else "needs single-leg landings on both legs")
    return out


def analyse(seq: PoseSequence, overrides: Overrides | None = None,
            options: ConditioningOptions | None = None,
            athlete_height_cm: float | None = None, *,
            test: TestName = "single-leg-hop") -> ScreenResult:
    """Run the single-leg hop or the drop-landing screen on a pose sequence."""
    ov = overrides or Overrides()
    slowed = ov.slow_motion or 1.0
    result = _analyse(real_time(seq, slowed) if slowed != 1.0 else seq, ov,
                      options or LANDING_CONDITIONING, athlete_height_cm, test)
    return result if slowed == 1.0 else in_video_time(result, slowed, seq.clip)


def _analyse(seq: PoseSequence, ov: Overrides, options: ConditioningOptions,
             athlete_height_cm: float | None, test: TestName) -> ScreenResult:
    pose, k, flags = conditioned_kinematics(seq, options)
    length_now = leg_length(k)
    length_px = float(np.nanpercentile(length_now, 90)) if np.any(np.isfinite(length_now)) \
        else float("nan")
    camera = check_camera(seq, length_px)
    if camera.state == "panned":  # measure against the ground: redo with the pan undone
        seq = camera.seq
        pose, k, flags = conditioned_kinematics(seq, options)
    world_leg = _world_leg_length(pose)
    airborne = free_fall(k.t, k.hip_y, length_px / world_leg)
    scale = apparent_gravity(k.t, k.hip_y, lowest_foot(k.foot_low_y), length_px,
                             length_px / world_leg)
    raw = compute_kinematics(_restrict_like(condition(seq, UNFILTERED), pose))
    if test == "single-leg-hop":
        foot = ov.leg or hopping_foot(k.t, k.foot_low_y, k.ankle_x, length_px)
        foot_y, foot_x, raw_y = k.foot_low_y[foot], k.ankle_x[foot], raw.foot_low_y[foot]
    else:
        foot_y, foot_x = lowest_foot(k.foot_low_y), (k.ankle_x["left"] + k.ankle_x["right"]) / 2
        raw_y = lowest_foot(raw.foot_low_y)
    found = detect_flights(k.t, foot_y, foot_x, length_px, airborne, raw_y, options.cutoff_hz)
    slowed = scale.slowed_by if scale is not None and not scale.real_time else 1.0
    why_not = {f: _not_a_flight(k, f, test, length_px, length_px / world_leg, slowed)
               for f in found}
    flights = [f for f in found if why_not[f] is None]
    in_flight = np.zeros(len(k.t), dtype=bool)
    for f in flights:
        in_flight[(k.t >= f.t_takeoff) & (k.t <= f.t_contact)] = True
    standing, view, view_source = standing_and_view(seq, k, ov, exclude=in_flight | airborne)
    p = Prepared(seq, pose, k, standing, view, view_source,
                 depth=np.zeros(len(k.t)), reps=[], flags=flags)
    quality_flags(p)
    if view.view == "sagittal":  # the intended view for knee flexion and hop distance
        p.flags[:] = [f.model_copy(update={"severity": "info"}) if f.code == "view" else f
                      for f in p.flags]
    refused = _timing_refused(p, camera, scale, ov)
    c = LandingContext(p, k, standing.leg_length_px, length_px / world_leg,
                       seq.clip.fps_effective, athlete_height_cm, timing_refused=refused)
    reps = [_landing(c, f, i + 1, flights[i + 1].t_takeoff if i + 1 < len(flights) else None,
                     test, ov.leg if test == "single-leg-hop" else None)
            for i, f in enumerate(flights)]
    steps = [_step(c, f, why) for f, why in why_not.items() if why is not None]
    result = _result(p, test, reps, c, ov, athlete_height_cm)
    return result.model_copy(update={"steps": steps})


def _timing_refused(p: Prepared, camera: CameraCheck, scale: TimeScale | None,
                    ov: Overrides) -> bool:
    """Flag a moving camera and a clip not in real time; True if timing must be refused."""
    refused = False
    if camera.state == "moved":
        refused = True
        p.flags.append(Flag(code="camera_moved", severity="error", message=(
            f"The camera moved (the background travelled {camera.travel_ll:.2f} leg lengths, "
            "not as a simple pan): timing cannot be measured (flight time, jump height, time to "
            "peak flexion and to stabilise are not reported); film from a tripod.")))
    elif camera.state == "panned":
        p.flags.append(Flag(code="camera_panned", severity="info", message=(
            f"The camera panned or tilted (the background travelled {camera.travel_ll:.2f} leg "
            "lengths); the landmarks were measured against the background.")))
    if scale is not None and not scale.real_time:
        refused = refused or ov.slow_motion is None
        slower = scale.slowed_by >= 1.0
        how = (f"slowed down about {scale.slowed_by:.1f}x (slow motion played at normal "
               "speed)" if slower else f"sped up about {1 / scale.slowed_by:.1f}x")
        given = ("" if ov.slow_motion is None else
                 f" even with --slow-motion {ov.slow_motion:g}")
        p.flags.append(Flag(code="time_scale", severity="error" if not given else "warning",
                            message=(
            f"In flight the hips fall with {scale.gravity:.2f} m/s² instead of 9.81{given}: the "
            f"clip looks {how}. Flight time, jump height and the other timings are "
            + ("not reported; give --slow-motion N (e.g. 8 for 240 fps played at 30)."
               if not given else "uncertain; check the recording's frame rate."))))
    return refused


def _not_a_flight(k: Kinematics, f: Flight, test: TestName, leg_px: float, px_per_m: float,
                  slowed_by: float) -> str | None:
    """Why this lift of the foot is not a hop or a jump (None if it is one); ``slowed_by``:
    the clip's estimated slow-motion factor (durations are divided by it)."""
    flight = f.flight_time / slowed_by
    if flight < MIN_FLIGHT_S[test]:
        return (f"off the ground {flight:.2f} s, under the {MIN_FLIGHT_S[test]:.2f} s a hop or "
                "jump needs: a step or shuffle")
    seg = k.hip_y[f.i_takeoff:f.i_contact + 1]
    if not np.any(np.isfinite(seg)) or not np.isfinite(px_per_m):
        return None
    travel = float(np.nanmax(seg) - np.nanmin(seg)) / px_per_m
    needed = BODY_TRAVEL_SHARE * max(G * flight ** 2 / 8, f.clearance * leg_px / px_per_m)
    if travel < needed:
        return (f"the foot was up {flight:.2f} s but the hips moved only {100 * travel:.1f} cm "
                f"(a flight moves them at least {100 * needed:.1f} cm): a step, shuffle or "
                "tracking glitch")
    return None


def _step(c: LandingContext, f: Flight, reason: str) -> Step:
    n_settle = max(2, int(round(0.25 / float(np.median(np.diff(c.k.t))))))
    i = min(f.i_contact, len(c.k.t) - 1)
    leg = feet_down(c.k.foot_low_y, i, min(i + n_settle, len(c.k.t)), c.leg_length)
    return Step(t_start=f.t_takeoff, t_end=f.t_contact,
                leg=leg if leg in ("left", "right", "both") else None,  # type: ignore[arg-type]
                lifted_s=f.flight_time, reason=reason)


def _result(p: Prepared, test: TestName, reps: list[Rep], c: LandingContext, ov: Overrides,
            athlete_height_cm: float | None) -> ScreenResult:
    catalog = load_catalog()
    unmeasurable = "not measurable from this view"
    legs = {}
    for side in SIDES:
        mine = [(r, r.metrics if r.leg == side else r.per_leg[side]) for r in reps
                if r.leg == side or side in r.per_leg]
        legs[side] = leg_summary(side, [r for r, _ in mine], mine, catalog, LEG_METRICS,
                                 unmeasurable if c.sagittal else None, standing_noise(p, side))
        for name in SAGITTAL_ONLY:
            m = legs[side].metrics[name]
            if m.median is None and not c.sagittal:
                legs[side].metrics[name] = m.model_copy(update={"reason": unmeasurable})
    both = [(r, r.metrics) for r in reps if r.leg == "both" and not r.excluded]
    bilateral = summarise(both, catalog, BILATERAL_METRICS, unmeasurable if c.sagittal else None)
    if test == "single-leg-hop":
        bilateral |= symmetry(legs, catalog)
    flags = list(p.flags)
    if c.fps < MIN_TIMING_FPS:
        flags.append(Flag(code="frame_rate", severity="warning", message=(
            f"{c.fps:.0f} distinct pictures per second is below {MIN_TIMING_FPS:.0f}: contact "
            "timing (flight time, jump height, knee flexion at contact, time to stabilise) is "
            "not reported; record at 60 fps or more.")))
    elif c.fps < GOOD_TIMING_FPS:
        flags.append(Flag(code="timing_precision", severity="warning", message=(
            f"{c.fps:.0f} distinct pictures per second: contact is timed to about "
            f"±{1000 / c.fps:.0f} ms, which at 30 fps moves knee flexion at contact by 10-15 "
            "deg; record at 60 fps or more for landings.")))
    if not reps:
        flags.append(Flag(code="no_landings", severity="error", message=(
            "No take-off and landing was found: the feet must leave the ground, and the whole "
            "body must stay in the picture.")))
    notes = [
        "Time to stabilise is a video estimate (hips' sideways speed below 5% of leg length "
        "per second for 0.5 s); published values come from force plates and do not apply.",
        "Jump height is from flight time: h = g t² / 8.",
        f"Contact timing precision: about ±{1000 / max(c.fps, 1):.0f} ms at "
        f"{c.fps:.0f} distinct pictures per second.",
    ]
    if c.sagittal:
        notes.append("Side view: knee flexion and hop distance are measured; frontal-plane "
                     "angles are not measurable from this view.")
    else:
        notes.append("Knee flexion at contact and hop distance need a side view: not "
                     "measurable from this view.")
    if any(r.metrics.get("hop_distance_cm") for r in reps):
        notes.append("Hop distance in cm assumes a hip-to-ankle length of 0.49 x the given "
                     "height (an estimate).")
    return ScreenResult(
        movescreen_version=version(), test=test, clip=p.seq.clip, model=p.seq.model,
        person=p.seq.person, view=_view(p), standing=standing_reference(p, "override"
                                                                        if ov.standing
                                                                        else "auto"),
        reps=reps, legs=legs, bilateral=bilateral, quality=flags, gaps=gaps(p), notes=notes,
        athlete_height_cm=athlete_height_cm,
    )


def _world_leg_length(pose: ConditionedPose) -> float:
    """Hip-to-ankle length in metres (MediaPipe's world landmarks), from whichever legs are
    seen: a side view may give one leg only."""
    lengths = [distance(pose.world[:, LEGS[s].hip], pose.world[:, LEGS[s].ankle]) for s in SIDES]
    return nanmedian(np.concatenate(lengths))


def _restrict_like(raw: ConditionedPose, kept: ConditionedPose) -> ConditionedPose:
    """``raw`` with the frames that ``kept`` dropped (camera cut) dropped too."""
    gone = ~np.isfinite(kept.xy[..., 0]) & np.isfinite(raw.xy[..., 0])
    return replace(raw, xy=np.where(gone[..., None], np.nan, raw.xy))


def _view(p: Prepared) -> ViewInfo:
    info = view_info(p)
    if p.view.view == "sagittal":
        return info.model_copy(update={"untrusted_metrics": sorted(
            set(info.untrusted_metrics) | set(FRONTAL_LANDING))})
    untrusted = {m for m in info.untrusted_metrics if m not in FRONTAL_METRICS}
    if not p.frontal_trusted:  # oblique: the landing's frontal-plane angles are approximate
        untrusted |= set(FRONTAL_LANDING)
    return info.model_copy(update={"untrusted_metrics": sorted(untrusted | set(SAGITTAL_ONLY))})
