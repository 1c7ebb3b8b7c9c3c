"""``movescreen batch``: parse, call run_batch, show progress and a summary. Light imports only:
the heavy parts load inside the command, so ``movescreen --help`` stays fast."""

from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from .run import BatchOutcome, BatchProgress


class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


def batch_command(
    inputs: Annotated[list[Path] | None, typer.Argument(
        metavar="INPUT...", help="Clips and/or folders; in a folder, <athlete>/<test>/<clip> "
        "(optionally <athlete>/<YYYY-MM-DD>/<test>/<clip>) names the athlete, date and test.",
        show_default=False)] = None,
    out: Annotated[Path, typer.Option(help="Output folder (per-clip folders, summary.csv, "
                                      "summary.parquet, movescreen.db).")] = ...,  # type: ignore[assignment]
    manifest: Annotated[Path | None, typer.Option(
        help="CSV with columns path, athlete, test, leg, date, sex, age, goal, pain "
        "(paths relative to the CSV).")] = None,
    test: Annotated[str | None, typer.Option(
        help="Test of clips whose folder or manifest row names none: single-leg-squat, squat, "
        "single-leg-hop or drop-landing.")] = None,
    db: Annotated[str | None, typer.Option(
        help="Database: a SQLite file or a SQLAlchemy URL, e.g. "
        "postgresql+psycopg://user@host/db \\[default: OUT/movescreen.db].")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Clips analysed at once \\[default: one per core / Ray CPU].")] = None,
    engine: Annotated[EngineChoice, typer.Option(
        help="local: worker processes on this machine; ray: actors on a Ray cluster "
        '(pip install "movescreen\\[ray]").')] = EngineChoice.local,
    address: Annotated[str | None, typer.Option(
        help="Ray cluster address (e.g. ray://head:10001 or auto) \\[default: start a local "
        "Ray].")] = None,
    recommend: Annotated[bool, typer.Option(
        "--recommend", help="Also make each athlete's plan over all their clips.")] = False,
    report: Annotated[bool, typer.Option(
        "--report", help="Also write each athlete's report over all their clips.")] = False,
    pdf: Annotated[bool, typer.Option(help="With --report, also write report.pdf.")] = True,
    rules: Annotated[Path | None, typer.Option(
        help="A clinic's rules file or folder (with --recommend).")] = None,
    model: Annotated[str | None, typer.Option(
        help="Pose model: a .task file, or lite/full/heavy once downloaded.")] = None,
    fast: Annotated[bool, typer.Option(
        "--fast", help="One landmarker pass per frame instead of two.")] = False,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Analyse again the clips that failed with an error.")] = False,
    verbose: Annotated[bool, typer.Option(help="Show MediaPipe's own log lines.")] = False,
) -> None:
    """Analyse many clips, resumably, into per-clip folders, a summary and a database."""
    from ..errors import MovescreenError
    from ..terminal import fail
    from .jobs import Settings
    from .run import BatchRequest, run_batch

    console = Console(stderr=True)
    req = BatchRequest(
        inputs=tuple(inputs or ()), out=out, manifest=manifest,
        settings=Settings(test=test, model=model, fast=fast), db=db, workers=workers,
        engine=engine.value, address=address,  # type: ignore[arg-type]
        recommend=recommend, report=report, pdf=pdf, rules=rules, retry_failed=retry_failed,
        show_native_logs=verbose)
    try:
        with _ProgressBar(console) as on_progress:
            outcome = run_batch(req, on_progress)
    except MovescreenError as exc:
        fail(console, exc)
        return
    except KeyboardInterrupt:
        console.print("[yellow]Interrupted.[/] Finished clips are kept; run the same command "
                      "again to continue.")
        raise typer.Exit(130) from None
    _print_outcome(console, outcome)
    if outcome.failures or outcome.athlete_errors:
        raise typer.Exit(1)


class _ProgressBar:
    """A rich bar: clips done of total, failed, frames per second and ETA."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("[bold]clips"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TextColumn("{task.fields[fps]:.1f} frames/s"), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[last]}"),
            console=console, transient=False)
        self.task = self.bar.add_task("clips", total=None, failed=0, fps=0.0, last="",
                                      visible=False)
        self.skipped_told = False

    def __call__(self, p: "BatchProgress") -> None:
        if not self.skipped_told and p.skipped:
            self.bar.console.print(f"skipped {p.skipped} finished clip(s) (already analysed)")
        self.skipped_told = True
        fps = p.frames / p.elapsed_s if p.elapsed_s > 0 else 0.0
        self.bar.update(self.task, total=p.total, completed=p.done, failed=p.failed, fps=fps,
                        last=escape(p.last[-40:]), visible=True)

    def __enter__(self) -> "_ProgressBar":
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _print_outcome(console: Console, o: "BatchOutcome") -> None:
    from rich.table import Table

    t = Table(show_header=False, box=None)
    t.add_row("clips", f"{o.clips} ({o.computed} analysed now, {o.skipped} skipped as "
                       "already finished)")
    if o.computed:
        t.add_row("speed", f"{o.fps:.1f} frames/s with {o.workers} worker(s); peak worker "
                           f"memory {o.peak_worker_rss_mb:.0f} MB")
    t.add_row("failed", str(len(o.failures)))
    if o.flagged:
        t.add_row("flagged", f"{len(o.flagged)} (results with an error flag; see 'flags')")
    for name, path in o.paths.items():
        t.add_row(name, escape(str(path)))
    t.add_row("database", escape(o.db_url))
    console.print(t)
    why: dict[str, list[str]] = defaultdict(list)
    for label, msg in o.failures:
        why[msg.split(": ", 1)[-1] if msg.startswith(("/", ".")) else msg].append(label)
    for msg, labels in sorted(why.items(), key=lambda kv: -len(kv[1])):
        console.print(f"[red]{len(labels)} failed:[/] {escape(msg)} "
                      f"({escape(', '.join(labels[:3]))}{' …' if len(labels) > 3 else ''})",
                      highlight=False)
    for athlete, msg in o.athlete_errors:
        console.print(f"[red]athlete {escape(athlete)}:[/] {escape(msg)}", highlight=False)
