"""Merge the results.json files of one athlete into one value per metric name and screen.

Several files may hold the same test (a left-leg and a right-leg clip, or a frontal and a
sagittal clip). Per leg, the file with the most used reps of that leg wins; a metric it lacks
comes from the next file that has it. Files are ranked by content, never by argument order,
so the merge (and the plan) does not depend on the order the files were given in.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..results import ScreenResult, TestName

SIDES = ("left", "right")
# test -> (name prefix, label): the metric namespace contract
SCREENS: dict[TestName, tuple[str, str]] = {
    "single-leg-squat": ("sls", "single-leg squat"),
    "squat": ("squat", "squat"),
    "single-leg-hop": ("hop", "single-leg hop"),
    "drop-landing": ("landing", "drop landing"),
}
# bilateral limb symmetry indices computed from the merged legs when no file has them
LSI_FROM = {"lsi_hop_distance_pct": ("hop_distance_cm", "hop_distance_ll"),
            "lsi_jump_height_pct": ("jump_height_cm",)}
ASYMMETRY = ("fppa_asymmetry_deg", "fppa_peak_deg")  # derived name, per-leg source metric

Value = float | bool | str | None


@dataclass(frozen=True)
class Source:
    """One results.json and the name the plan uses for it."""

    name: str
    result: ScreenResult

    @property
    def errors(self) -> list[str]:
        return [f.message for f in self.result.quality if f.severity == "error"]

    @property
    def usable(self) -> bool:
        """No quality flag of severity error and at least one used rep."""
        return not self.errors and sum(leg.reps_used for leg in self.result.legs.values()) > 0

    def sides(self) -> set[str]:
        """Legs with reps; in a combined result, only the legs of its usable clips."""
        if self.result.clip_views:
            return {s for c in self.result.clip_views if c.usable for s in c.legs}
        return {s for s, leg in self.result.legs.items() if leg.reps_total > 0}

    def unusable_clips(self) -> list[tuple[str, set[str], str]]:
        """(name, legs, why) of the unusable clips inside a usable combined result."""
        return [(c.clip, set(c.legs), " ".join(c.problems)) for c in self.result.clip_views
                if not c.usable] if self.usable else []

    def rank(self, side: str | None = None) -> tuple:
        """Sort key: most used reps (of ``side``, or in all) first; ties broken by content."""
        legs = [self.result.legs[side]] if side else list(self.result.legs.values())
        return (-sum(leg.reps_used for leg in legs), -sum(leg.reps_total for leg in legs),
                self.result.clip.sha256, self.name)


@dataclass(frozen=True)
class MergedScreen:
    """One screen's values, relative names (``left.fppa_peak_deg``, ``present``, ...)."""

    prefix: str
    label: str
    present: bool
    usable: bool
    values: dict[str, Value]
    why: dict[str, str]
    caveats: tuple[str, ...]
    problems: tuple[str, ...]  # what makes the screen unusable: the re-record instruction
    sources: tuple[str, ...]
    spread: dict[str, float] = field(default_factory=dict)  # half-width of the median's 95% CI


def _blank(names: Sequence[str], reason: str) -> tuple[dict[str, Value], dict[str, str]]:
    return dict.fromkeys(names), dict.fromkeys(names, reason)


def relative_names(metrics: Sequence[str]) -> list[str]:
    """Every value name of one screen (without its prefix), booleans excluded."""
    per_side = [*metrics, "reps_used", "balance_lost_reps"]
    return ([f"{s}.{m}" for s in SIDES for m in per_side] + list(metrics) + [ASYMMETRY[0]])


def _fmt_flags(src: Source) -> str:
    msgs = src.errors or [f.message for f in src.result.quality if f.severity == "warning"]
    return " ".join(msgs) if msgs else "no rep could be used"


def merge_screen(test: TestName, sources: Sequence[Source], metrics: Sequence[str]
                 ) -> MergedScreen:
    """Merge every file of ``test`` (``sources`` may hold other tests; they are ignored)."""
    prefix, label = SCREENS[test]
    mine = sorted((s for s in sources if s.result.test == test), key=lambda s: s.rank())
    names = relative_names(metrics)
    if not mine:
        values, why = _blank(names, f"no {label} screen")
        return MergedScreen(prefix, label, False, False, values, why, (), (), ())
    good = [s for s in mine if s.usable]
    covered = set().union(*(s.sides() for s in good)) if good else set()
    bad = [(s.name, s.sides(), _fmt_flags(s)) for s in mine if not s.usable]
    bad += [clip for s in good for clip in s.unusable_clips()]  # per clip of a combined file
    caveats, problems = [], []
    for name, sides, why in bad:
        if good and covered and sides <= covered:
            caveats.append(f"{label}: {name} is unusable ({why}) and was ignored; the other "
                           f"clips ({', '.join(g.name for g in good)}) cover the same leg(s).")
        else:
            problems.append(f"{name}: {why}")
    names_all = tuple(s.name for s in mine)
    if problems or not good:
        values, why = _blank(names, f"{label} clip unusable (re-record)")
        return MergedScreen(prefix, label, True, False, values, why, tuple(caveats),
                            tuple(problems), names_all)
    values, why, spread = {}, {}, {}
    for side in SIDES:
        _merge_side(side, good, metrics, label, values, why, caveats, spread)
    _less(good[0], "both", "", values)
    for m in metrics:
        _take(m, [(s, s.result.bilateral.get(m)) for s in good], label, values, why, caveats,
              "", spread)
    _derive(metrics, values, why, caveats, label)
    return MergedScreen(prefix, label, True, True, values, why, tuple(caveats), (), names_all,
                        spread)


