"""The report's view model: results and plan turned into what a coach reads.

Findings are plain sentences; every metric gets a traffic light against the thresholds of the
rules in force for the athlete's sex (:mod:`movescreen.rules.limits`, the same numbers the plan
uses): green = target met, red = movement-quality target not met, amber = approximate because
of the camera view, grey = no norm or not measurable. Nothing here draws or renders.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..catalog import MetricDef, Sex, load_catalog
from ..results import MetricSummary, Rep, ScreenResult, Side
from ..rules.limits import Limit, Limits, load_limits
from ..rules.plan import Plan

Light = Literal["red", "amber", "green", "grey"]
SIDES: tuple[Side, Side] = ("left", "right")
LANDINGS = ("single-leg-hop", "drop-landing")
# left-right FPPA difference: the rules' limit (the smallest detectable difference, Munro 2012)
ASYMMETRY = "fppa_asymmetry_deg"

SCREEN_TITLES = {"single-leg-squat": "Single-leg squat", "squat": "Squat",
                 "single-leg-hop": "Single-leg hop", "drop-landing": "Drop landing"}
_WHERE = {"single-leg-squat": "at the bottom of the single-leg squat",
          "squat": "at the bottom of the squat", "single-leg-hop": "in the hop landing",
          "drop-landing": "in the landing"}
# plain-word findings; {Side}/{side} = the leg, {where} = the screen's moment
_PHRASES = {
    "fppa_peak_deg": "{Side} knee moves inside the foot {where}",
    "fppa_bottom_deg": "{Side} knee moves inside the foot {where}",
    "fppa_at_45_deg": "{Side} knee moves inside the foot at 45° knee bend",
    "fppa_at_60_deg": "{Side} knee moves inside the foot at 60° knee bend",
    "pelvic_drop_deg": "Pelvis drops on the free-leg side when standing on the {side} leg",
    "trunk_lean_deg": "Trunk leans toward the {side} leg {where}",
    "depth_pct": "{Side} leg: squat too shallow (hip drop)",
    "knee_flexion_est_deg": "{Side} knee bends too little {where}",
    "kasr_bottom": "Knees come closer together than the ankles at the bottom of the squat",
    "kasr_min": "Knees come closer together than the ankles in the landing",
    "kasr_ic": "Knees closer together than the ankles at touchdown",
    "fppa_ic_deg": "{Side} knee moves inside the foot at touchdown",
    "fppa_landing_peak_deg": "{Side} knee moves inside the foot {where}",
    "knee_over_foot_ic": "{Side} knee lands inside the 2nd toe",
    "trunk_lean_ic_deg": "Trunk leans toward the {side} leg at touchdown",
    "pelvic_drop_ic_deg": "Pelvis drops at touchdown on the {side} leg",
    "knee_flexion_ic_deg": "{Side} knee almost straight at touchdown",
    "knee_flexion_excursion_deg": "Stiff landing on the {side} leg: the knee bends too little",
}
KEY_METRICS = {
    "single-leg-squat": ("fppa_peak_deg", "pelvic_drop_deg", "trunk_lean_deg", "depth_pct"),
    "squat": ("kasr_bottom", "knee_over_foot", "depth_pct"),
    "single-leg-hop": ("fppa_landing_peak_deg", "knee_flexion_ic_deg",
                       "knee_flexion_excursion_deg", "lsi_hop_distance_pct"),
    "drop-landing": ("fppa_landing_peak_deg", "kasr_min", "knee_flexion_ic_deg",
                     "knee_flexion_excursion_deg"),
}
# the metric whose worst rep gives the still, per screen
STILL_METRIC = {"single-leg-squat": "fppa_peak_deg", "squat": "knee_over_foot",
                "single-leg-hop": "fppa_landing_peak_deg",
                "drop-landing": "fppa_landing_peak_deg"}
_SQUAT_REPS = {"fppa_peak_deg": ("FPPA peak (worse knee)", "deg"),
               "kasr_bottom": ("knee/ankle sep.", "ratio"),
               "pelvic_shift_pct": ("pelvic shift", "% leg length")}
_SLS_REPS = {"fppa_peak_deg": ("FPPA peak", "deg"), "pelvic_drop_deg": ("pelvic drop", "deg"),
             "trunk_lean_deg": ("trunk lean", "deg")}
_TEMPO = {"depth_pct": ("depth", "% leg length"), "descent_s": ("down", "s"),
          "ascent_s": ("up", "s")}
_LANDING_REPS = {"flight_time_s": ("flight", "s"), "jump_height_cm": ("height", "cm"),
                 "fppa_ic_deg": ("FPPA contact", "deg"),
                 "fppa_landing_peak_deg": ("FPPA peak", "deg"), "kasr_min": ("knee/ankle sep.",
                                                                            "ratio"),
                 "knee_flexion_ic_deg": ("knee flex. contact", "deg"),
                 "tts_video_s": ("video TTS", "s")}
_SUFFIX = {"deg": "°", "% leg length": "%", "s": " s", "leg lengths": " LL", "ratio": "",
           "cm": " cm", "%": "%"}


def fmt(v: float | None, unit: str) -> str:
    """A value with its unit, or an em dash."""
    if v is None or not math.isfinite(v):
        return "—"
    digits = 2 if unit in ("leg lengths", "ratio", "s") else 0 if unit == "deg" else 1
    return f"{v:.{digits}f}{_SUFFIX.get(unit, ' ' + unit)}"


@dataclass(frozen=True)
class Cell:
    """One value with its traffic light and a short reason for the colour."""

    text: str
    light: Light
    why: str = ""
    sure: str = ""  # how sure the median is (interval, spread, noise, published SEM)


@dataclass(frozen=True)
class MetricRow:
    name: str
    label: str
    normal: str
    cells: dict[str, Cell]  # "left", "right" or "both"
    diff: str = ""
    asymmetric: bool = False


@dataclass(frozen=True)
class Finding:
    text: str
    light: Light
    screen: str
    score: float


@dataclass(frozen=True)
class RepRow:
    index: int
    leg: str
    when: str
    cells: list[str]
    note: str
    excluded: bool


@dataclass(frozen=True)
class StillRequest:
    """Which moment of which clip to show, and which legs to draw."""

    sides: tuple[Side, ...]
    t: float
    caption: str
    clip: str | None  # rep.clip for combined results


@dataclass
class ScreenView:
    key: str
    title: str
    result: ScreenResult
    source: Path
    metrics: list[MetricRow]
    bilateral: list[MetricRow]
    rep_columns: list[str]
    reps: list[RepRow]
    key_cells: list[tuple[str, dict[str, Cell]]]
    stills: list[StillRequest]
    not_measurable: list[str]
    approximate: list[str]
    missing_sides: list[str]
    images: dict[str, object] = field(default_factory=dict)  # filled by the renderer
    asymmetry_limit: str = ""  # the left-right FPPA difference that counts as asymmetric


@dataclass
class ReportView:
    athlete_name: str
    notes: str
    date: str
    version: str
    models: list[str]
    clips: list[str]
    screens: list[ScreenView]
    findings: list[Finding]
    plan: Plan | None
    sex: Sex
    previous: list[ScreenResult]
    limits: Limits
    not_assessed: list[str] = field(default_factory=list)
    images: dict[str, object] = field(default_factory=dict)


def _light(limit: Limit | None, value: float | None, approximate: bool,
           with_norm: bool = True) -> Light:
    if value is None or limit is None:
        return "grey"
    flagged = limit.flagged(value) if with_norm else None
    if flagged is None:
        return "grey"
    if approximate:
        return "amber"
    return "red" if flagged else "green"


def _cell(d: MetricDef | None, m: MetricSummary | None, limit: Limit | None,
          untrusted: set[str], with_norm: bool) -> Cell:
    if m is None:
        return Cell("—", "grey", "not recorded")
    if m.median is None:
        return Cell("n/a", "grey", m.reason or "not measurable")
    if d is None:
        return Cell(fmt(m.median, m.unit), "grey")
    approx = d.name in untrusted
    light = _light(limit, m.median, approx, with_norm)
    if light == "red" and m.within_noise:
        return Cell(fmt(m.median, m.unit), "grey", "within measurement noise "
                    f"(±{fmt(m.noise, m.unit)})", sureness(m))
    why = {"red": "movement-quality target not met", "green": "target met",
           "amber": "approximate: camera not straight-on", "grey": "no norm for this screen"
           if with_norm is False else "no norm"}[light]
    text = fmt(m.median, m.unit)
    if m.worst is not None and m.n_reps > 1 and m.worst != m.median:
        text += f" (worst {fmt(m.worst, m.unit)})"
    return Cell(text, light, why, sureness(m))


def sureness(m: MetricSummary) -> str:
    """'95% 9–15°, SD 4°, noise 1°, SEM 3°': what is known about how sure the median is."""
    parts = []
    if m.ci_low is not None and m.ci_high is not None:
        parts.append(f"95% {fmt(m.ci_low, m.unit)}–{fmt(m.ci_high, m.unit)}")
    for word, v in (("SD", m.sd), ("noise", m.noise), ("SEM", m.sem_published)):
        if v is not None:
            parts.append(f"{word} {fmt(v, m.unit)}")
    return ", ".join(parts)


def _norm_text(d: MetricDef, limit: Limit) -> str:
    return (f"normal up to {fmt(limit.value, d.unit)}" if limit.above
            else f"target at least {fmt(limit.value, d.unit)}")


def _finding(test: str, d: MetricDef, side: str | None, value: float, limit: Limit,
             approximate: bool) -> Finding:
    template = _PHRASES.get(d.name, f"{d.label} ({{side}} leg)" if side else d.label)
    leg = side or "both"
    text = template.format(Side=leg.capitalize(), side=leg, where=_WHERE[test])
    text = f"{text}: {fmt(value, d.unit)}, {_norm_text(d, limit)}"
    if approximate:
        text += " (approximate: camera not straight-on)"
    score = abs(value - limit.value) / max(abs(limit.value), 1.0)
    return Finding(text, "amber" if approximate else "red", SCREEN_TITLES[test], score)


def _rep_rows(r: ScreenResult) -> tuple[list[str], list[RepRow]]:
    landing = r.test in LANDINGS
    cols = _LANDING_REPS if landing else ({**_SQUAT_REPS, **_TEMPO} if r.test == "squat"
                                          else {**_SLS_REPS, **_TEMPO})
    rows = []
    for rep in r.reps:
        m = dict(rep.metrics)
        if rep.per_leg:  # bilateral: the worse knee
            for name in ("fppa_peak_deg", "fppa_ic_deg", "fppa_landing_peak_deg",
                         "knee_flexion_ic_deg"):
                vals = [v for v in (leg.get(name) for leg in rep.per_leg.values())
                        if v is not None]
                if vals:
                    m[name] = (min if name == "knee_flexion_ic_deg" else max)(vals)
        when = rep.events.get("initial_contact", rep.t_bottom) if landing else rep.t_bottom
        where = f"{Path(rep.clip).name}: " if rep.clip else ""
        note = rep.exclusion_reason or ("balance lost" if rep.balance_lost else "")
        note = "; ".join(x for x in (note, *rep.notes) if x)
        rows.append(RepRow(rep.index, rep.leg, f"{where}{when:.2f} s",
                           [fmt(m.get(c), unit) for c, (_, unit) in cols.items()], note,
                           rep.excluded))
    return [label for label, _ in cols.values()], rows


def _rep(r: ScreenResult, index: int | None) -> Rep | None:
    return next((x for x in r.reps if x.index == index), None)


def _stills(r: ScreenResult) -> list[StillRequest]:
    """The worst rep per leg at its deepest point (landings: peak); one still if shared."""
    name = STILL_METRIC[r.test]
    landing = r.test in LANDINGS
    picks: dict[tuple[float, str | None], list[Side]] = {}
    captions: dict[tuple[float, str | None], str] = {}
    for side in SIDES:
        leg = r.legs.get(side)
        if leg is None or not leg.reps_total:
            continue
        m = leg.metrics.get(name)
        rep = _rep(r, m.worst_rep if m else None)
        if rep is None:  # no worst rep: the first used rep of this leg
            rep = next((x for x in r.reps if x.leg in (side, "both") and not x.excluded), None)
        if rep is None:
            continue
        t = (rep.events.get("peak_flexion", rep.t_bottom) if landing else rep.t_bottom)
        if m and m.worst_t is not None and m.worst_rep == rep.index and not landing:
            t = m.worst_t
        key = (round(t, 3), rep.clip)
        picks.setdefault(key, []).append(side)
        what = "landing" if landing else "rep"
        moment = "at peak knee bend" if landing else "at its deepest point"
        captions[key] = f"worst {what} (#{rep.index}) {moment}, {t:.2f} s"
    return [StillRequest(tuple(sides), t, captions[(t, clip)], clip)
            for (t, clip), sides in picks.items()]


def screen_view(source: Path, r: ScreenResult, limits: Limits, index: int,
                catalog: dict[str, MetricDef]) -> ScreenView:
    """One screen's tables, traffic lights and still requests."""
    untrusted = set(r.view.untrusted_metrics)
    with_norm = r.test != "squat"  # the published FPPA norms are for single-leg tasks
    names = list(dict.fromkeys(n for leg in r.legs.values() for n in leg.metrics))
    asymmetry = limits.get(r.test, ASYMMETRY) or limits.get("single-leg-squat", ASYMMETRY)
    rows = []
    for name in names:
        d = catalog.get(name)
        limit = limits.get(r.test, name)
        cells = {s: _cell(d, r.legs[s].metrics.get(name) if s in r.legs and r.legs[s].reps_total
                          else None, limit, untrusted, with_norm) for s in SIDES}
        vals = [r.legs[s].metrics[name].median for s in SIDES
                if s in r.legs and name in r.legs[s].metrics]
        diff, asym = "", False
        if len(vals) == 2 and None not in vals:
            delta = abs(vals[0] - vals[1])  # type: ignore[operator]
            unit = d.unit if d else ""
            diff = fmt(delta, unit)
            asym = bool(with_norm and name.startswith("fppa") and unit == "deg"
                        and asymmetry is not None and asymmetry.flagged(delta))
        label = d.label if d else name
        rows.append(MetricRow(name, label, d.normal if d else "", cells, diff, asym))
    bilateral = []
    for name, m in r.bilateral.items():
        d = catalog.get(name)
        bilateral.append(MetricRow(name, d.label if d else m.label, d.normal if d else "",
                                   {"both": _cell(d, m, limits.get(r.test, name), untrusted,
                                                  True)}))
    key_cells = []
    by_name = {row.name: row for row in [*rows, *bilateral]}
    for name in KEY_METRICS[r.test]:
        if name in by_name:
            key_cells.append((by_name[name].label, by_name[name].cells))
    cols, reps = _rep_rows(r)
    not_measurable = sorted({f"{row.label}: {c.why}" for row in [*rows, *bilateral]
                             for c in row.cells.values() if c.text == "n/a"})
    approximate = sorted(catalog[n].label if n in catalog else n for n in untrusted
                         if n in by_name)
    missing = [s for s in SIDES if s not in r.legs or not r.legs[s].reps_total]
    return ScreenView(f"screen-{index}", SCREEN_TITLES[r.test], r, source, rows, bilateral,
                      cols, reps, key_cells, _stills(r), not_measurable, approximate, missing,
                      asymmetry_limit=fmt(asymmetry.value, "deg") if asymmetry else "")


