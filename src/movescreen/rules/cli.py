"""Command-line front end of the rules engine: ``rules check|list`` and ``recommend``.

``rules_app`` and ``recommend_command`` are mounted by the main CLI; ``run_recommend`` and
``athlete_from_options`` serve ``analyze --recommend``.
"""

import os
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import MovescreenError
from ..results import ScreenResult
from ..terminal import fail
from .athlete import AthleteFacts, load_athlete
from .make import load_results, make_plan
from .plan import Plan

# loader, recommend and render import rule-engine (slow to import): imported in the commands

rules_app = typer.Typer(help="Check and list the rules that turn results into a plan.",
                        no_args_is_help=True)


class SexChoice(StrEnum):
    female = "female"
    male = "male"
    unknown = "unknown"


class GoalChoice(StrEnum):
    running = "running"
    jumping = "jumping"
    daily_life = "daily-life"
    unknown = "unknown"


# option types, shared with `analyze --recommend`
AthleteOpt = Annotated[Path | None, typer.Option(
    "--athlete", help="Athlete facts (.toml or .json: sex, age, goal, pain, ...).")]
SexOpt = Annotated[SexChoice | None, typer.Option(help="For sex-specific norms.")]
AgeOpt = Annotated[float | None, typer.Option(help="Age in years.", min=5, max=110)]
GoalOpt = Annotated[GoalChoice | None, typer.Option(help="Training goal.")]
PainOpt = Annotated[int | None, typer.Option(help="Self-reported pain now, 0-10.", min=0,
                                             max=10)]
PainSharpOpt = Annotated[bool, typer.Option("--pain-sharp", help="The pain is sharp.")]
PainPersistentOpt = Annotated[bool, typer.Option("--pain-persistent",
                                                 help="The pain is persistent.")]
SwellingOpt = Annotated[bool, typer.Option("--swelling", help="There is swelling.")]
RulesOpt = Annotated[Path | None, typer.Option(
    "--rules", help="A rules file or folder that overrides or extends the defaults.")]
PreviousOpt = Annotated[list[Path] | None, typer.Option(
    "--previous", help="An earlier plan.json, or earlier results.json files (repeat), for a "
    "re-test: progression must be earned.")]


def athlete_from_options(athlete_file: Path | None = None, sex: str | None = None,
                         age: float | None = None, goal: str | None = None,
                         pain: int | None = None, pain_sharp: bool = False,
                         pain_persistent: bool = False, swelling: bool = False) -> AthleteFacts:
    """Facts from ``athlete_file``; options given on the command line override it."""
    base = load_athlete(athlete_file) if athlete_file else AthleteFacts()
    given = {"sex": sex, "age": age, "goal": goal, "pain": pain}
    update = {k: str(v) if isinstance(v, StrEnum) else v for k, v in given.items()
              if v is not None}
    update |= {k: True for k, v in (("pain_sharp", pain_sharp),
                                    ("pain_persistent", pain_persistent),
                                    ("swelling", swelling)) if v}
    return AthleteFacts.model_validate({**base.model_dump(), **update})


def check_rules(rules: Path | None) -> None:
    """Load (so validate) the rules in force; a MovescreenError names file, rule and reason."""
    from .loader import load_rules

    load_rules(rules)


def run_recommend(console: Console, results: Sequence[tuple[str, ScreenResult]],
                  athlete: AthleteFacts, out_dir: Path, *, rules: Path | None = None,
                  previous: Sequence[Path] = ()) -> tuple[Plan, Path]:
    """Make the plan, print it and write ``out_dir/plan.json``. Raises MovescreenError."""
    from .render import print_plan

    plan, path = make_plan(results, athlete, out_dir, rules=rules, previous=previous)
    print_plan(console, plan)
    return plan, path


def recommend_command(
    results: Annotated[list[Path], typer.Argument(
        help="results.json files of one athlete (any screens, both legs).")],
    athlete: AthleteOpt = None,
    sex: SexOpt = None,
    age: AgeOpt = None,
    goal: GoalOpt = None,
    pain: PainOpt = None,
    pain_sharp: PainSharpOpt = False,
    pain_persistent: PainPersistentOpt = False,
    swelling: SwellingOpt = False,
    rules: RulesOpt = None,
    previous: PreviousOpt = None,
    out: Annotated[Path | None, typer.Option(
        help="Folder for plan.json \\[default: the folder the results files share].")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print plan.json to stdout.")] =
    False,
) -> None:
    """Recommend a starting phase and corrective exercises; write plan.json."""
    console = Console(stderr=json_out)
    try:
        facts = athlete_from_options(athlete, sex, age, goal, pain, pain_sharp,
                                     pain_persistent, swelling)
        loaded = load_results(results)
        out_dir = out or Path(os.path.commonpath([p.resolve().parent for p in results]))
        plan, path = run_recommend(console, loaded, facts, out_dir, rules=rules,
                                   previous=previous or [])
    except MovescreenError as exc:
        fail(console, exc)
        return
    if json_out:
        typer.echo(plan.to_json())
    console.print(f"\nWrote [bold]{path}[/]")


@rules_app.command("check")
def check(file: Annotated[Path, typer.Argument(help="A rules .toml file or a folder of them.")]
          ) -> None:
    """Validate a rules file (with the defaults it overrides or extends)."""
    from .loader import load_rules

    console = Console()
    try:
        ruleset = load_rules(file)
    except MovescreenError as exc:
        fail(console, exc)
        return
    n = len({r.spec.id for r in ruleset.rules})
    console.print(f"[green]ok:[/] {file}: {n} rules in force, {len(ruleset.thresholds)} "
                  f"thresholds, {len(ruleset.exercises)} exercises", highlight=False)


@rules_app.command("list")
def list_rules(rules: RulesOpt = None,
               sex: Annotated[SexChoice, typer.Option(help="Show thresholds for this sex.")] =
               SexChoice.unknown) -> None:
    """Show the rules in force and their thresholds."""
    from .loader import load_rules
    from .render import print_rules

    console = Console()
    try:
        ruleset = load_rules(rules)
    except MovescreenError as exc:
        fail(console, exc)
        return
    print_rules(console, ruleset, sex.value)  # type: ignore[arg-type]
