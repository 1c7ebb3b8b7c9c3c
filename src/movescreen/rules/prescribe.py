"""Turn fired rules into a deduplicated, ordered exercise list (and what belongs to later phases).

Order: exercises of the rules that fired, by rule phase, then rule priority, then rules-file
order, then their place in the rule's list; then the phase's base programme. An exercise whose
first phase is after the plan's phase is deferred, not prescribed; phase 0 prescribes nothing.
"""

from collections.abc import Sequence

from .loader import CompiledRule, RuleSet
from .plan import Deferred, Prescription

_SIDE_ORDER = {None: 0, "left": 1, "right": 2}


def rule_order(rule: CompiledRule) -> tuple:
    return (rule.spec.phase, rule.spec.priority, rule.order, _SIDE_ORDER[rule.side])


def prescribe(rules: Sequence[CompiledRule], phase: int, ruleset: RuleSet,
              retests: dict[str, str], phase_retests: list[str]
              ) -> tuple[list[Prescription], list[Deferred]]:
    """``rules``: fired (or held) rules; ``retests``: rule id -> its re-test target."""
    chosen: dict[str, dict] = {}
    later: dict[str, list[str]] = {}
    for rule in sorted(rules, key=rule_order):
        for e in rule.spec.exercises:
            ex = ruleset.exercises[e]
            if phase == 0 or ex.phase_min > phase:
                later.setdefault(e, []).append(rule.id)
                continue
            entry = chosen.setdefault(e, {"reasons": [], "sides": [], "earned": []})
            entry["reasons"].append(rule.id)
            if rule.side and rule.side not in entry["sides"]:
                entry["sides"].append(rule.side)
            if rule.id in retests and retests[rule.id] not in entry["earned"]:
                entry["earned"].append(retests[rule.id])
    if phase >= 1:
        for e in ruleset.phases[phase].exercises:
            entry = chosen.setdefault(e, {"reasons": [], "sides": [], "earned": []})
            entry["reasons"].append(f"phase {phase} programme")
    out = []
    for e, entry in chosen.items():
        ex = ruleset.exercises[e]
        nxt = ruleset.exercises[ex.progression] if ex.progression else None
        out.append(Prescription(
            id=e, name=ex.name, targets=ex.targets, phases=ex.phases, sets=ex.sets,
            reps=ex.reps, dosage=ex.dosage, cues=ex.cues, frequency=ex.frequency, note=ex.note,
            next=ex.progression, next_name=nxt.name if nxt else None,
            progress_when=ex.progress_when, earned_by=entry["earned"] or list(phase_retests),
            reasons=entry["reasons"], sides=sorted(entry["sides"])))
    deferred = [Deferred(id=e, name=ruleset.exercises[e].name,
                         from_phase=ruleset.exercises[e].phase_min, reasons=reasons)
                for e, reasons in later.items() if e not in chosen]
    return out, deferred
