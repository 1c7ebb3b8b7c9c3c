"""What every squat-type screen shares: conditioning, standing, view, reps, aggregation."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from .. import __version__
from ..catalog import MetricDef
from ..conditioning import ConditionedPose, ConditioningOptions, condition
from ..errors import MovescreenError
from ..events import (
    RepWindow,
    Standing,
    ViewEstimate,
    classify_view,
    depth_pct,
    find_standing,
    reps_from_windows,
    segment_reps,
    steady_scale_span,
    trunk_scale,
)
from ..flexion import (
    MODEL_ERROR_DEG,
    PITCHED_ERROR_DEG,
    FlexionEstimate,
    fill_from,
    frontal_knee_flexion,
)
from ..kinematics import Kinematics, compute_kinematics
from ..landmarks import L_ANKLE, L_HIP, L_KNEE, NAMES, R_ANKLE, R_HIP, R_KNEE, SIDES, Side
from ..noise import within_noise
from ..pose.sequence import PoseSequence
from ..results import (
    Exclusion,
    Flag,
    GapInfo,
    LegSummary,
    MetricSummary,
    Rep,
    ScreenResult,
    StandingReference,
    ViewInfo,
    ViewName,
)
from ..signals import nanmedian, robust_sd
from ..uncertainty import median_interval, rep_sd

Array = NDArray[np.float64]
FRONTAL_METRICS = ("fppa_peak_deg", "fppa_bottom_deg", "fppa_at_45_deg", "fppa_at_60_deg",
                   "fppa_change_deg", "pelvic_drop_deg", "trunk_lean_deg", "knee_over_foot",
                   "kasr_bottom", "pelvic_shift_pct")
FPPA_WINDOW_MAX_FLEXION = 60.0
NOISY_METRICS = ("pelvic_drop_deg",)  # summarised with the clip's measurement noise
MIN_LEG_VISIBILITY = 0.5


@dataclass(frozen=True)
class Overrides:
    """User overrides of what is otherwise detected automatically."""

    leg: Side | None = None
    view: ViewName | None = None
    standing: tuple[float, float] | None = None
    reps: tuple[tuple[float, float], ...] | None = None
    slow_motion: float | None = None  # the clip plays this many times slower than real time


@dataclass
class Prepared:
    """The clip after conditioning and event detection, ready for per-rep metrics."""

    seq: PoseSequence
    pose: ConditionedPose
    k: Kinematics
    standing: Standing
    view: ViewEstimate
    view_source: str
    depth: Array
    reps: list[RepWindow]
    flexion: dict[Side, FlexionEstimate] = field(default_factory=dict)  # knee, per frame
    flags: list[Flag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def frontal_trusted(self) -> bool:
        return self.view.view == "frontal"

    @property
    def frontal_measurable(self) -> bool:
        return self.view.view != "sagittal"


def conditioned_kinematics(seq: PoseSequence, options: ConditioningOptions | None = None
                           ) -> tuple[ConditionedPose, Kinematics, list[Flag]]:
    """Refuse clips without legs in view, condition the landmarks, and keep only the longest
    stretch without a camera cut or zoom (flagged)."""
    _require_legs_in_view(seq)
    pose = condition(seq, options)
    k = compute_kinematics(pose)
    flags = []
    start, stop = steady_scale_span(k.t, trunk_scale(k))
    if (start, stop) != (0, len(k.t)):
        keep = np.zeros(len(k.t), dtype=bool)
        keep[start:stop] = True
        pose = _restrict(pose, keep)
        k = compute_kinematics(pose)
        flags.append(Flag(code="camera_cut", severity="warning", message=(
            f"The body's size in the picture jumps (a camera cut or zoom); only "
            f"{k.t[start]:.1f}-{k.t[stop - 1]:.1f} s, the longest steady stretch, is analysed.")))
    return pose, k, flags


def standing_and_view(seq: PoseSequence, k: Kinematics, overrides: Overrides,
                      exclude: NDArray[np.bool_] | None = None
                      ) -> tuple[Standing, ViewEstimate, str]:
    """The standing reference and the camera view (each detected, or as overridden)."""
    standing = find_standing(k, overrides.standing, exclude)
    if standing.mask_size == 0 or not np.isfinite(standing.leg_length_px):
        where = "in the --standing window" if overrides.standing else "anywhere in the clip"
        raise MovescreenError(f"{seq.clip.file}: no standing frames {where}; start the clip "
                              "standing still, facing the camera, whole body in view.")
    view = classify_view(k, standing.frames)
    if overrides.view is not None:
        return standing, ViewEstimate(overrides.view, view.width_ratio, view.yaw_deg), "override"
    return standing, view, "auto"


def prepare(seq: PoseSequence, overrides: Overrides,
            options: ConditioningOptions | None = None) -> Prepared:
    """Condition the landmarks and find standing, view and reps (or take the overrides)."""
    pose, k, flags = conditioned_kinematics(seq, options)
    standing, view, view_source = standing_and_view(seq, k, overrides)
    depth = depth_pct(k, standing)
    if overrides.reps:
        reps = reps_from_windows(k.t, depth, list(overrides.reps))
    else:
        reps = segment_reps(k.t, depth)
    flexion = knee_flexion(k, standing, view.view)
    prep = Prepared(seq, pose, k, standing, view, view_source, depth, reps, flexion=flexion,
                    flags=flags)
    quality_flags(prep)
    if not prep.reps:
        prep.flags.append(Flag(code="no_reps", severity="error", message=(
            "No repetition was found: squat down and up at least 5 times, "
            "starting and ending standing.")))
    return prep


def knee_flexion(k: Kinematics, standing: Standing, view: ViewName) -> dict[Side, FlexionEstimate]:
    """Each knee's flexion: the image angle in a side view; otherwise the estimate from the
    thigh's and shank's foreshortening against standing (flexion.py), with MediaPipe's 3D
    estimate only where that cannot be computed (it reads far too low facing the camera)."""
    out = {}
    for s in SIDES:
        if view == "sagittal":
            angle = k.knee_flexion_2d[s]
            spread = 2.0 * robust_sd(angle[standing.frames], min_count=1)
            out[s] = FlexionEstimate(angle, np.full(len(angle), spread), "image-angle")
            continue
        world = FlexionEstimate(k.knee_flexion[s], np.full(len(k.t), np.nan), "world-3d")
        out[s] = fill_from(frontal_knee_flexion(k.thigh_xy[s], k.shank_xy[s], standing.frames),
                           world)
    return out


SQUAT_SCREENS = ("squat", "single-leg-squat")  # the screens that estimate flexion from the front


def frame_knee_flexion(k: Kinematics, result: ScreenResult) -> dict[Side, Array]:
    """Per frame, each knee's flexion as ``result``'s screen used it (for frames.csv).

    In a side view the knee angle in the picture; for the squat screens otherwise the
    foreshortening estimate against the result's standing reference (:func:`knee_flexion`,
    the same frames as the screen's); NaN for hop and landing screens filmed from the front,
    which measure no knee flexion.
    """
    view = result.view.view
    if view == "sagittal":
        return {s: k.knee_flexion_2d[s] for s in SIDES}
    if result.test not in SQUAT_SCREENS:
        return {s: np.full(len(k.t), np.nan) for s in SIDES}
    st = result.standing
    # an overridden window holds exactly the frames between its first and last standing frame
    standing = find_standing(k, (st.t_start, st.t_end) if st.source == "override" else None)
    return {s: est.deg for s, est in knee_flexion(k, standing, view).items()}


def _restrict(pose: ConditionedPose, keep: NDArray[np.bool_]) -> ConditionedPose:
    """The same pose with every frame outside ``keep`` set missing."""
    xy = np.where(keep[:, None, None], pose.xy, np.nan)
    world = np.where(keep[:, None, None], pose.world, np.nan)
    return replace(pose, xy=xy, world=world, observed=pose.observed & keep[:, None])


def _require_legs_in_view(seq: PoseSequence) -> None:
    """Refuse a clip in which hips, knees or ankles are mostly out of view.

    Each joint must be visible on at least one side in half the frames with a person (a side
    view hides the far leg, which is fine).
    """
    has = seq.has_pose
    if has.sum() == 0:
        raise MovescreenError(f"{seq.clip.file}: no person was found in any frame.")
    vis = np.nan_to_num(seq.visibility[has], nan=0.0) >= MIN_LEG_VISIBILITY
    for left, right in ((L_HIP, R_HIP), (L_KNEE, R_KNEE), (L_ANKLE, R_ANKLE)):
        seen = max(vis[:, left].mean(), vis[:, right].mean())
        if seen < 0.5:
            joint = NAMES[left].removeprefix("left_")
            raise MovescreenError(
                f"{seq.clip.file}: the legs are not in view (the {joint}s are visible in "
                f"{seen:.0%} of frames with a person); film the whole body, head to feet, "
                "from 2-3 m away."
            )


MIRROR_FALLBACK_NOTE = 0.05  # share of frames without the mirror pass worth a note
MIRROR_FALLBACK_WARN = 0.25  # and worth a warning


UNFILTERED = ConditioningOptions(cutoff_hz=None)  # gap-filled, not low-passed
# [proposed] knee-angle jitter (robust SD, deg) above which peak FPPA reads >= ~3 deg high
FPPA_JITTER_SD_DEG = 2.0
# how far the peak of a rep's filtered FPPA reads above the true peak, per degree of jitter SD
# (synthetic single-leg squats, 30 fps, 6 Hz conditioning: tests/test_single_leg_squat_synthetic)
PEAK_BIAS_PER_SD = 1.4


def fppa_jitter_deg(p: Prepared) -> float:
    """The knee FPPA's frame-to-frame jitter: robust SD of the unfiltered angle about the
    filtered one, both knees pooled (NaN if unknown). The movement itself is far slower than
    the filter's cutoff, so what the filter removes is the landmarks' jitter."""
    raw = compute_kinematics(condition(p.seq, UNFILTERED))
    return robust_sd(np.concatenate([raw.fppa[s] - p.k.fppa[s] for s in SIDES]))


def quality_flags(p: Prepared) -> None:
    """Flags about the recording itself: view, frame rate, visibility, gaps, jitter."""
    clip = p.seq.clip
    flags = p.flags
    jitter = fppa_jitter_deg(p) if p.view.view != "sagittal" else float("nan")
    if jitter > FPPA_JITTER_SD_DEG:
        flags.append(Flag(code="fppa_jitter", severity="warning", message=(
            f"The knee angle jitters by ±{jitter:.1f}° from frame to frame (a small or distant "
            "person, low light or motion blur): peak FPPA values read high by about "
            f"{PEAK_BIAS_PER_SD * jitter:.0f}°. Film closer, with the body filling at least "
            "half of the picture's height, in good light.")))
    if p.view.view != "frontal":
        sev = "error" if p.view.view == "sagittal" else "warning"
        flags.append(Flag(code="view", severity=sev, message=(
            f"The camera view looks {p.view.view} (shoulder width {p.view.width_ratio:.2f} trunk "
            "heights; facing the camera is ≥ 0.5): knee valgus, pelvic drop and trunk lean "
            + ("cannot be measured; film from the front." if sev == "error" else
               "are approximate; film straight from the front.")
        )))
    if clip.fps_effective < 15:
        flags.append(Flag(code="frame_rate", severity="warning", message=(
            f"Only {clip.fps_effective:.0f} distinct pictures per second: tempo and the deepest "
            "point are imprecise; record at 30 fps or more.")))
    if clip.repeated_frames > 0.2 * clip.n_frames:
        flags.append(Flag(code="repeated_frames", severity="warning", message=(
            f"{clip.repeated_frames} of {clip.n_frames} frames repeat the picture before: the "
            f"clip holds {clip.fps_effective:.0f} distinct pictures per second, not "
            f"{clip.fps_measured:.0f}.")))
    pose_frac = float(p.seq.has_pose.mean())
    if pose_frac < 0.9:
        flags.append(Flag(code="visibility", severity="warning", message=(
            f"A person was found in only {pose_frac:.0%} of frames; check lighting and that "
            "nothing blocks the view.")))
    flags.extend(pose_pass_flags(p.seq.extra))
    for name, gap in p.pose.long_gaps(min_s=0.5)[:5]:
        flags.append(Flag(code="gap", severity="info", message=(
            f"{name} was not visible from {gap.t_start:.1f} to {gap.t_end:.1f} s.")))


def gaps(p: Prepared) -> list[GapInfo]:
    return [GapInfo(landmark=n, t_start=g.t_start, t_end=g.t_end) for n, g in p.pose.long_gaps()]


def view_info(p: Prepared) -> ViewInfo:
    untrusted = [] if p.frontal_trusted else list(FRONTAL_METRICS)
    if p.view.view == "oblique":  # the far leg's landmarks are partly guessed
        untrusted.append("knee_flexion_est_deg")
    reason = {
        "frontal": "shoulders square to the camera",
        "oblique": "body turned partly away from the camera: frontal-plane angles approximate",
        "sagittal": "side view: frontal-plane angles not measurable from this view",
    }[p.view.view]
    return ViewInfo(view=p.view.view, source=p.view_source,  # type: ignore[arg-type]
                    body_yaw_deg=finite(p.view.yaw_deg), width_ratio=finite(p.view.width_ratio),
                    untrusted_metrics=untrusted, reason=reason)


def standing_reference(p: Prepared, source: str) -> StandingReference:
    f = p.standing.frames
    return StandingReference(
        t_start=float(p.k.t[f[0]]), t_end=float(p.k.t[f[-1]]), n_frames=len(f),
        source=source,  # type: ignore[arg-type]
        leg_length_px=p.standing.leg_length_px,
        fppa_deg={s: finite(nanmedian(p.k.fppa[s][f])) for s in ("left", "right")},
    )


def finite(x: float | None) -> float | None:
    """``x`` as a float, or None when it is missing or not a finite number."""
    return float(x) if x is not None and np.isfinite(x) else None


def rep_slice(rep: RepWindow) -> slice:
    return slice(rep.start, rep.end + 1)


def peak(values: Array, t: Array, rep: RepWindow, mask: NDArray[np.bool_] | None = None,
         mode: str = "max") -> tuple[float | None, float | None]:
    """The largest (or smallest) finite value within a rep, and its time."""
    sl = rep_slice(rep)
    v = np.asarray(values[sl], dtype=np.float64).copy()
    if mask is not None:
        v[~mask[sl]] = np.nan
    if not np.any(np.isfinite(v)):
        return None, None
    i = int(np.nanargmax(v) if mode == "max" else np.nanargmin(v))
    return float(v[i]), float(t[sl][i])


def flexion_peak(p: Prepared, side: Side, rep: RepWindow
                 ) -> tuple[float | None, float | None, float | None]:
    """A knee's deepest flexion estimate in a rep, when, and its +- uncertainty there."""
    est = p.flexion[side]
    value, when = peak(est.deg, p.k.t, rep)
    if when is None:
        return None, None, None
    i = rep.start + int(np.nanargmax(est.deg[rep_slice(rep)]))
    return value, when, finite(est.uncertainty_deg[i])


