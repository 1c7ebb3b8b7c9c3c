"""Evaluate the rules on one athlete's context and decide the starting phase.

A rule is evaluated only when every name it uses has a value. Otherwise it is "not assessed"
(never silently passed): a required gate that is not assessed caps the phase at its own phase,
exactly as if it had fired, and the plan says what is missing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import rule_engine

from .context import RuleContext
from .loader import CompiledRule, RuleSet

Status = Literal["fired", "passed", "not assessed"]


@dataclass(frozen=True)
class Outcome:
    rule: CompiledRule
    status: Status
    missing: tuple[str, ...] = ()  # "name: why" for each name without a value

    @property
    def caps(self) -> bool:
        """Whether this outcome holds the athlete at ``rule.spec.phase`` at the latest."""
        spec = self.rule.spec
        return spec.gate and (self.status == "fired" or
                              (self.status == "not assessed" and spec.required))


def evaluate(ruleset: RuleSet, ctx: RuleContext) -> list[Outcome]:
    """Every enabled rule instance, in rules order."""
    nested = ctx.nested()
    out = []
    for rule in ruleset.rules:
        missing = tuple(f"{p}: {ctx.reason(p)}" for p in rule.condition.paths
                        if ctx.values.get(p) is None)
        if missing:
            out.append(Outcome(rule, "not assessed", missing))
            continue
        try:
            fired = rule.condition.matches(nested)
        except rule_engine.EngineError as exc:  # typed at load time: should not happen
            out.append(Outcome(rule, "not assessed", (f"could not evaluate: {exc.message}",)))
            continue
        out.append(Outcome(rule, "fired" if fired else "passed"))
    return out


def start_phase(outcomes: Sequence[Outcome]) -> tuple[int, list[Outcome]]:
    """The first phase whose gate fails (4 when every gate passes) and what holds it there."""
    holding = [o for o in outcomes if o.caps]
    phase = min([4, *(o.rule.spec.phase for o in holding)])
    return phase, [o for o in holding if o.rule.spec.phase == phase]
