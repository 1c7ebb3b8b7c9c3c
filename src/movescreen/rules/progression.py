"""Re-tests: progression past the previous phase must be earned.

Moving beyond the previous plan's phase needs every limiting metric of that plan to pass now
and to have improved by more than the larger of its published smallest detectable difference
(SDD) and what the athlete's own rep-to-rep variability allows (the two sessions' intervals of
the median combined); the reason says which of the two decided. Otherwise the
athlete stays, the plan says why, and the earlier values stay the baseline for the next
re-test. Limits without a value (pain, an unusable clip, a screen not recorded) need no SDD.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from ..uncertainty import change_threshold
from .context import RuleContext
from .engine import Outcome
from .loader import RuleSet
from .outcomes import fmt
from .plan import Limit, Plan, Progression


@dataclass(frozen=True)
class Decision:
    phase: int
    progression: Progression
    held: list[Limit]  # previous limits that still hold the athlete (empty unless "hold")


def improvement(before: float, now: float, worse: str | None) -> float:
    """How much better ``now`` is than ``before`` (negative = worse)."""
    if worse == "lower":
        return now - before
    if worse == "abs":
        return abs(before) - abs(now)
    return before - now


def _check(lim: Limit, outcomes: dict[str, Outcome], ctx: RuleContext, ruleset: RuleSet
           ) -> tuple[bool, str]:
    if lim.status != "fired" or lim.metric is None or lim.value is None:
        return True, f"{lim.rule}: no earlier value to compare (first assessment or no metric)"
    now = ctx.values.get(lim.metric)
    if not isinstance(now, float):
        return False, f"{lim.rule}: {lim.metric} was not measured in the re-test"
    leaf = ruleset.leaves.get(lim.metric)
    spec = ruleset.sdd_for(lim.metric)
    sdd = spec.value if spec else (lim.sdd or 0.0)
    unit = lim.unit
    gain = improvement(lim.value, now, leaf.worse if leaf else None)
    needed, own, decided = change_threshold(sdd, lim.spread, ctx.spread.get(lim.metric))
    own_text = ("own variability unknown" if own is None else
                f"own variability allows {fmt(own, unit)}")
    change = (f"{lim.metric} {fmt(lim.value, unit)} -> {fmt(now, unit)} "
              f"(improved by {fmt(gain, unit)}, SDD {fmt(sdd, unit)}; {own_text}; "
              f"the {decided} decides)")
    outcome = outcomes.get(lim.rule)
    if outcome is not None and outcome.status == "not assessed":
        return False, f"{lim.rule}: not assessed in the re-test ({'; '.join(outcome.missing)})"
    if outcome is not None and outcome.status == "fired":
        return False, f"{lim.rule}: {change}, but the target is still not met"
    if gain <= needed:
        what = ("the smallest detectable difference" if decided == "SDD" else
                "what the athlete's own rep-to-rep variability allows")
        return False, (f"{lim.rule}: {change}: not more than {what}, so the change may be "
                       "measurement noise")
    return True, f"{lim.rule}: {change}, and the target is now met"


def decide(previous: Plan, computed: int, outcomes: Sequence[Outcome], ctx: RuleContext,
           ruleset: RuleSet) -> Decision:
    prev = previous.phase
    if computed < prev:
        return Decision(computed, Progression(
            previous_phase=prev, computed_phase=computed, phase=computed, decision="regress",
            reasons=[f"the re-test results point to phase {computed}, before the previous "
                     f"phase {prev}"]), [])
    if computed == prev:
        return Decision(prev, Progression(
            previous_phase=prev, computed_phase=computed, phase=prev, decision="same",
            reasons=[f"still phase {prev}"]), [])
    by_id = {o.rule.id: o for o in outcomes}
    checks = [(lim, *_check(lim, by_id, ctx, ruleset)) for lim in previous.limiting]
    held = [lim for lim, ok, _ in checks if not ok]
    reasons = [why for _, _, why in checks]
    if held:
        reasons.append(f"stay in phase {prev} and re-test (the results alone would allow "
                       f"phase {computed})")
        return Decision(prev, Progression(previous_phase=prev, computed_phase=computed,
                                          phase=prev, decision="hold", reasons=reasons), held)
    return Decision(computed, Progression(previous_phase=prev, computed_phase=computed,
                                          phase=computed, decision="progress",
                                          reasons=reasons or ["nothing held the athlete back"]),
                    [])