def flexion_note(p: Prepared) -> str:
    """What the knee flexion figures are, and how far to trust them in this view."""
    if p.view.view == "sagittal":
        return "Knee flexion is the knee angle in the picture (side view)."
    text = ("Knee flexion is an estimate from how much the thigh and shank shorten in the "
            "picture against the standing frames; each rep gives its +- uncertainty (within "
            f"{MODEL_ERROR_DEG:g} deg on synthetic legs filmed from knee height, up to "
            f"{PITCHED_ERROR_DEG:g} deg with the camera 15 deg above or below that; more near "
            "straight, where landmark noise dominates). It reads wrong with the camera well "
            "above or below knee height or the knee behind the ankle")
    if p.view.view == "oblique":
        return text + "; the body is turned in this clip, so the far leg is partly hidden: " \
            "approximate."
    return text + "."


def at_flexion(fppa: Array, flexion: Array, rep: RepWindow, level: float) -> float | None:
    """FPPA when knee flexion first reaches ``level`` on the way down (interpolated)."""
    f = flexion[rep.start:rep.bottom + 1]
    a = fppa[rep.start:rep.bottom + 1]
    idx = np.flatnonzero(np.isfinite(f) & (f >= level))
    if len(idx) == 0:
        return None
    i = int(idx[0])
    if i == 0 or not np.isfinite(f[i - 1]) or not np.isfinite(a[i - 1]):
        return finite(a[i])
    w = (level - f[i - 1]) / (f[i] - f[i - 1])
    return finite(a[i - 1] + w * (a[i] - a[i - 1]))


