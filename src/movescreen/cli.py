"""The ``movescreen`` command line: parse, call the pipeline, print. Nothing else lives here."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .atomic import atomic_write_text
from .catalog import load_catalog
from .combine import combine
from .errors import MovescreenError
from .outputs import RESULTS, write_outputs
from .pipeline import Request, analyse_clip
from .pose import models as model_store
from .pose.landmarker import PoseOptions
from .progress_bar import frame_progress
from .quiet import native_stderr_captured
from .report.cli import report_command, run_report
from .results import ScreenResult
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
    athlete_from_options,
    check_rules,
    recommend_command,
    rules_app,
    run_recommend,
)
from .screens.common import Overrides
from .terminal import fail

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Video movement screen: knee valgus, pelvic drop, trunk lean, depth.")
models_app = typer.Typer(help="List, verify and download pose models.",
                         invoke_without_command=True)
app.add_typer(models_app, name="models")
app.add_typer(rules_app, name="rules")
app.command("recommend")(recommend_command)
app.command("report")(report_command)


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
    test: Annotated[Test, typer.Option(help="Which screen was filmed.")] = Test.single_leg_squat,
    leg: Annotated[LegChoice, typer.Option(help="Stance leg (single-leg squat).")] =
    LegChoice.auto,
    out: Annotated[Path | None, typer.Option(help="Output folder [default: "
                                             "movescreen_results/<clip name>].")] = None,
    athlete_height: Annotated[float | None, typer.Option(
        "--athlete-height", help="Athlete's height in cm (recorded with the results).",
        min=50, max=250)] = None,
    view: Annotated[ViewChoice, typer.Option(help="Override the detected camera view.")] =
    ViewChoice.auto,
    standing: Annotated[str | None, typer.Option(
        help="Standing reference window START-END in seconds [default: auto].")] = None,
    reps: Annotated[str | None, typer.Option(
        help="Rep windows, e.g. '1.0-3.2,3.2-5.5' [default: auto].")] = None,
    model: Annotated[str | None, typer.Option(
        help="Pose model: a .task file, or lite/full/heavy once downloaded.")] = None,
    fast: Annotated[bool, typer.Option(
        "--fast", help="One landmarker pass per frame instead of two (picture and mirror): "
        "about twice as fast, but left/right can differ by 1-3 deg.")] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="Pose worker processes [default: one per CPU].")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print results.json to stdout.")] =
    False,
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
) -> None:
    """Analyse clips and write results.json, frames.csv and pose.npz for each."""
    console = Console(stderr=json_out)
    try:
        facts = None
        if recommend:  # bad athlete facts or rules fail before the long analysis
            facts = athlete_from_options(athlete, sex, age, goal, pain, pain_sharp,
                                         pain_persistent, swelling)
            check_rules(rules)
        overrides = Overrides(
            leg=None if leg is LegChoice.auto else leg.value,  # type: ignore[arg-type]
            view=None if view is ViewChoice.auto else view.value,  # type: ignore[arg-type]
            standing=_window(standing) if standing else None,
            reps=tuple(_window(w) for w in reps.split(",")) if reps else None,
        )
        reqs = [Request(clip=clip, test=test.value, overrides=overrides,  # type: ignore[arg-type]
                        model=model, athlete_height_cm=athlete_height,
                        pose_options=PoseOptions(symmetric=not fast), workers=workers)
                for clip in clips]
        analyses = []
        for req in reqs:
            with (frame_progress(f"Analysing {req.clip.name}") as progress,
                  native_stderr_captured(verbose)):
                analyses.append(analyse_clip(req, progress=progress))
        base = out or Path("movescreen_results") / clips[0].stem
        if len(analyses) == 1:
            paths = write_outputs(analyses[0], base)
            result = analyses[0].result
        else:
            for a in analyses:
                write_outputs(a, base / Path(a.result.clip.file).stem)
            result = combine([a.result for a in analyses])
            paths = {"results": base / RESULTS}
            atomic_write_text(paths["results"], result.to_json())
    except MovescreenError as exc:
        fail(console, exc)
        return
    if json_out:
        typer.echo(result.to_json())
    print_summary(console, result)
    if len(analyses) == 1:
        console.print(f"\nWrote [bold]{escape(str(paths['results']))}[/], "
                      f"{escape(paths['frames'].name)}, {escape(paths['pose'].name)}")
    else:
        console.print(f"\nWrote [bold]{escape(str(paths['results']))}[/] (all clips) and one "
                      f"folder per clip in {escape(str(base))}")
    plan_path = None
    if facts is not None:
        try:
            _, plan_path = run_recommend(console, [(str(paths["results"]), result)], facts,
                                         base, rules=rules)
        except MovescreenError as exc:
            fail(console, exc)
            return
        console.print(f"Wrote [bold]{escape(str(plan_path))}[/]")
    if report or video:
        try:
            run_report(console, [paths["results"]], plan=plan_path, out=base, video=video,
                       athlete_name=athlete_name, find_plan=False)
        except MovescreenError as exc:
            fail(console, exc)
            return


_UNIT_SUFFIX = {"deg": "°", "% leg length": "%", "s": " s", "leg lengths": " LL", "ratio": "",
                "cm": " cm", "%": "%"}


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    digits = 2 if unit in ("leg lengths", "ratio", "s") else 1
    return f"{v:.{digits}f}{_UNIT_SUFFIX.get(unit, '')}"


def _worst(m) -> str:
    if m.worst is None or m.worst_t is None:
        return f"[dim]{escape(m.reason or '—')}[/]"
    return f"{_fmt(m.worst, m.unit)} [dim]rep {m.worst_rep} @ {m.worst_t:.1f} s[/]"


def _metrics_table(title: str, metrics: dict, catalog: dict, with_status: bool) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for col in ("metric", "median", "worst", "normal / target"):
        table.add_column(col)
    if with_status:
        table.add_column("")
    for name, m in metrics.items():
        d = catalog[name]
        row = [escape(m.label), _fmt(m.median, m.unit), _worst(m), f"[dim]{escape(d.normal)}[/]"]
        if with_status:
            flagged = d.flagged(m.median)
            row.append("[red]target not met[/]" if flagged else
                       "[green]ok[/]" if flagged is False else "")
        table.add_row(*row)
    return table


def _reps_table(r: ScreenResult) -> Table:
    if r.test in ("single-leg-hop", "drop-landing"):
        return _landings_table(r)
    if r.test == "squat":
        cols = {"fppa_peak_deg": ("FPPA pk (worse knee)", "deg"),
                "kasr_bottom": ("knee/ankle sep", "ratio"),
                "pelvic_shift_pct": ("pelvic shift", "% leg length")}
    else:
        cols = {"fppa_peak_deg": ("FPPA pk", "deg"), "pelvic_drop_deg": ("pelvic drop", "deg"),
                "trunk_lean_deg": ("trunk lean", "deg")}
    cols |= {"depth_pct": ("depth", "% leg length"), "descent_s": ("down", "s"),
             "ascent_s": ("up", "s")}
    table = Table(title="Reps", title_justify="left", title_style="bold")
    for col in ("#", "leg", "bottom", *(label for label, _ in cols.values()), "note"):
        table.add_column(col)
    for rep in r.reps:
        m = dict(rep.metrics)
        if rep.per_leg:  # bilateral: show the worse knee
            peaks = [leg.get("fppa_peak_deg") for leg in rep.per_leg.values()]
            m["fppa_peak_deg"] = max((p for p in peaks if p is not None), default=None)
        note = escape(rep.exclusion_reason or ("balance lost" if rep.balance_lost else ""))
        table.add_row(str(rep.index), rep.leg, f"{rep.t_bottom:.1f} s",
                      *(_fmt(m.get(c), unit) for c, (_, unit) in cols.items()), note,
                      style="dim" if rep.excluded else "")
    return table


def _landings_table(r: ScreenResult) -> Table:
    cols = {"flight_time_s": ("flight", "s"), "jump_height_cm": ("height", "cm"),
            "fppa_ic_deg": ("FPPA contact", "deg"), "fppa_landing_peak_deg": ("FPPA peak", "deg"),
            "kasr_min": ("knee/ankle sep", "ratio"),
            "knee_flexion_ic_deg": ("knee flex contact", "deg"),
            "time_to_peak_flexion_s": ("to peak flex", "s"), "tts_video_s": ("video TTS", "s")}
    table = Table(title="Landings", title_justify="left", title_style="bold")
    for col in ("#", "leg", "contact", *(label for label, _ in cols.values()), "note"):
        table.add_column(col)
    for rep in r.reps:
        m = dict(rep.metrics)
        for name in ("fppa_ic_deg", "fppa_landing_peak_deg", "knee_flexion_ic_deg"):
            if rep.per_leg:  # bilateral: the worse knee
                vals = [leg.get(name) for leg in rep.per_leg.values()]
                vals = [v for v in vals if v is not None]
                pick = min if name == "knee_flexion_ic_deg" else max
                m[name] = pick(vals) if vals else None
        note = escape(rep.exclusion_reason or "; ".join(rep.notes))
        where = f"{escape(rep.clip)}: " if rep.clip else ""
        table.add_row(str(rep.index), rep.leg,
                      f"{where}{rep.events.get('initial_contact', rep.t_start):.2f} s",
                      *(_fmt(m.get(c), unit) for c, (_, unit) in cols.items()), note,
                      style="dim" if rep.excluded else "")
    return table


def print_summary(console: Console, r: ScreenResult) -> None:
    """The readable summary: who and what was analysed, per-leg metrics against norms."""
    catalog = load_catalog()
    c = r.clip
    console.print(f"[bold]{r.test}[/] · {escape(Path(c.file).name)} · {c.width}x{c.height} · "
                  f"{c.fps_measured:.0f} fps · {c.duration_s:.1f} s · view: [bold]{r.view.view}"
                  f"[/] ({r.view.source})", highlight=False)
    console.print(f"Person: {escape(r.person.selection)}" +
                  (" · tracked in a zoomed crop" if r.person.crop_tracking else ""),
                  highlight=False)
    what = "landings" if r.test in ("single-leg-hop", "drop-landing") else "reps"
    console.print(f"Standing reference: {r.standing.n_frames} frames between "
                  f"{r.standing.t_start:.1f} and {r.standing.t_end:.1f} s · "
                  f"{what} found: {len(r.reps)}", highlight=False)
    for other in r.other_clips:
        console.print(f"Also combined: {escape(Path(other.file).name)}", highlight=False)
    if r.reps:
        console.print(_reps_table(r))
    for side, leg in r.legs.items():
        if not leg.reps_total:
            continue
        title = f"{side.upper()} leg · {leg.reps_used} of {leg.reps_total} reps used"
        # the published FPPA targets are for single-leg squats and landings, not squats
        console.print(_metrics_table(title, leg.metrics, catalog,
                                     with_status=r.test != "squat"))
        for ex in leg.excluded:
            console.print(f"  [yellow]rep {ex.rep} excluded:[/] {escape(ex.reason)}",
                          highlight=False)
    if r.bilateral:
        console.print(_metrics_table("Both legs", r.bilateral, catalog, with_status=True))
    colours = {"error": "red", "warning": "yellow", "info": "blue"}
    for f in r.quality:
        console.print(f"[{colours[f.severity]}]{f.severity}[/]: {escape(f.message)}",
                      highlight=False)
    for note in r.notes:
        console.print(f"[dim]note: {escape(note)}[/]", highlight=False)


@models_app.callback()
def models(ctx: typer.Context) -> None:
    """List the pose models and verify their SHA-256."""
    if ctx.invoked_subcommand is not None:
        return
    console = Console()
    table = Table("model", "status", "path")
    bad = False
    for row in model_store.list_models():
        colour = "green" if row.ok else ("red" if row.path else "dim")
        bad |= row.path is not None and not row.ok
        table.add_row(row.name, f"[{colour}]{row.detail}[/]", str(row.path or "—"))
    console.print(table)
    console.print(f"cache: {model_store.cache_dir()}")
    if bad:
        raise typer.Exit(1)


@models_app.command("download")
def models_download(
    variant: Annotated[str, typer.Argument(help="lite, full or heavy")],
    url: Annotated[str | None, typer.Option(help="Alternative URL (a mirror).")] = None,
) -> None:
    """Download one of Google's official pose bundles into the user cache (needs internet)."""
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
