"""The ``movescreen live`` command: parse, run a live session, print each set's results.

Heavy modules (OpenCV, MediaPipe, PyAV) are imported inside the command.
"""

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import MovescreenError
from ..rules.cli import (
    AgeOpt,
    AthleteOpt,
    GoalOpt,
    PainOpt,
    PainPersistentOpt,
    PainSharpOpt,
    RulesOpt,
    SexOpt,
    SwellingOpt,
)
from ..terminal import fail

WINDOW = "movescreen live"


class LiveTest(StrEnum):
    single_leg_squat = "single-leg-squat"
    squat = "squat"


class LiveLeg(StrEnum):
    left = "left"
    right = "right"
    both = "both"


def _legs(test: LiveTest, leg: LiveLeg) -> tuple:
    if test is not LiveTest.single_leg_squat:
        return (None,)
    return ("left", "right") if leg is LiveLeg.both else (leg.value,)


def _window_display():
    """A display callback showing pictures in an OpenCV window; returns (show, close)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        raise MovescreenError("There is no display to open a window on; run from a desktop "
                              "session, or add --headless to print the live numbers instead.")
    import cv2

    cv2.namedWindow(WINDOW, cv2.WINDOW_AUTOSIZE)  # the picture at its own size
    state = {"shown": False}

    def show(img) -> int:
        cv2.imshow(WINDOW, cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        key = cv2.waitKey(1) & 0xFF
        if state["shown"] and cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1:
            return ord("q")  # the window was closed
        state["shown"] = True
        return key

    def close() -> None:
        cv2.destroyAllWindows()
        cv2.waitKey(1)

    return show, close


def live_command(
    test: Annotated[LiveTest, typer.Option(help="Which screen to record.")] =
    LiveTest.single_leg_squat,
    leg: Annotated[LiveLeg, typer.Option(help="Stance leg(s), in order (single-leg squat).")] =
    LiveLeg.both,
    camera: Annotated[str, typer.Option(
        help="Camera number (0 = first webcam), a stream URL, or a video file played as if "
        "it were a camera.")] = "0",
    headless: Annotated[bool, typer.Option(
        "--headless", help="No window: print the live numbers instead (keys unavailable).")] =
    False,
    out: Annotated[Path | None, typer.Option(
        help="Folder for the clips and results (default: movescreen_results/live-DATE-TIME).")] =
    None,
    reps: Annotated[int, typer.Option(help="Reps per set.", min=1, max=30)] = 5,
    countdown: Annotated[float, typer.Option(help="Countdown before a set, seconds.",
                                             min=0, max=30)] = 3.0,
    model: Annotated[str | None, typer.Option(
        help="Pose model: a .task file, or lite/full/heavy once downloaded.")] = None,
    snapshot: Annotated[Path | None, typer.Option(
        help="Save the last picture drawn (with the overlay) to this PNG file.")] = None,
    recommend: Annotated[bool, typer.Option(
        "--recommend", help="Also recommend a phase and exercises for each set (plan.json).")] =
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
        "--report", help="Also write report.html and report.pdf for each set.")] = False,
    verbose: Annotated[bool, typer.Option(help="Show MediaPipe's own log lines.")] = False,
) -> None:
    """Screen yourself in front of a webcam: guided set(s), live feedback, then the analysis.

    Keys (window): space start/stop a set, l/r switch leg, q quit. Every set's raw clip is
    saved with its results beside it; the results are those of `movescreen analyze` on it.
    """
    from datetime import datetime

    from ..quiet import native_stderr_captured

    console = Console()
    close = None
    try:
        display = None
        if not headless:
            # the window before anything loads PyAV: OpenCV's Qt window hangs if PyAV came first
            display, close = _window_display()
        from .camera import open_source
        from .session import LiveRequest, LiveSession

        facts = None
        if recommend:
            from ..rules.cli import athlete_from_options

            facts = athlete_from_options(athlete, sex, age, goal, pain, pain_sharp,
                                         pain_persistent, swelling)
        folder = out or Path("movescreen_results") / datetime.now().strftime(
            "live-%Y%m%d-%H%M%S")
        req = LiveRequest(test=test.value, legs=_legs(test, leg), out=folder,  # type: ignore
                          reps=reps, countdown_s=countdown, model=model, athlete=facts,
                          rules=rules, report=report, snapshot=snapshot)
        with native_stderr_captured(verbose):
            source = open_source(camera)
            try:
                session = LiveSession(req, source, display,
                                      lambda s: console.print(escape(s), highlight=False))
                result = session.run()
            finally:
                source.close()
    except MovescreenError as exc:
        fail(console, exc)
        return
    finally:
        if close is not None:
            close()
    _print_sets(console, result)


def _print_sets(console: Console, result) -> None:
    from ..summary import print_summary

    if not result.sets:
        console.print("No set was recorded.")
    for s in result.sets:
        console.print(f"\n[bold]{escape(s.clip.name)}[/] ({s.frames} frames, "
                      f"{s.live_reps} reps counted live)")
        if s.outcome is None:
            console.print(f"Clip kept; analyse it with: movescreen analyze "
                          f"{escape(str(s.clip))}" + (f" --leg {s.leg}" if s.leg else ""))
            continue
        print_summary(console, s.outcome.result)
        console.print(f"Wrote [bold]{escape(str(s.outcome.results_path))}[/], frames.csv, "
                      "pose.npz")
        if s.outcome.plan is not None:
            from ..rules.render import print_plan

            print_plan(console, s.outcome.plan)
            console.print(f"Wrote [bold]{escape(str(s.outcome.plan_path))}[/]")
        for path in s.outcome.report_paths.values():
            console.print(f"Wrote [bold]{escape(str(path))}[/]")
    stats = result.stats
    if stats.frame_times:
        console.print(f"\nLive view: {len(stats.frame_times)} pictures processed.")
