"""One athlete's session: clips -> analyses -> combined result -> plan -> report.

This is the one orchestration path. ``movescreen analyze``, the Python API, batch, live and
the web app all call :func:`run_session` (or :func:`analyse_to_folder` for one clip); none of
them re-implements the flow.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_write_text
from .combine import combine
from .errors import MovescreenError
from .outputs import POSE, RESULTS, write_outputs
from .pipeline import Analysis, Request, analyse_clip, analyse_pose
from .pose.sequence import PoseSequence
from .results import ScreenResult, TestName
from .rules.athlete import AthleteFacts
from .rules.make import make_plan
from .rules.plan import Plan
from .screens.common import Overrides

# Called once per clip before its analysis starts: (index, number of clips, clip path).
ClipStarted = Callable[[int, int, Path], None]


@dataclass(frozen=True)
class SessionRequest:
    """Everything one session needs: the clips (one athlete, one screen) and what to make."""

    clips: tuple[Request, ...]
    out: Path
    athlete: AthleteFacts | None = None  # given: make a plan (plan.json)
    rules: Path | None = None  # a clinic's rules file or folder
    previous: tuple[Path, ...] = ()  # earlier plan.json or results.json (re-test)
    report: bool = False
    pdf: bool = True
    video: bool = False
    athlete_name: str = ""


@dataclass
class SessionOutcome:
    """What a session produced and where it was written."""

    result: ScreenResult  # the combined result (the clip's own when there is one clip)
    analyses: list[Analysis]
    results_path: Path
    clip_dirs: list[Path]
    plan: Plan | None = None
    plan_path: Path | None = None
    report_paths: dict[str, Path] = field(default_factory=dict)


def clip_folders(clips: Sequence[Path], base: Path) -> list[Path]:
    """One distinct output folder per clip under ``base``.

    Clips that share a file name (``a/trial.mp4``, ``b/trial.mp4``) get ``trial``, ``trial-2``,
    ... in the order given, so no clip's outputs overwrite another's.
    """
    seen: dict[str, int] = {}
    out = []
    for clip in clips:
        stem = Path(clip).stem
        seen[stem] = seen.get(stem, 0) + 1
        out.append(base / (stem if seen[stem] == 1 else f"{stem}-{seen[stem]}"))
    return out


def analyse_to_folder(req: Request, out: Path | None) -> Analysis:
    """Analyse one clip and, if ``out`` is given, write results.json, frames.csv, pose.npz."""
    analysis = analyse_clip(req)
    if out is not None:
        write_outputs(analysis, out)
    return analysis


def load_pose_file(path: Path) -> PoseSequence:
    """A saved PoseSequence: a pose.npz, or the output folder of an analysis that holds one."""
    path = Path(path)
    if path.is_dir():
        path = path / POSE
    if not path.is_file():
        raise MovescreenError(f"{path}: no such file; give a pose.npz written by "
                              "`movescreen analyze` (or its output folder).")
    return PoseSequence.load(path)


def rescreen_to_folder(pose: Path | PoseSequence, test: TestName,
                       overrides: Overrides | None = None,
                       athlete_height_cm: float | None = None,
                       out: Path | None = None) -> Analysis:
    """Run a screen again on a saved PoseSequence (no video, no inference) and write it."""
    seq = pose if isinstance(pose, PoseSequence) else load_pose_file(pose)
    analysis = Analysis(seq, analyse_pose(seq, test, overrides, athlete_height_cm))
    if out is not None:
        write_outputs(analysis, out)
    return analysis


def check_session(req: SessionRequest) -> None:
    """Fail fast (before minutes of pose inference) on a bad rules file or empty request."""
    if not req.clips:
        raise MovescreenError("No clips given: pass at least one video file.")
    if req.athlete is not None:
        from .rules.loader import load_rules

        load_rules(req.rules)


def run_session(req: SessionRequest, on_clip: ClipStarted | None = None) -> SessionOutcome:
    """Analyse every clip, combine them, and make the plan and report when asked.

    One clip writes its outputs straight into ``req.out``; several clips write one folder per
    clip inside it plus a combined results.json. Raises MovescreenError on a user problem.
    """
    check_session(req)
    many = len(req.clips) > 1
    dirs = clip_folders([c.clip for c in req.clips], req.out) if many else [req.out]
    analyses = []
    for i, (clip_req, folder) in enumerate(zip(req.clips, dirs, strict=True)):
        if on_clip is not None:
            on_clip(i, len(req.clips), clip_req.clip)
        analyses.append(analyse_to_folder(clip_req, folder))
    if many:
        result, results_path = combine_to_file([a.result for a in analyses], req.out / RESULTS)
    else:
        result, results_path = analyses[0].result, req.out / RESULTS
    outcome = SessionOutcome(result, analyses, results_path, dirs)
    outcome.plan, outcome.plan_path, outcome.report_paths = plan_and_report(
        [(results_path, result)], req)
    return outcome


def combine_to_file(results: Sequence[ScreenResult], path: Path) -> tuple[ScreenResult, Path]:
    """Several clips of one screen combined into one result, written to ``path``."""
    result = combine(list(results))
    atomic_write_text(path, result.to_json())
    return result, path


def plan_and_report(results: Sequence[tuple[Path, ScreenResult]], req: SessionRequest
                    ) -> tuple[Plan | None, Path | None, dict[str, Path]]:
    """The plan (when ``req.athlete`` is given) and the report (when asked) into ``req.out``,
    from results already made (one per screen)."""
    plan = plan_path = None
    if req.athlete is not None:
        plan, plan_path = make_plan([(str(p), r) for p, r in results], req.athlete, req.out,
                                    rules=req.rules, previous=req.previous)
    paths: dict[str, Path] = {}
    if req.report or req.video:
        from .report.cli import write_report

        paths = write_report(list(results), req.out, plan=plan, athlete_name=req.athlete_name,
                             pdf=req.pdf, video=req.video)
    return plan, plan_path, paths
