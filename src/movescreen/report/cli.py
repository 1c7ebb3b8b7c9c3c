"""``movescreen report`` and the helper behind ``analyze --report [--video]``."""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from ..atomic import atomic_write_text
from ..errors import MovescreenError
from ..results import ScreenResult
from ..rules.cli import RulesOpt, SexOpt
from ..rules.make import load_results
from ..rules.plan import Plan
from ..rules.schema import Sex
from ..terminal import fail

if TYPE_CHECKING:  # rules.limits imports rule-engine (slow): imported when a report is made
    from ..rules.limits import Limits

REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"


def _results_file(path: Path) -> Path:
    path = Path(path)
    if path.is_dir():
        if not (path / "results.json").is_file():
            raise MovescreenError(f"{path}: no results.json in this folder; give a results.json "
                                  "or the output folder of `movescreen analyze`.")
        return path / "results.json"
    return path


def load_plan(path: Path) -> Plan:
    """Read a plan.json, or raise a clear error."""
    try:
        return Plan.from_json(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise MovescreenError(f"{path}: cannot read it ({exc.strerror}).") from None
    except ValidationError as exc:
        raise MovescreenError(f"{path}: not a movescreen plan.json ({exc.errors()[0]['msg']}); "
                              "make one with `movescreen recommend`.") from None


def write_report(results: Sequence[tuple[Path, ScreenResult]], out_dir: Path, *,
                 plan: Plan | None = None, athlete_name: str = "", notes: str = "",
                 previous: Sequence[ScreenResult] = (), pdf: bool = True,
                 video: bool = False, limits: "Limits | None" = None) -> dict[str, Path]:
    """Write report.html (+ report.pdf, + one annotated mp4 per clip); returns the paths.

    ``limits``: the thresholds in force (see :func:`report_limits`).
    """
    from .html import attach_images, render_html
    from .model import build_report
    from .sources import clip_sources

    view = build_report(list(results), plan, athlete_name=athlete_name, notes=notes,
                        previous=list(previous), limits=limits)
    attach_images(view)
    html = render_html(view)
    out_dir = Path(out_dir)
    paths = {"html": out_dir / REPORT_HTML}
    atomic_write_text(paths["html"], html)
    if pdf:
        from .pdf import write_pdf

        paths["pdf"] = write_pdf(html, out_dir / REPORT_PDF)
    if video:
        from .video import write_annotated_video

        for source, r in results:
            for src in clip_sources(source, r):
                target = out_dir / f"{Path(src.name).stem}_annotated.mp4"
                paths[f"video:{src.name}"] = write_annotated_video(r, src, target)
    return paths


def _plan_rules(plan: Plan) -> Path | None:
    """The clinic's rules a plan was made with: its one file, or the folder of its files."""
    own = [Path(f) for f in plan.rules.files if not f.startswith("movescreen:")]
    if not own:
        return None
    where = own[0] if len(own) == 1 else own[0].parent
    if not where.exists() or any(f.parent != own[0].parent for f in own):
        raise MovescreenError(f"The plan was made with the rules {', '.join(map(str, own))}, "
                              "which are not found here: pass them with --rules.")
    return where


def report_limits(rules: Path | None = None, sex: Sex | None = None,
                  plan: Plan | None = None) -> "Limits":
    """The thresholds of the report's lights: the given rules, else the rules the plan was made
    with, else the defaults; the given sex, else the plan's athlete's, else unknown."""
    if rules is None and plan is not None:
        rules = _plan_rules(plan)
    if sex is None:
        sex = plan.athlete.sex if plan is not None else "unknown"  # type: ignore[assignment]
    from ..rules.limits import load_limits

    return load_limits(rules, sex or "unknown")


def run_report(console: Console, results_paths: Sequence[Path], *, plan: Path | None = None,
               previous: Sequence[Path] = (), athlete_name: str = "", notes: str = "",
               out: Path | None = None, pdf: bool = True, video: bool = False,
               find_plan: bool = True, rules: Path | None = None,
               sex: Sex | None = None) -> dict[str, Path]:
    """Load the inputs, write the report and print where it went. Raises MovescreenError.

    Without ``plan``, a plan.json beside the first results file is used if there is one (unless
    ``find_plan`` is False: ``analyze --report`` passes the plan it just made, or none).
    """
    files = [_results_file(p) for p in results_paths]
    loaded = [(Path(name), r) for name, r in load_results(files)]
    plan_path = plan or (files[0].parent / "plan.json")
    the_plan = load_plan(plan_path) if plan or (find_plan and plan_path.is_file()) else None
    earlier = [r for _, r in load_results([_results_file(p) for p in previous])]
    limits = report_limits(rules, sex, the_plan)
    with console.status("Writing the report …"):
        paths = write_report(loaded, out or files[0].parent, plan=the_plan,
                             athlete_name=athlete_name, notes=notes, previous=earlier,
                             pdf=pdf, video=video, limits=limits)
    for key, path in paths.items():
        console.print(f"Wrote [bold]{escape(str(path))}[/]" + (" (annotated video)"
                                                                if key.startswith("video")
                                                                else ""))
    return paths


def report_command(
    results: Annotated[list[Path], typer.Argument(
        help="results.json files, or folders written by `movescreen analyze` (one athlete: "
        "any screens, both legs).")],
    plan: Annotated[Path | None, typer.Option(
        help="plan.json from `movescreen recommend` \\[default: plan.json beside the first "
        "results, if any].")] = None,
    previous: Annotated[list[Path] | None, typer.Option(
        "--previous", help="Earlier results.json (or folders) of the same athlete, repeat: "
        "adds trend plots.")] = None,
    athlete_name: Annotated[str, typer.Option(help="Name shown in the header.")] = "",
    notes: Annotated[str, typer.Option(help="A note shown under the header.")] = "",
    out: Annotated[Path | None, typer.Option(
        help="Folder for report.html \\[default: the first results' folder].")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write report.pdf.")] = True,
    video: Annotated[bool, typer.Option(
        "--video", help="Also write an annotated H.264 video per clip.")] = False,
    sex: SexOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Write a coach's report (report.html, report.pdf) from results and plan.

    The traffic lights use the thresholds of --rules (default: the rules the plan was made
    with, else the defaults) for --sex (default: the plan's athlete, else unknown).
    """
    console = Console()
    try:
        run_report(console, results, plan=plan, previous=previous or [],
                   athlete_name=athlete_name, notes=notes, out=out, pdf=pdf, video=video,
                   rules=rules, sex=sex.value if sex else None)  # type: ignore[arg-type]
    except MovescreenError as exc:
        fail(console, exc)