def observed_fraction(p: Prepared, rep: RepWindow, landmarks: tuple[int, ...]) -> float:
    """Share of a rep's frames in which all ``landmarks`` were visible in the raw data."""
    obs = p.pose.observed[rep_slice(rep)][:, list(landmarks)]
    return float(np.all(obs, axis=1).mean()) if len(obs) else 0.0


def blank_unmeasurable(p: Prepared, metrics: dict[str, float | None]) -> None:
    """Remove frontal-plane numbers a side view cannot support."""
    if not p.frontal_measurable:
        for name in FRONTAL_METRICS:
            if name in metrics:
                metrics[name] = None


def summarise(values: list[tuple[Rep, dict[str, float | None]]], catalog: dict[str, MetricDef],
              names: tuple[str, ...], unmeasurable: str | None,
              noise: Mapping[str, float] | None = None) -> dict[str, MetricSummary]:
    """Median and worst rep of each metric over the given (rep, metrics) pairs, and how sure
    the median is: rep-to-rep SD, bootstrap interval, the clip's ``noise``, published SEM."""
    out = {}
    noise = noise or {}
    for name in names:
        d = catalog[name]
        pairs = [(r, m[name]) for r, m in values if finite(m.get(name)) is not None]
        if not pairs:
            reason = (unmeasurable if unmeasurable and name in FRONTAL_METRICS
                      else "no rep gave a value")
            out[name] = MetricSummary(label=d.label, unit=d.unit, median=None, worst=None,
                                      worst_rep=None, worst_t=None, n_reps=0, reason=reason)
            continue
        vals = [float(v) for _, v in pairs]  # type: ignore[arg-type]
        w = d.worst_of(vals)
        rep = pairs[w][0]
        ci = median_interval(vals)
        out[name] = MetricSummary(
            label=d.label, unit=d.unit, median=float(np.median(vals)), worst=vals[w],
            worst_rep=rep.index, worst_t=rep.at_t.get(name, rep.t_bottom), n_reps=len(vals),
            sd=rep_sd(vals), ci_low=ci[0] if ci else None, ci_high=ci[1] if ci else None,
            noise=noise.get(name), sem_published=d.sem)
    return out


