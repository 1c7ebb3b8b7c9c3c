"""The ``movescreen`` command line: parse, call the service, print. Nothing else lives here."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .batch.cli import batch_command
from .errors import MovescreenError
from .live.cli import live_command
from .quiet import native_stderr_captured
from .report.cli import report_command
from .rules.cli import (
    AgeOpt,
    AthleteOpt,
    GoalOpt,
    PainOpt,
    PainPersistentOpt,
    PainSharpOpt,
    RulesOpt,
    SexOpt,
    SwellingOpt,
    recommend_command,
    rules_app,
)
from .terminal import fail
from .web.cli import serve_command, users_app

# Heavy modules (mediapipe, scipy, the screens) are imported inside the commands, so that
# `movescreen --help` and `--version` answer at once.

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Video movement screen: knee valgus, pelvic drop, trunk lean, depth.")
models_app = typer.Typer(help="List, verify and download pose models.",
                         invoke_without_command=True)
app.add_typer(models_app, name="models")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version_callback, is_eager=True,
        help="Print the movescreen version and exit.")] = False) -> None:
    """Video movement screen: knee valgus, pelvic drop, trunk lean, depth."""

app.add_typer(rules_app, name="rules")
app.command("recommend")(recommend_command)
app.command("report")(report_command)
app.command("batch")(batch_command)
app.command("serve")(serve_command)
app.add_typer(users_app, name="users")
app.command("live")(live_command)


class Test(StrEnum):
    single_leg_squat = "single-leg-squat"
    squat = "squat"
    single_leg_hop = "single-leg-hop"
    drop_landing = "drop-landing"


class LegChoice(StrEnum):
    auto = "auto"
    left = "left"
    right = "right"


class ViewChoice(StrEnum):
    auto = "auto"
    frontal = "frontal"
    oblique = "oblique"
    sagittal = "sagittal"


# options shared by analyze and rescreen (one definition, one help text)
TestOpt = Annotated[Test, typer.Option(help="Which screen was filmed.")]
LegOpt = Annotated[LegChoice, typer.Option(help="Stance leg (single-leg squat).")]
ViewOpt = Annotated[ViewChoice, typer.Option(help="Override the detected camera view.")]
StandingOpt = Annotated[str | None, typer.Option(
    help="Standing reference window START-END in seconds \\[default: auto].")]
RepsOpt = Annotated[str | None, typer.Option(
    help="Rep windows, e.g. '1.0-3.2,3.2-5.5' \\[default: auto].")]
HeightOpt = Annotated[float | None, typer.Option(
    "--athlete-height", help="Athlete's height in cm (recorded with the results).", min=50,
    max=250)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print results.json to stdout.")]


def _window(text: str) -> tuple[float, float]:
    try:
        a, b = (float(x) for x in text.split("-", 1))
    except ValueError:
        raise MovescreenError(f"'{text}' is not a time window; write START-END in seconds, "
                              "e.g. 0.5-2.0.") from None
    if b <= a:
        raise MovescreenError(f"'{text}': the end must come after the start.")
    return a, b


@app.command()
def analyze(
    clips: Annotated[list[Path], typer.Argument(
        help="Video file(s) (mp4, mov, avi, webm, mkv); several clips of one athlete and one "
        "screen (e.g. left and right trials) are also summarised together.")],
    test: TestOpt = Test.single_leg_squat,
    leg: LegOpt = LegChoice.auto,
    out: Annotated[Path | None, typer.Option(help="Output folder \\[default: "
                                             "movescreen_results/<clip name>].")] = None,
    athlete_height: HeightOpt = None,
    view: ViewOpt = ViewChoice.auto,
    standing: StandingOpt = None,
    reps: RepsOpt = None,
    model: Annotated[str | None, typer.Option(
        help="Pose model: full or heavy (bundled), lite once downloaded, or a .task file.")] = None,
    fast: Annotated[bool, typer.Option(
        "--fast", help="One landmarker pass per frame instead of two (picture and mirror): "
        "about twice as fast, but left/right can differ by 1-3 deg.")] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="Cores for pose estimation \\[default: every CPU].")] = None,
    json_out: JsonOpt = False,
    verbose: Annotated[bool, typer.Option(help="Show MediaPipe's own log lines.")] = False,
    recommend: Annotated[bool, typer.Option(
        "--recommend", help="Also recommend a starting phase and exercises (plan.json).")] =
    False,
    athlete: AthleteOpt = None,
    sex: SexOpt = None,
    age: AgeOpt = None,
    goal: GoalOpt = None,
    pain: PainOpt = None,
    pain_sharp: PainSharpOpt = False,
    pain_persistent: PainPersistentOpt = False,
    swelling: SwellingOpt = False,
    rules: RulesOpt = None,
    report: Annotated[bool, typer.Option(
        "--report", help="Also write report.html and report.pdf.")] = False,
    video: Annotated[bool, typer.Option(
        "--video", help="Also write an annotated H.264 video per clip (implies --report).")] =
    False,
    athlete_name: Annotated[str, typer.Option(help="Name shown in the report header.")] = "",
    slow_motion: Annotated[float | None, typer.Option(
        "--slow-motion", help="The clip is slow motion played N times slower than real time "
        "(e.g. 8 for 240 fps played at 30); hop and landing timing is corrected.", min=1.0,
        max=64.0)] = None,
) -> None:
    """Analyse clips and write results.json, frames.csv and pose.npz for each."""
    from .service import SessionRequest, run_session

    console = Console(stderr=json_out)
    try:
        facts = None
        if recommend:
            from .rules.cli import athlete_from_options

            facts = athlete_from_options(athlete, sex, age, goal, pain, pain_sharp,
                                         pain_persistent, swelling)
        overrides = _overrides(leg, view, standing, reps, slow_motion)
        req = SessionRequest(
            clips=tuple(_request(clip, test, overrides, model, athlete_height, fast, workers)
                        for clip in clips),
            out=out or Path("movescreen_results") / clips[0].stem,
            athlete=facts, rules=rules,
            sex=sex.value if sex else "unknown",  # type: ignore[arg-type]
            report=report or video, video=video, athlete_name=athlete_name)
        with native_stderr_captured(verbose):
            outcome = _run_with_progress(req, run_session)
    except MovescreenError as exc:
        fail(console, exc)
        return
    _print_outcome(console, outcome, json_out)


def _overrides(leg: "LegChoice", view: "ViewChoice", standing: str | None,
               reps: str | None, slow_motion: float | None = None):
    from .screens.common import Overrides

    return Overrides(
        leg=None if leg is LegChoice.auto else leg.value,  # type: ignore[arg-type]
        view=None if view is ViewChoice.auto else view.value,  # type: ignore[arg-type]
        standing=_window(standing) if standing else None,
        reps=tuple(_window(w) for w in reps.split(",")) if reps else None,
        slow_motion=slow_motion,
    )


def _request(clip: Path, test: Test, overrides, model: str | None,
             athlete_height: float | None, fast: bool, workers: int | None = None):
    from .pipeline import Request
    from .pose.landmarker import PoseOptions

    return Request(clip=clip, test=test.value, overrides=overrides,  # type: ignore[arg-type]
                   model=model, athlete_height_cm=athlete_height,
                   pose_options=PoseOptions(symmetric=not fast), workers=workers)


def _run_with_progress(req, run_session):
    """Run the session with one progress bar per clip (frames, fps, ETA) on stderr."""
    from .progress_bar import session_progress

    with session_progress() as bar:
        return run_session(req, on_clip=bar)


def _print_outcome(console: Console, outcome, json_out: bool) -> None:
    from .summary import print_summary

    if json_out:
        typer.echo(outcome.result.to_json())
    print_summary(console, outcome.result, outcome.limits)
    if len(outcome.analyses) == 1:
        console.print(f"\nWrote [bold]{escape(str(outcome.results_path))}[/], frames.csv, "
                      "pose.npz")
    else:
        console.print(f"\nWrote [bold]{escape(str(outcome.results_path))}[/] (all clips) and "
                      f"one folder per clip in {escape(str(outcome.results_path.parent))}")
    if outcome.plan is not None:
        from .rules.render import print_plan

        print_plan(console, outcome.plan)
        console.print(f"Wrote [bold]{escape(str(outcome.plan_path))}[/]")
    for key, path in outcome.report_paths.items():
        console.print(f"Wrote [bold]{escape(str(path))}[/]" +
                      (" (annotated video)" if key.startswith("video") else ""))


@app.command()
def rescreen(
    pose: Annotated[Path, typer.Argument(
        help="A pose.npz written by `movescreen analyze`, or its output folder.")],
    test: TestOpt = Test.single_leg_squat,
    leg: LegOpt = LegChoice.auto,
    view: ViewOpt = ViewChoice.auto,
    standing: StandingOpt = None,
    reps: RepsOpt = None,
    athlete_height: HeightOpt = None,
    out: Annotated[Path | None, typer.Option(
        help="Output folder \\[default: the pose file's folder, whose results.json and "
        "frames.csv are replaced].")] = None,
    json_out: JsonOpt = False,
    sex: SexOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Re-run a screen on a saved pose.npz (no video, no inference): seconds, not minutes.

    For correcting the rep windows or the standing reference after looking at the clip.
    """
    from .service import limits_in_force, rescreen_to_folder

    console = Console(stderr=json_out)
    try:
        limits = limits_in_force(rules, sex.value if sex else "unknown")
        folder = out or (pose if pose.is_dir() else pose.parent)
        analysis = rescreen_to_folder(pose, test.value,  # type: ignore[arg-type]
                                      _overrides(leg, view, standing, reps), athlete_height,
                                      folder)
    except MovescreenError as exc:
        fail(console, exc)
        return
    from .summary import print_summary

    if json_out:
        typer.echo(analysis.result.to_json())
    print_summary(console, analysis.result, limits)
    console.print(f"\nWrote [bold]{escape(str(folder / 'results.json'))}[/], frames.csv, "
                  "pose.npz")


