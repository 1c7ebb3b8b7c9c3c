"""Several clips of one athlete and one screen (e.g. left-leg and right-leg trials) as one result,
with the per-leg summaries and the limb symmetry recomputed over all of them."""

from pathlib import Path

from .catalog import load_catalog
from .errors import MovescreenError
from .landmarks import SIDES
from .ratings import with_ratings
from .results import ClipView, Flag, Rep, ScreenResult
from .screens import landing, single_leg_squat, squat
from .screens.common import leg_summary, summarise

# test -> (per-leg metric names, bilateral metric names)
SUMMARY_METRICS = {
    "single-leg-squat": (single_leg_squat.METRICS, ()),
    "squat": (squat.LEG_METRICS, squat.BILATERAL_METRICS),
    "single-leg-hop": (landing.LEG_METRICS, landing.BILATERAL_METRICS),
    "drop-landing": (landing.LEG_METRICS, landing.BILATERAL_METRICS),
}
UNMEASURABLE = "not measurable from this view"


def clip_view(r: ScreenResult) -> ClipView:
    """One clip's view and usability: unusable with an error flag or without a used rep."""
    errors = [f.message for f in r.quality if f.severity == "error"]
    used = sum(leg.reps_used for leg in r.legs.values())
    problems = errors or ([] if used else ["no rep could be used"])
    return ClipView(clip=Path(r.clip.file).name, view=r.view,
                    legs=[s for s, leg in r.legs.items() if leg.reps_total],
                    usable=not problems, problems=problems)


def _clip_reps(r: ScreenResult, view: ClipView, ignored: bool, first: int) -> list[Rep]:
    """The clip's reps numbered from ``first``; all excluded when the clip is ``ignored``."""
    out = []
    for i, rep in enumerate(r.reps):
        update: dict = {"index": first + i, "clip": view.clip}
        if ignored and not rep.excluded:
            update |= {"excluded": True,
                       "exclusion_reason": f"clip not usable: {view.problems[0]}"}
        out.append(rep.model_copy(update=update))
    return out


def _clip_flags(r: ScreenResult, view: ClipView, ignored: bool) -> list[Flag]:
    """The clip's quality flags, named; an ignored clip's errors do not hold the others back."""
    out = []
    for f in r.quality:
        if ignored and f.severity == "error":
            out.append(f.model_copy(update={"severity": "warning", "message": (
                f"{view.clip}: {f.message} This clip's reps were not used.")}))
        else:
            out.append(f.model_copy(update={"message": f"{view.clip}: {f.message}"}))
    return out


def _supported(pairs: list[tuple[Rep, dict[str, float | None], int]],
               untrusted: list[set[str]], names: tuple[str, ...]
               ) -> tuple[list[tuple[Rep, dict[str, float | None]]], set[str]]:
    """Each metric from the clips whose view supports it, when any of them has a value.

    ``pairs`` holds (rep, values, clip number); returns (rep, values) pairs and the metric
    names that could only come from clips whose view does not support them.
    """
    out = [(rep, dict(values), k) for rep, values, k in pairs]
    fallback = set()
    for name in names:
        trusted = any(name not in untrusted[k] and values.get(name) is not None
                      and not rep.excluded for rep, values, k in out)
        if trusted:
            for _, values, k in out:
                if name in untrusted[k]:
                    values[name] = None
        elif any(name in untrusted[k] and values.get(name) is not None and not rep.excluded
                 for rep, values, k in out):
            fallback.add(name)
    return [(rep, values) for rep, values, _ in out], fallback


def combine(results: list[ScreenResult]) -> ScreenResult:
    """One ScreenResult holding every rep of ``results`` (same test), re-summarised.

    A clip that cannot be used (an error flag, or no used rep) keeps its reps, excluded, and
    its errors become warnings, as long as another clip can be used; ``clip_views`` records
    each clip's view and usability. Each metric comes from the clips whose view supports it.
    """
    if len(results) == 1:
        return results[0]
    tests = {r.test for r in results}
    if len(tests) > 1:
        raise MovescreenError(f"Clips of different screens ({', '.join(sorted(tests))}) cannot "
                              "be combined; analyse them with one --test at a time.")
    test = results[0].test
    views = [clip_view(r) for r in results]
    any_usable = any(v.usable for v in views)
    reps: list[Rep] = []
    clip_of: list[int] = []
    quality: list[Flag] = []
    notes: list[str] = []
    for k, (r, view) in enumerate(zip(results, views, strict=True)):
        ignored = any_usable and not view.usable
        reps += _clip_reps(r, view, ignored, len(reps) + 1)
        clip_of += [k] * len(r.reps)
        quality += _clip_flags(r, view, ignored)
        notes += [n for n in r.notes if n not in notes]
    if len({v.view.view for v in views}) > 1:
        notes.append("The clips were filmed from different views ("
                     f"{', '.join(f'{v.clip}: {v.view.view}' for v in views)}); "
                     "each metric uses the clips whose view supports it.")
    untrusted = [set(v.view.untrusted_metrics) for v in views]
    catalog = load_catalog()
    leg_names, bilateral_names = SUMMARY_METRICS[test]
    legs = {}
    fallback: set[str] = set()
    for side in SIDES:
        mine = [(rep, rep.metrics if rep.leg == side else rep.per_leg[side], k)
                for rep, k in zip(reps, clip_of, strict=True)
                if rep.leg == side or side in rep.per_leg]
        pairs, weak = _supported(mine, untrusted, leg_names)
        fallback |= weak
        legs[side] = leg_summary(side, [r for r, _ in pairs], pairs, catalog, leg_names, None,
                                 _largest_noise(results, side))
    both = [(rep, rep.metrics, k) for rep, k in zip(reps, clip_of, strict=True)
            if rep.leg == "both" and not rep.excluded]
    pairs, weak = _supported(both, untrusted, bilateral_names)
    fallback |= weak
    bilateral = summarise(pairs, catalog, bilateral_names, None) if bilateral_names else {}
    if test == "single-leg-hop":
        bilateral |= landing.symmetry(legs, catalog)
    for side, leg in legs.items():  # keep each clip's reason for a missing value
        for name, m in leg.metrics.items():
            if m.median is None:
                why = next((r.legs[side].metrics[name].reason for r in results
                            if name in r.legs[side].metrics
                            and r.legs[side].metrics[name].reason), m.reason)
                leg.metrics[name] = m.model_copy(update={"reason": why})
    main = next((v for v in views if v.usable), views[0])
    view = main.view.model_copy(update={"untrusted_metrics": sorted(fallback)})
    return with_ratings(results[0].model_copy(update={
        "view": view, "reps": reps, "legs": legs, "bilateral": bilateral, "quality": quality,
        "notes": notes, "gaps": [], "other_clips": [r.clip for r in results[1:]],
        "clip_views": views, "steps": [s for r in results for s in r.steps],
    }))


def _largest_noise(results: list[ScreenResult], side: str) -> dict[str, float]:
    """Each metric's standing-frame noise: the largest of the clips' (the conservative one)."""
    out: dict[str, float] = {}
    for r in results:
        for name, m in r.legs[side].metrics.items():  # type: ignore[index]
            if m.noise is not None:
                out[name] = max(out.get(name, 0.0), m.noise)
    return out
