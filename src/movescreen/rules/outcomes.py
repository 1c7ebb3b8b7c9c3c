"""Describe rule outcomes for the plan: values and thresholds used, re-test targets, gaps."""

from .context import RuleContext
from .engine import Outcome
from .loader import CompiledRule, RuleSet
from .plan import FiredRule, Limit, NamedValue, NotAssessed
from .schema import Sex


def fmt(v: float | bool | str | None, unit: str = "") -> str:
    """A value for people: 16.2 deg, 3 reps, yes/no."""
    if v is None:
        return "no value"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str):
        return v
    text = f"{round(v, 2):g}"
    return f"{text} {unit}".strip()


def named_values(rule: CompiledRule, ctx: RuleContext, ruleset: RuleSet, sex: Sex
                 ) -> tuple[list[NamedValue], list[NamedValue]]:
    """(metrics and facts, thresholds) a rule used, with their values."""
    values, thresholds = [], []
    for p in rule.condition.paths:
        leaf = ruleset.leaves[p]
        if p.startswith("threshold."):
            spec = ruleset.thresholds[p.removeprefix("threshold.")]
            thresholds.append(NamedValue(name=p, label=f"{leaf.label} ({sex})",
                                         value=ctx.values[p], unit=spec.unit, source=spec.source))
        else:
            values.append(NamedValue(name=p, label=leaf.label, value=ctx.values.get(p),
                                     unit=leaf.unit))
    return values, thresholds


def retest_target(rule: CompiledRule, ctx: RuleContext, ruleset: RuleSet) -> str:
    """What a re-test must show for this fired rule to stop holding the athlete back."""
    cond = rule.condition.text
    metric = rule.metric
    value = ctx.values.get(metric) if metric else None
    sdd = ruleset.sdd_for(metric) if metric else None
    if metric is None or not isinstance(value, float) or sdd is None:
        return f"re-test: '{cond}' must no longer hold"
    leaf = ruleset.leaves[metric]
    if leaf.worse == "lower":
        target = f"above {fmt(value + sdd.value, leaf.unit)}"
    elif leaf.worse == "abs":
        target = f"below {fmt(abs(value) - sdd.value, leaf.unit)} in size"
    else:
        target = f"below {fmt(value - sdd.value, leaf.unit)}"
    return (f"re-test: {metric} is {fmt(value, leaf.unit)} now; it must pass ('{cond}' no "
            f"longer true) and improve by more than its SDD of {fmt(sdd.value, leaf.unit)}: "
            f"{target}")


def fired_rule(o: Outcome, ctx: RuleContext, ruleset: RuleSet, sex: Sex, plan_phase: int
               ) -> FiredRule:
    rule, spec = o.rule, o.rule.spec
    values, thresholds = named_values(rule, ctx, ruleset, sex)
    now = [e for e in spec.exercises
           if plan_phase >= 1 and ruleset.exercises[e].phase_min <= plan_phase]
    quality = []
    if spec.show_quality:
        for prefix in dict.fromkeys(p.split(".")[0] for p in rule.condition.paths):
            screen = ctx.screens.get(prefix)
            if screen is not None:
                quality += screen.problems
    sdd = ruleset.sdd_for(rule.metric) if rule.metric else None
    return FiredRule(
        id=rule.id, rule=spec.id, side=rule.side, phase=spec.phase,  # type: ignore[arg-type]
        gate=spec.gate, message=spec.message, condition=rule.condition.text, values=values,
        thresholds=thresholds, source=spec.source, file=rule.file, exercises=now,
        deferred_exercises=[e for e in spec.exercises if e not in now],
        instruction=spec.instruction, quality=quality, metric=rule.metric,
        sdd=sdd.value if sdd else None, sdd_source=sdd.source if sdd else None,
        retest=retest_target(rule, ctx, ruleset) if spec.gate and spec.phase >= 1 else None)


def not_assessed(o: Outcome) -> NotAssessed:
    spec = o.rule.spec
    return NotAssessed(id=o.rule.id, rule=spec.id, side=o.rule.side,  # type: ignore[arg-type]
                       phase=spec.phase, gate=spec.gate, caps_phase=o.caps,
                       message=spec.message, missing=list(o.missing))


def limit(o: Outcome, ctx: RuleContext, ruleset: RuleSet) -> Limit:
    metric = o.rule.metric
    value = ctx.values.get(metric) if metric and o.status == "fired" else None
    sdd = ruleset.sdd_for(metric) if metric else None
    return Limit(rule=o.rule.id, status="fired" if o.status == "fired" else "not assessed",
                 metric=metric, value=value if isinstance(value, float) else None,
                 unit=ruleset.leaves[metric].unit if metric else "",
                 sdd=sdd.value if sdd else None,
                 spread=ctx.spread.get(metric) if metric and value is not None else None)


def phase_reason(o: Outcome, ctx: RuleContext, ruleset: RuleSet, sex: Sex) -> str:
    """One line: why this outcome holds the athlete in its phase."""
    if o.status == "not assessed":
        return f"{o.rule.id} not assessed ({'; '.join(o.missing)})"
    values, thresholds = named_values(o.rule, ctx, ruleset, sex)
    shown = [v for v in values if not isinstance(v.value, bool)] or values
    parts = [f"{v.name} = {fmt(v.value, v.unit)}" for v in shown]
    parts += [f"{t.name} = {fmt(t.value, t.unit)}" for t in thresholds]
    return f"{o.rule.id}: {o.rule.spec.message}" + (f" ({', '.join(parts)})" if parts else "")
