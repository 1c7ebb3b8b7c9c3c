"""A LESS-style landing score (Padua 2009) from the items the camera view supports.

Each of the 17 LESS items is either scored from a landing metric (median over the used
landings of each leg; an item errs when either leg errs) or listed as not scored with the
reason. A total is given only when enough items were scored (``less_min_items``), and a band
only when the unscored items could not change it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..results import LessItem, LessScore, ScreenResult

Values = Mapping[str, float | None]
View = Literal["frontal", "sagittal", "any"]
Band = Literal["excellent", "good", "moderate", "poor"]


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    view: View
    max_points: int = 1
    metric: str | None = None
    bilateral_only: bool = False  # does not apply to a single-leg landing


ITEMS = (
    Item("knee_flexion_ic", "Knee flexion at initial contact", "sagittal", 1,
         "knee_flexion_ic_deg"),
    Item("hip_flexion_ic", "Hip flexion at initial contact", "sagittal"),
    Item("trunk_flexion_ic", "Trunk flexion at initial contact", "sagittal"),
    Item("ankle_plantarflexion_ic", "Ankle plantarflexion at initial contact", "sagittal"),
    Item("knee_valgus_ic", "Knee valgus at initial contact", "frontal", 1, "knee_over_foot_ic"),
    Item("lateral_trunk_flexion_ic", "Lateral trunk flexion at initial contact", "frontal", 1,
         "trunk_lean_ic_deg"),
    Item("stance_wide", "Stance width: wide", "frontal", bilateral_only=True),
    Item("stance_narrow", "Stance width: narrow", "frontal", bilateral_only=True),
    Item("foot_toe_in", "Foot position: toes in", "frontal"),
    Item("foot_toe_out", "Foot position: toes out", "frontal"),
    Item("asymmetric_contact", "Asymmetric initial foot contact", "frontal",
         bilateral_only=True),
    Item("knee_flexion_displacement", "Knee flexion displacement", "sagittal", 1,
         "knee_flexion_excursion_deg"),
    Item("hip_flexion_max", "Hip flexion at maximum knee flexion", "sagittal"),
    Item("trunk_flexion_max", "Trunk flexion at maximum knee flexion", "sagittal"),
    Item("knee_valgus_displacement", "Knee valgus displacement", "frontal", 1,
         "fppa_landing_peak_deg"),
    Item("joint_displacement", "Joint displacement (soft / average / stiff)", "sagittal", 2,
         "knee_flexion_excursion_deg"),
    Item("overall_impression", "Overall impression", "any", 2),
)


def _points(item: Item, v: float, t: Mapping[str, float]) -> tuple[int, str]:
    """Error points of one leg's value, and the words for it."""
    if item.key == "knee_flexion_ic":
        lim = t["less_knee_flexion_ic"]
        return int(v < lim), f"knee bent {v:.0f}° at contact (error under {lim:g}°)"
    if item.key == "knee_valgus_ic":
        lim = t["less_knee_over_foot_ic"]
        where = "inside" if v > 0 else "outside"
        return int(v > lim), (f"knee {abs(v):.2f} leg lengths {where} the 2nd toe at contact "
                              f"(error when inside)")
    if item.key == "lateral_trunk_flexion_ic":
        lim = t["less_trunk_lean_ic"]
        return int(abs(v) > lim), (f"trunk leans {abs(v):.0f}° sideways at contact "
                                   f"(error over {lim:g}°)")
    if item.key == "knee_flexion_displacement":
        lim = t["less_knee_displacement"]
        return int(v < lim), (f"knee bends a further {v:.0f}° after contact "
                              f"(error under {lim:g}°)")
    if item.key == "knee_valgus_displacement":
        lim = t["less_knee_valgus_peak"]
        return int(v > lim), f"peak knee angle {v:+.0f}° (FPPA, + = inward; error over {lim:g}°)"
    if item.key == "joint_displacement":
        soft, stiff = t["less_soft_landing"], t["less_knee_displacement"]
        pts = 0 if v >= soft else 1 if v >= stiff else 2
        word = ("soft", "average", "stiff")[pts]
        return pts, (f"{word} landing: knee excursion {v:.0f}° (soft from {soft:g}°, "
                     f"stiff under {stiff:g}°)")
    raise ValueError(item.key)  # pragma: no cover - every metric item is handled above