def findings(r: ScreenResult, limits: Limits, catalog: dict[str, MetricDef]) -> list[Finding]:
    """Every metric (median over reps) that misses its movement-quality target."""
    out = []
    untrusted = set(r.view.untrusted_metrics)
    per_leg = [(s, n, m) for s, leg in r.legs.items() if leg.reps_total
               for n, m in leg.metrics.items()]
    if r.test == "squat":  # no single-leg norms for a bilateral squat
        per_leg = [x for x in per_leg if x[1] == "depth_pct"]
    flagged = []
    for side, name, m in [*per_leg, *((None, n, m) for n, m in r.bilateral.items())]:
        d, limit = catalog.get(name), limits.get(r.test, name)
        if (d is None or limit is None or m.median is None or not limit.flagged(m.median)
                or m.within_noise):
            continue
        flagged.append((side, name, m))
        out.append(_finding(r.test, d, side, m.median, limit, name in untrusted))
    best: dict[tuple[str | None, str], Finding] = {}  # one finding per leg and family
    for (side, name, _), f in zip(flagged, out, strict=True):
        key = (side, "fppa" if name.startswith("fppa") else name)
        if key not in best or f.score > best[key].score:
            best[key] = f
    return list(best.values())


def not_assessed(plan: Plan | None) -> list[str]:
    """The plan's unassessed rules, one line per rule message (left and right merged)."""
    if plan is None:
        return []
    lines: dict[str, dict[str, None]] = {}
    for n in plan.not_assessed:
        why = lines.setdefault(n.message, {})
        for m in n.missing:
            why[m.split(": ", 1)[-1]] = None
    return [f"{msg} ({'; '.join(why)})" if why else msg for msg, why in lines.items()]


