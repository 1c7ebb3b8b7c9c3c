"""``movescreen report`` and the helper behind ``analyze --report [--video]``."""

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from ..atomic import atomic_write_text
from ..errors import MovescreenError
from ..results import ScreenResult
from ..rules.make import load_results
from ..rules.plan import Plan
from ..terminal import fail

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
                 video: bool = False) -> dict[str, Path]:
    """Write report.html (+ report.pdf, + one annotated mp4 per clip); returns the paths."""
    from .html import attach_images, render_html
    from .model import build_report
    from .sources import clip_sources

    view = build_report(list(results), plan, athlete_name=athlete_name, notes=notes,
                        previous=list(previous))
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


def run_report(console: Console, results_paths: Sequence[Path], *, plan: Path | None = None,
               previous: Sequence[Path] = (), athlete_name: str = "", notes: str = "",
               out: Path | None = None, pdf: bool = True, video: bool = False,
               find_plan: bool = True) -> dict[str, Path]:
    """Load the inputs, write the report and print where it went. Raises MovescreenError.

    Without ``plan``, a plan.json beside the first results file is used if there is one (unless
    ``find_plan`` is False: ``analyze --report`` passes the plan it just made, or none).
    """
    files = [_results_file(p) for p in results_paths]
    loaded = [(Path(name), r) for name, r in load_results(files)]
    plan_path = plan or (files[0].parent / "plan.json")
    the_plan = load_plan(plan_path) if plan or (find_plan and plan_path.is_file()) else None
    earlier = [r for _, r in load_results([_results_file(p) for p in previous])]
    with console.status("Writing the report …"):
        paths = write_report(loaded, out or files[0].parent, plan=the_plan,
                             athlete_name=athlete_name, notes=notes, previous=earlier,
                             pdf=pdf, video=video)
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
        help="plan.json from `movescreen recommend` [default: plan.json beside the first "
        "results, if any].")] = None,
    previous: Annotated[list[Path] | None, typer.Option(
        "--previous", help="Earlier results.json (or folders) of the same athlete, repeat: "
        "adds trend plots.")] = None,
    athlete_name: Annotated[str, typer.Option(help="Name shown in the header.")] = "",
    notes: Annotated[str, typer.Option(help="A note shown under the header.")] = "",
    out: Annotated[Path | None, typer.Option(
        help="Folder for report.html [default: the first results' folder].")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write report.pdf.")] = True,
    video: Annotated[bool, typer.Option(
        "--video", help="Also write an annotated H.264 video per clip.")] = False,
) -> None:
    """Write a coach's report (report.html, report.pdf) from results and plan."""
    console = Console()
    try:
        run_report(console, results, plan=plan, previous=previous or [],
                   athlete_name=athlete_name, notes=notes, out=out, pdf=pdf, video=video)
    except MovescreenError as exc:
        fail(console, exc)