def leg_summary(side: Side, reps: list[Rep], pairs: list[tuple[Rep, dict[str, float | None]]],
                catalog: dict[str, MetricDef], names: tuple[str, ...],
                unmeasurable: str | None, noise: Mapping[str, float] | None = None
                ) -> LegSummary:
    used = [(r, m) for r, m in pairs if not r.excluded]
    return LegSummary(
        side=side, reps_total=len(reps), reps_used=len(used),
        excluded=[Exclusion(rep=r.index, reason=r.exclusion_reason or "") for r in reps
                  if r.excluded],
        metrics=_with_noise(summarise(used, catalog, names, unmeasurable, noise),
                            [r for r, _ in used]),
    )


def _with_noise(metrics: dict[str, MetricSummary], used: list[Rep]) -> dict[str, MetricSummary]:
    """Each noisy metric's summary with its measurement noise (median over the used reps'
    ``uncertainty``) and whether its median lies within it (then it is no finding)."""
    out = dict(metrics)
    for name in NOISY_METRICS:
        band = [r.uncertainty[name] for r in used if name in r.uncertainty]
        m = out.get(name)
        if m is None or not band:
            continue
        noise = float(np.median(band))
        out[name] = m.model_copy(update={"noise": noise,
                                         "within_noise": within_noise(m.median, noise)})
    return out


