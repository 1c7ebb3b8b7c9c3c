"""Print a plan (and the rules in force) for people, with rich.

Every text from data files or results is escaped: "[proposed]" is text, not rich markup.
"""

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .loader import RuleSet
from .outcomes import fmt
from .plan import Plan
from .schema import Sex


def _line(console: Console, text: str) -> None:
    console.print(text, highlight=False)


def print_plan(console: Console, plan: Plan) -> None:
    colour = "red" if plan.phase == 0 else "green"
    _line(console, f"[bold {colour}]Phase {plan.phase} · {escape(plan.phase_name)}[/]")
    _line(console, f"[dim]{escape(plan.focus)}[/]")
    for text in plan.instructions:
        _line(console, f"[bold yellow]→ {escape(text)}[/]")
    _line(console, "[bold]Why this phase[/]")
    for r in plan.phase_reasons:
        _line(console, f"  • {escape(r)}")
    if plan.progression:
        p = plan.progression
        _line(console, f"[bold]Re-test[/] (previous phase {p.previous_phase}): {p.decision}")
        for r in p.reasons:
            _line(console, f"  • {escape(r)}")
    sources: dict[str, str] = {}
    if plan.fired:
        table = Table(title="Rules that fired", title_justify="left", title_style="bold")
        for col in ("rule", "value", "threshold", "meaning"):
            table.add_column(col)
        for f in plan.fired:
            values = ", ".join(f"{v.name.split('.')[-1]} {fmt(v.value, v.unit)}"
                               for v in f.values)
            limits = ", ".join(fmt(t.value, t.unit) for t in f.thresholds)
            for t in f.thresholds:
                sources[t.name.removeprefix("threshold.")] = t.source or ""
            kind = "" if f.gate else " [dim](advice)[/]"
            table.add_row(f"{escape(f.id)}{kind}", escape(values), escape(limits) or "—",
                          f"[dim]{escape(f.message)}[/]")
        console.print(table)
    if plan.exercises:
        table = Table(title="Exercises", title_justify="left", title_style="bold")
        for col in ("exercise", "dosage", "frequency", "cues", "next"):
            table.add_column(col)
        for e in plan.exercises:
            sides = f" [dim]({', '.join(e.sides)})[/]" if e.sides else ""
            nxt = (f"→ {e.next_name} when {e.progress_when}" if e.next_name
                   else e.progress_when)
            table.add_row(escape(e.name) + sides, escape(e.dosage), escape(e.frequency),
                          escape("; ".join(e.cues)), f"[dim]{escape(nxt)}[/]")
        console.print(table)
    targets = list(dict.fromkeys(t for e in plan.exercises for t in e.earned_by))
    if targets:
        _line(console, "[bold]What earns the next phase[/]")
        for t in targets:
            _line(console, f"  • {escape(t)}")
    if plan.deferred:
        later = ", ".join(f"{d.name} (phase {d.from_phase})" for d in plan.deferred)
        _line(console, f"[dim]Later: {escape(later)}[/]")
    gates = [n for n in plan.not_assessed if n.caps_phase and not all(
        m.endswith(" screen") and ": no " in m for m in n.missing)]  # whole screens: caveats
    for n in gates:
        _line(console, f"[yellow]not assessed:[/] {escape(n.id)} ({escape('; '.join(n.missing))})")
    for c in plan.caveats:
        _line(console, f"[yellow]caveat:[/] {escape(c)}")
    for name, src in sources.items():
        _line(console, f"[dim]threshold {escape(name)}: {escape(src)}[/]")
    for a in plan.advice:
        _line(console, f"[dim]{escape(a)}[/]")


def print_rules(console: Console, ruleset: RuleSet, sex: Sex) -> None:
    table = Table(title=f"{escape(ruleset.meta.name)} {escape(ruleset.meta.version)} "
                  f"(thresholds for sex: {sex})", title_justify="left", title_style="bold")
    for col in ("rule", "phase", "when", "exercises"):
        table.add_column(col)
    values = ruleset.thresholds_for(sex)
    seen = set()
    for r in ruleset.rules:
        if r.spec.id in seen:
            continue
        seen.add(r.spec.id)
        kind = "" if r.spec.gate else " advice"
        kind += "" if r.spec.required or not r.spec.gate else " optional"
        used = [p.removeprefix("threshold.") for p in r.condition.paths
                if p.startswith("threshold.")]
        limits = ", ".join(f"{t} = {fmt(values[t], ruleset.thresholds[t].unit)}" for t in used)
        origin = "" if r.file.startswith("movescreen:") else f"\n[dim]from {escape(r.file)}[/]"
        table.add_row(escape(r.spec.id) + origin, f"{r.spec.phase}{kind}",
                      escape(r.spec.when) + (f"\n[dim]{escape(limits)}[/]" if limits else ""),
                      escape(", ".join(r.spec.exercises)))
    console.print(table)
    _line(console, f"{len(ruleset.exercises)} exercises; files: {escape(', '.join(ruleset.files))}")