def _take(name: str, candidates: list, label: str, values: dict, why: dict, caveats: list,
          where: str, spread: dict | None = None) -> None:
    """First non-null median among ranked candidates; a caveat when it is not the first file.
    ``spread`` gets the half-width of that median's interval, when it has one."""
    for i, (src, summary) in enumerate(candidates):
        if summary is not None and summary.within_noise:
            # indistinguishable from this clip's measurement noise: no evidence either way
            values[name] = None
            noise = f" (±{summary.noise:.1f})" if summary.noise is not None else ""
            why[name] = f"within the clip's measurement noise{noise}"
            return
        if summary is not None and summary.median is not None and math.isfinite(summary.median):
            values[name] = float(summary.median)
            if spread is not None and summary.ci_low is not None and summary.ci_high is not None:
                spread[name] = (summary.ci_high - summary.ci_low) / 2.0
            if i:
                caveats.append(f"{label}{where}: {name.split('.')[-1]} taken from {src.name} "
                               f"({candidates[0][0].name} has no value).")
            return
    values[name] = None
    first = candidates[0][1] if candidates else None
    why[name] = (first.reason if first is not None and first.reason else
                 f"not reported by the {label} screen" if first is None else "no value")


def _merge_side(side: str, good: list[Source], metrics: Sequence[str], label: str,
                values: dict, why: dict, caveats: list, spread: dict) -> None:
    ranked = sorted((s for s in good if side in s.sides()), key=lambda s: s.rank(side))
    names = [f"{side}.{m}" for m in (*metrics, "reps_used", "balance_lost_reps")]
    if not ranked:
        v, w = _blank(names, f"{side} leg not recorded in the {label} screen")
        values.update(v)
        why.update(w)
        return
    if len(ranked) > 1:
        counts = ", ".join(f"{s.name}: {s.result.legs[side].reps_used} used" for s in ranked)
        caveats.append(f"{label}: {len(ranked)} clips have {side}-leg reps ({counts}); "
                       f"used {ranked[0].name}.")
    for m in metrics:
        _take(f"{side}.{m}", [(s, s.result.legs[side].metrics.get(m)) for s in ranked], label,
              values, why, caveats, f" ({side})", spread)
    chosen = ranked[0].result
    _crossley(ranked[0], side, values)
    _less(ranked[0], side, f"{side}.", values)
    values[f"{side}.reps_used"] = float(chosen.legs[side].reps_used)
    flags = [r.balance_lost for r in chosen.reps if r.leg == side and not r.excluded]
    known = [f for f in flags if f is not None]
    values[f"{side}.balance_lost_reps"] = float(sum(known)) if known else None
    if not known:
        why[f"{side}.balance_lost_reps"] = "balance not judged in this screen"


def _crossley(src: Source, side: str, values: dict) -> None:
    """The leg's Crossley grades as stored in the result (unset names stay None)."""
    r = src.result.ratings
    rating = r.crossley.get(side) if r else None  # type: ignore[call-overload]
    if rating is None:
        return
    for key, c in rating.criteria.items():
        values[f"{side}.crossley.{key}"] = c.rating
    values[f"{side}.crossley.overall"] = rating.overall


def _less(src: Source, key: str, where: str, values: dict) -> None:
    """A stored LESS score (``both``, or one leg's) under ``{where}less.*``."""
    r = src.result.ratings
    score = r.less.get(key) if r else None  # type: ignore[call-overload]
    if score is None:
        return
    values[f"{where}less.errors"] = float(score.errors_scored)
    values[f"{where}less.scored"] = float(score.n_scored)
    values[f"{where}less.total"] = None if score.total is None else float(score.total)
    values[f"{where}less.band"] = score.band


def _derive(metrics: Sequence[str], values: dict, why: dict, caveats: list, label: str) -> None:
    name, base = ASYMMETRY
    left, right = values.get(f"left.{base}"), values.get(f"right.{base}")
    values[name] = abs(left - right) if left is not None and right is not None else None
    if values[name] is None:
        why[name] = f"needs {base} of both legs"
    for lsi, bases in LSI_FROM.items():
        if lsi not in metrics or values.get(lsi) is not None:
            continue
        for b in bases:
            pair = [values.get(f"{s}.{b}") for s in SIDES]
            if None not in pair and max(pair) > 0:
                values[lsi] = min(pair) / max(pair) * 100.0
                why.pop(lsi, None)
                caveats.append(f"{label}: {lsi} computed from the merged legs' {b} "
                               "(weaker / stronger x 100).")
                break