def version() -> str:
    return __version__


def pose_pass_flags(extra: dict[str, object]) -> list[Flag]:
    """Where pose estimation fell short of its plan: frames without the mirror pass, and
    time segments whose trackers disagreed on who the person is."""
    flags = []
    mirror = extra.get("mirror")
    if isinstance(mirror, dict):
        disagreed, averaged = int(mirror["disagreed"]), int(mirror["averaged"])
        nobody = int(mirror["picture_only"]) + int(mirror["mirror_only"])
        single = disagreed + nobody
        total = single + averaged
        if total and single > MIRROR_FALLBACK_NOTE * total:
            why = " and ".join(w for n, w in ((disagreed, f"in {disagreed} the passes placed the "
                                               "person differently"),
                                              (nobody, f"in {nobody} one pass found nobody"))
                               if n)
            flags.append(Flag(
                code="mirror_pass",
                severity="warning" if single > MIRROR_FALLBACK_WARN * total else "info",
                message=(f"{single} of {total} frames with a person ({single / total:.0%}) "
                         f"use one landmarker pass, not picture and mirror averaged ({why}): "
                         "there, left and right can differ by 1-3 deg.")))
    seams = extra.get("seams")
    for seam in seams if isinstance(seams, list) else []:
        if isinstance(seam, dict) and seam.get("same_person") is False:
            flags.append(Flag(code="segment_seam", severity="warning", message=(
                f"At {float(seam['t']):.1f} s the clip's time segments tracked different "
                "people; re-run with --workers 1 (one segment) to follow one person.")))
    return flags

