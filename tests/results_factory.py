"""Build ScreenResults from metric names (``sls.left.fppa_peak_deg``) for rules tests, with
the ratings the pipeline attaches."""

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from movescreen.catalog import MetricDef, load_catalog
from movescreen.ratings import with_ratings
from movescreen.results import (
    ClipInfo,
    Flag,
    LegSummary,
    MetricSummary,
    ModelInfo,
    PersonInfo,
    Rep,
    ScreenResult,
    StandingReference,
    ViewInfo,
)

TESTS = {"sls": "single-leg-squat", "squat": "squat", "hop": "single-leg-hop",
         "landing": "drop-landing"}
SIDES = ("left", "right")

# an athlete who passes every default gate (unknown sex): phase 4
PASSING: dict[str, Any] = {
    **{f"sls.{s}.{m}": v for s in SIDES for m, v in (
        ("fppa_peak_deg", 5.0), ("pelvic_drop_deg", 2.0), ("trunk_lean_deg", 3.0),
        ("knee_flexion_est_deg", 62.0), ("descent_s", 2.0), ("ascent_s", 2.0),
        ("depth_pct", 20.0), ("reps_used", 5), ("balance_lost_reps", 0))},
    **{f"squat.{s}.fppa_peak_deg": 4.0 for s in SIDES},
    "squat.kasr_bottom": 1.2, "squat.depth_pct": 30.0,
    **{f"landing.{s}.{m}": v for s in SIDES for m, v in (
        ("fppa_landing_peak_deg", 5.0), ("knee_flexion_ic_deg", 35.0),
        ("knee_flexion_excursion_deg", 60.0), ("reps_used", 3))},
    "landing.kasr_ic": 1.1,
    **{f"hop.{s}.{m}": v for s in SIDES for m, v in (
        ("fppa_landing_peak_deg", 5.0), ("knee_flexion_ic_deg", 35.0), ("tts_video_s", 1.0),
        ("hop_distance_cm", 150.0), ("reps_used", 3))},
    "hop.lsi_hop_distance_pct": 95.0, "hop.lsi_jump_height_pct": 95.0,
}


@cache
def catalog() -> dict[str, MetricDef]:
    return load_catalog()


def _summary(name: str, value: float | None) -> MetricSummary:
    d = catalog()[name]
    return MetricSummary(label=d.label, unit=d.unit, median=value, worst=value,
                         worst_rep=1 if value is not None else None,
                         worst_t=1.0 if value is not None else None,
                         n_reps=0 if value is None else 3,
                         reason=None if value is not None else "not measurable from this view")


def screen(test: str, values: Mapping[str, Any], sides: Iterable[str] = SIDES,
           flags: Iterable[Flag] = (), name: str = "clip") -> ScreenResult:
    """One ScreenResult of ``test`` from relative names (``left.fppa_peak_deg``,
    ``kasr_bottom``, ``left.reps_used``, ``left.balance_lost_reps``)."""
    sides = list(sides)
    legs, reps = {}, []
    for side in SIDES:
        used = int(values.get(f"{side}.reps_used", 5)) if side in sides else 0
        lost = int(values.get(f"{side}.balance_lost_reps", 0) or 0) if side in sides else 0
        metrics = {k.split(".", 1)[1]: v for k, v in values.items()
                   if k.startswith(f"{side}.") and k.split(".", 1)[1] in catalog()}
        for i in range(used):
            reps.append(Rep(index=len(reps) + 1, leg=side, t_start=i, t_bottom=i + 0.5,  # type: ignore[arg-type]
                            t_end=i + 1.0, metrics={},
                            balance_lost=(i < lost) if test == "single-leg-squat" else None))
        legs[side] = LegSummary(side=side, reps_total=used, reps_used=used, excluded=[],  # type: ignore[arg-type]
                                metrics={m: _summary(m, v) for m, v in metrics.items()}
                                if side in sides else {})
    bilateral = {k: _summary(k, v) for k, v in values.items() if "." not in k}
    clip = ClipInfo(file=f"{name}.mp4", sha256=(name * 64)[:64].ljust(64, "0"),
                    container="mp4", codec="h264", width=1080, height=1920, rotation_deg=0,
                    n_frames=300, duration_s=10.0, fps_container=30.0, fps_measured=30.0,
                    fps_effective=30.0, repeated_frames=0, variable_frame_rate=False)
    return with_ratings(ScreenResult(
        movescreen_version="test", created="2025-01-01T00:00:00+00:00", test=test,  # type: ignore[arg-type]
        clip=clip, model=ModelInfo(name="test", sha256="0" * 64, source="test"),
        person=PersonInfo(people_seen=1, selection="test", crop_tracking=False,
                          body_height_frac=0.8),
        view=ViewInfo(view="frontal", source="auto", body_yaw_deg=0.0, width_ratio=0.8,
                      untrusted_metrics=[], reason="test"),
        standing=StandingReference(t_start=0, t_end=1, n_frames=30, source="auto",
                                   leg_length_px=400.0, fppa_deg={"left": 0.0, "right": 0.0}),
        reps=reps, legs=legs, bilateral=bilateral, quality=list(flags), gaps=[], notes=[]))


def results_for(values: Mapping[str, Any], omit: Iterable[str] = (),
                flags: Mapping[str, list[Flag]] | None = None,
                split: Iterable[str] = ()) -> list[ScreenResult]:
    """ScreenResults for every screen prefix named in ``values`` (``sls.left.x`` ...), except
    ``omit``. Screens in ``split`` get one file per leg (a left clip and a right clip)."""
    flags = flags or {}
    out = []
    for prefix, test in TESTS.items():
        if prefix in omit:
            continue
        rel = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith(prefix + ".")}
        if not rel:
            continue
        if prefix in split:
            out += [screen(test, rel, sides=[s], flags=flags.get(prefix, ()),
                           name=f"{prefix}-{s}") for s in SIDES]
        else:
            out.append(screen(test, rel, flags=flags.get(prefix, ()), name=prefix))
    return out


def error_flag(code: str = "view", message: str = "The camera view looks sagittal: film from "
               "the front.") -> Flag:
    return Flag(code=code, severity="error", message=message)