def build_report(results: list[tuple[Path, ScreenResult]], plan: Plan | None = None, *,
                 athlete_name: str = "", notes: str = "",
                 previous: list[ScreenResult] | None = None,
                 limits: Limits | None = None) -> ReportView:
    """The whole report's content. Text is kept raw: the template escapes it.

    ``limits``: the thresholds in force (rules and athlete's sex); without them, the default
    rules for the plan's athlete (unknown sex without a plan).
    """
    catalog = load_catalog()
    if limits is None:
        limits = load_limits(None, plan.athlete.sex if plan is not None else "unknown")
    sex: Sex = limits.sex
    screens = [screen_view(p, r, limits, i, catalog) for i, (p, r) in enumerate(results)]
    found = [f for _, r in results for f in findings(r, limits, catalog)]
    found.sort(key=lambda f: (f.light != "red", -f.score))
    rs = [r for _, r in results]
    clips = [Path(c.file).name for r in rs for c in (r.clip, *r.other_clips)]
    return ReportView(
        athlete_name=athlete_name, notes=notes,
        date=min(r.created for r in rs)[:10] if rs else "",
        version=rs[0].movescreen_version if rs else "",
        models=sorted({r.model.name for r in rs}), clips=list(dict.fromkeys(clips)),
        screens=screens, findings=found, plan=plan, sex=sex, previous=list(previous or []),
        limits=limits, not_assessed=not_assessed(plan))