def _score_item(item: Item, legs: Sequence[tuple[str, Values, Mapping[str, str]]],
                view: str, t: Mapping[str, float]) -> LessItem:
    def out(points: int | None, reason: str) -> LessItem:
        return LessItem(key=item.key, label=item.label, view=item.view,
                        max_points=item.max_points, points=points, reason=reason)

    if item.key == "overall_impression":
        return out(None, "a rater's overall judgement: not scored from video")
    if not legs:
        return out(None, "no usable landing")
    if item.metric is None:
        if item.view not in ("any", view):
            return out(None, f"needs a {item.view} view (this clip: {view})")
        return out(None, "not measured by the landing screen")
    found = [(name, vals.get(item.metric)) for name, vals, _ in legs]
    scored = [(name, *_points(item, v, t)) for name, v in found if v is not None]
    if not scored:
        why = legs[0][2].get(item.metric)
        if item.view not in ("any", view):
            why = f"needs a {item.view} view (this clip: {view})"
        return out(None, why or "not measured")
    pts = max(p for _, p, _ in scored)
    words = "; ".join(f"{name}: {w}" if name else w for name, _, w in scored)
    return out(pts, words)


def band(total: int, t: Mapping[str, float]) -> Band:
    if total <= t["less_excellent_max"]:
        return "excellent"
    if total <= t["less_good_max"]:
        return "good"
    return "moderate" if total <= t["less_moderate_max"] else "poor"


def score(legs: Sequence[tuple[str, Values, Mapping[str, str]]], view: str, single_leg: bool,
          t: Mapping[str, float]) -> LessScore:
    """Score every applicable item from the legs' (name, medians, why-missing)."""
    items = [_score_item(i, legs, view, t) for i in ITEMS
             if not (single_leg and i.bilateral_only)]
    done = [i for i in items if i.points is not None]
    errors = sum(i.points for i in done)  # type: ignore[misc]
    most = errors + sum(i.max_points for i in items if i.points is None)
    enough = len(done) >= min(t["less_min_items"], len(items))
    total = errors if enough else None
    b_low, b_high = band(errors, t), band(most, t)
    the_band = b_low if b_low == b_high else None
    head = f"{errors} error point(s) in the {len(done)} of {len(items)} items scored"
    if total is not None:
        tail = f"; LESS total {total}" + (f", {the_band}" if the_band else "")
    else:
        tail = (f"; no total: it needs at least {t['less_min_items']:g} scored items (the "
                f"unscored ones could bring it to {most})")
        if the_band:
            tail += f"; band {the_band} whatever the unscored items"
    return LessScore(items=items, n_items=len(items), n_scored=len(done), errors_scored=errors,
                     errors_max=most, total=total, band=the_band, summary=head + tail)


def _leg(result: ScreenResult, side: str) -> tuple[str, Values, Mapping[str, str]]:
    ms = result.legs[side].metrics  # type: ignore[index]
    return side, {k: m.median for k, m in ms.items()}, {k: m.reason for k, m in ms.items()
                                                         if m.reason}


def less(result: ScreenResult, t: Mapping[str, float]) -> dict[str, LessScore]:
    """drop-landing: one score over both legs; single-leg hop: one per leg with landings."""
    view = result.view.view
    if result.test == "drop-landing":
        legs = [_leg(result, s) for s, leg in result.legs.items() if leg.reps_used > 0]
        return {"both": score(legs, view, False, t)}
    if result.test == "single-leg-hop":
        return {s: score([_leg(result, s)] if leg.reps_used > 0 else [], view, True, t)
                for s, leg in result.legs.items() if leg.reps_total > 0}
    return {}