@models_app.callback()
def models(ctx: typer.Context) -> None:
    """List the pose models and verify their SHA-256."""
    if ctx.invoked_subcommand is not None:
        return
    from .pose import models as model_store

    console = Console()
    table = Table("model", "status", "path")
    bad = False
    for row in model_store.list_models():
        colour = "green" if row.ok else ("red" if row.path else "dim")
        bad |= row.path is not None and not row.ok
        table.add_row(row.name, f"[{colour}]{row.detail}[/]", str(row.path or "—"))
    console.print(table)
    console.print(f"default: bundled {model_store.DEFAULT_MODEL}")
    console.print(f"cache: {model_store.cache_dir()}")
    if bad:
        raise typer.Exit(1)


@models_app.command("download")
def models_download(
    variant: Annotated[str, typer.Argument(help="lite, full or heavy")],
    url: Annotated[str | None, typer.Option(help="Alternative URL (a mirror).")] = None,
) -> None:
    """Download one of Google's official pose bundles into the user cache (needs internet)."""
    from .pose import models as model_store

    console = Console()
    try:
        bundle = model_store.download_model(variant, url)
    except MovescreenError as exc:
        fail(console, exc)
        return
    console.print(f"Saved {bundle.path} (sha256 {bundle.sha256})")


@app.command()
def version() -> None:
    """Print the movescreen version."""
    typer.echo(__version__)


def main() -> None:  # pragma: no cover - console entry point
    app()
