"""From results.json files and athlete facts to a plan: the rules engine's one entry point."""

from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..errors import MovescreenError
from ..results import ScreenResult
from .athlete import AthleteFacts
from .context import RuleContext, build_context
from .engine import Outcome, evaluate, start_phase
from .loader import RuleSet
from .merge import SCREENS, Source
from .outcomes import fired_rule, fmt, limit, not_assessed, phase_reason
from .plan import InputInfo, Limit, Plan, RulesInfo
from .prescribe import prescribe, rule_order
from .progression import decide


def recommend(results: Sequence[ScreenResult], athlete: AthleteFacts, ruleset: RuleSet, *,
              sources: Sequence[str] | None = None, previous: Plan | None = None) -> Plan:
    """The plan for one athlete. ``sources`` names each result in messages (e.g. its path)."""
    if not results:
        raise MovescreenError("No results given: pass at least one results.json.")
    names = list(sources) if sources is not None else [Path(r.clip.file).name for r in results]
    if len(names) != len(results):
        raise ValueError("one source name per result")
    srcs = [Source(n, r) for n, r in zip(names, results, strict=True)]
    ctx = build_context(srcs, athlete, ruleset.thresholds_for(athlete.sex), ruleset.leaves,
                        ruleset.catalog)
    return plan_from_context(ctx, srcs, athlete, ruleset, previous)


def _screens_text(phases: Sequence[int]) -> str:
    if not phases:
        return "its exercise triggers"
    lo, hi = min(phases), max(phases)
    return f"phase {lo}" if lo == hi else f"phases {lo}-{hi}"


def _missing_screen(o: Outcome, ctx: RuleContext) -> str | None:
    """The screen prefix when every missing name belongs to a screen that was not recorded."""
    prefixes = {m.split(".")[0] for m in o.missing}
    if len(prefixes) == 1:
        (p,) = prefixes
        screen = ctx.screens.get(p)
        if screen is not None and not screen.present:
            return p
    return None


def _reasons(holding: Sequence[Outcome], ctx: RuleContext, ruleset: RuleSet, athlete: AthleteFacts
             ) -> list[str]:
    if not holding:
        return ["every gate passed"]
    out: list[str] = []
    for o in holding:
        p = _missing_screen(o, ctx) if o.status == "not assessed" else None
        if p is None:
            out.append(phase_reason(o, ctx, ruleset, athlete.sex))
            continue
        spec = ruleset.screens.get(p)
        line = (f"no {ctx.screens[p].label} screen: "
                f"{_screens_text(spec.phases if spec else [])} not assessed")
        if line not in out:
            out.append(line)
    return out


def _caveats(ctx: RuleContext, srcs: Sequence[Source], athlete: AthleteFacts,
             ruleset: RuleSet) -> list[str]:
    out: list[str] = []
    for prefix, label in SCREENS.values():
        screen = ctx.screens[prefix]
        spec = ruleset.screens.get(prefix)
        if not screen.present:
            out.append(f"no {label} screen: {_screens_text(spec.phases if spec else [])} "
                       "not assessed")
        elif not screen.usable:
            out.append(f"{label}: unusable ({' '.join(screen.problems)})")
        out += screen.caveats
    for s in sorted(srcs, key=lambda s: (s.result.test, s.name)):
        label = SCREENS[s.result.test][1]
        out += [f"{label} ({s.name}): {f.severity}: {f.message}" for f in s.result.quality
                if f.severity != "info"]
    for s in srcs:
        out += [n for n in s.result.notes if n not in out]
    if athlete.pain is None:
        out.append("pain not reported: ask about pain before training; stop on sharp pain")
    if athlete.sex == "unknown":
        out.append("sex not given: the unknown-sex thresholds are used")
    return list(dict.fromkeys(out))


def _held_retest(lim: Limit) -> str:
    return (f"re-test: {lim.metric} must pass and improve by more than its SDD of "
            f"{fmt(lim.sdd, lim.unit)} from the baseline {fmt(lim.value, lim.unit)}")


def plan_from_context(ctx: RuleContext, srcs: Sequence[Source], athlete: AthleteFacts,
                      ruleset: RuleSet, previous: Plan | None = None) -> Plan:
    outcomes = evaluate(ruleset, ctx)
    computed, holding = start_phase(outcomes)
    phase = computed
    limits = [limit(o, ctx, ruleset) for o in holding]
    reasons = _reasons(holding, ctx, ruleset, athlete)
    progression, held_rules = None, []
    if previous is not None:
        decision = decide(previous, computed, outcomes, ctx, ruleset)
        phase, progression = decision.phase, decision.progression
        if decision.held:
            limits, reasons = decision.held, list(progression.reasons)
            ids = {lim.rule for lim in decision.held}
            held_rules = [r for r in ruleset.rules if r.id in ids]
    fired_out = sorted((o for o in outcomes if o.status == "fired"),
                       key=lambda o: rule_order(o.rule))
    fired = [fired_rule(o, ctx, ruleset, athlete.sex, phase) for o in fired_out]
    retests = {f.id: f.retest for f in fired if f.retest}
    retests |= {lim.rule: _held_retest(lim) for lim in limits if lim.rule not in retests
                and lim.metric and lim.value is not None}
    phase_retests = [retests[lim.rule] for lim in limits if lim.rule in retests]
    if not phase_retests:
        phase_retests = (["keep every target met at the next re-test"] if phase == 4 else
                         [f"record what is missing: {r}" for r in reasons])
    exercises, deferred = prescribe([o.rule for o in fired_out] + held_rules, phase, ruleset,
                                    retests, phase_retests)
    instructions = []
    for f in fired:  # already in (phase, priority, file order) order
        if f.instruction:
            text = f.instruction + (f" What to fix: {' '.join(f.quality)}" if f.quality else "")
            instructions.append(text)
    spec = ruleset.phases[phase]
    return Plan(
        movescreen_version=__version__, athlete=athlete,
        inputs=[InputInfo(source=s.name, test=s.result.test, clip=Path(s.result.clip.file).name,
                          sha256=s.result.clip.sha256, sides=sorted(s.sides()), usable=s.usable)
                for s in sorted(srcs, key=lambda s: (s.result.test, s.result.clip.sha256,
                                                     s.name))],
        rules=RulesInfo(name=ruleset.meta.name, version=ruleset.meta.version,
                        files=list(ruleset.files)),
        phase=phase, phase_name=spec.name, focus=spec.focus,
        instructions=list(dict.fromkeys(instructions)), phase_reasons=reasons, limiting=limits,
        fired=fired, not_assessed=[not_assessed(o) for o in outcomes
                                   if o.status == "not assessed"],
        exercises=exercises, deferred=deferred, caveats=_caveats(ctx, srcs, athlete, ruleset),
        advice=list(ruleset.meta.advice), progression=progression)
