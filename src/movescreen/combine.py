"""Several clips of one athlete and one screen (e.g. left-leg and right-leg trials) as one result,
with the per-leg summaries and the limb symmetry recomputed over all of them."""

from pathlib import Path

from .catalog import load_catalog
from .errors import MovescreenError
from .landmarks import SIDES
from .ratings import with_ratings
from .results import Flag, Rep, ScreenResult
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


def combine(results: list[ScreenResult]) -> ScreenResult:
    """One ScreenResult holding every rep of ``results`` (same test), re-summarised."""
    if len(results) == 1:
        return results[0]
    tests = {r.test for r in results}
    if len(tests) > 1:
        raise MovescreenError(f"Clips of different screens ({', '.join(sorted(tests))}) cannot "
                              "be combined; analyse them with one --test at a time.")
    test = results[0].test
    reps: list[Rep] = []
    quality: list[Flag] = []
    notes: list[str] = []
    for r in results:
        name = Path(r.clip.file).name
        for rep in r.reps:
            reps.append(rep.model_copy(update={"index": len(reps) + 1, "clip": name}))
        quality += [f.model_copy(update={"message": f"{name}: {f.message}"}) for f in r.quality]
        notes += [n for n in r.notes if n not in notes]
    views = {r.view.view for r in results}
    if len(views) > 1:
        notes.append(f"The clips were filmed from different views ({', '.join(sorted(views))}); "
                     "each metric uses the clips whose view supports it.")
    catalog = load_catalog()
    leg_names, bilateral_names = SUMMARY_METRICS[test]
    legs = {}
    for side in SIDES:
        pairs = [(r, r.metrics if r.leg == side else r.per_leg[side]) for r in reps
                 if r.leg == side or side in r.per_leg]
        legs[side] = leg_summary(side, [r for r, _ in pairs], pairs, catalog, leg_names, None,
                                 _largest_noise(results, side))
    both = [(r, r.metrics) for r in reps if r.leg == "both" and not r.excluded]
    bilateral = summarise(both, catalog, bilateral_names, None) if bilateral_names else {}
    if test == "single-leg-hop":
        bilateral |= landing.symmetry(legs, catalog)
    for side, leg in legs.items():  # keep each clip's reason for a missing value
        for name, m in leg.metrics.items():
            if m.median is None:
                why = next((r.legs[side].metrics[name].reason for r in results
                            if name in r.legs[side].metrics
                            and r.legs[side].metrics[name].reason), m.reason)
                leg.metrics[name] = m.model_copy(update={"reason": why})
    return with_ratings(results[0].model_copy(update={
        "reps": reps, "legs": legs, "bilateral": bilateral, "quality": quality, "notes": notes,
        "gaps": [], "other_clips": [r.clip for r in results[1:]],
        "steps": [s for r in results for s in r.steps],
    }))


def _largest_noise(results: list[ScreenResult], side: str) -> dict[str, float]:
    """Each metric's standing-frame noise: the largest of the clips' (the conservative one)."""
    out: dict[str, float] = {}
    for r in results:
        for name, m in r.legs[side].metrics.items():  # type: ignore[index]
            if m.noise is not None:
                out[name] = max(out.get(name, 0.0), m.noise)
    return out
