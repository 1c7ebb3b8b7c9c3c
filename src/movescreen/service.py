"""One athlete's session: clips -> analyses -> combined result -> plan -> report.

This is the one orchestration path. ``movescreen analyze``, the Python API, batch, live and
the web app all call :func:`run_session` (or :func:`analyse_to_folder` for one clip); none of
them re-implements the flow.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

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
from .rules.schema import Sex
from .screens.common import Overrides

if TYPE_CHECKING:
    from .engine import Executor
    from .pose.estimate import FrameProgress
    from .rules.limits import Limits

if TYPE_CHECKING:  # the rules modules import rule-engine (slow): imported when a session runs
    from .rules.limits import Limits
    from .rules.loader import RuleSet

# Called once per clip before its analysis starts with (index, number of clips, clip path);
# it may return a per-frame progress callback for that clip's pose estimation.
ClipStarted = Callable[[int, int, Path], "FrameProgress | None"]


@dataclass(frozen=True)
class SessionRequest:
    """Everything one session needs: the clips (one athlete, one screen) and what to make."""

    clips: tuple[Request, ...]
    out: Path
    athlete: AthleteFacts | None = None  # given: make a plan (plan.json)
    rules: Path | None = None  # a clinic's rules file or folder: the thresholds of everything
    sex: Sex = "unknown"  # for the sex-specific thresholds when there is no athlete
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
    limits: "Limits"  # the thresholds in force (rules, athlete's sex): summary and report
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


def analyse_to_folder(req: Request, out: Path | None, *,
                      progress: "FrameProgress | None" = None,
                      executor: "Executor | None" = None) -> Analysis:
    """Analyse one clip and, if ``out`` is given, write results.json, frames.csv, pose.npz.

    ``progress(frames done, frames expected)`` is called during pose estimation; ``executor``
    runs the pose jobs (default: ``req.workers`` local processes)."""
    analysis = analyse_clip(req, executor=executor, progress=progress)
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


def check_session(req: SessionRequest) -> "RuleSet":
    """Fail fast (before minutes of pose inference) on a bad rules file or empty request;
    returns the rules in force."""
    if not req.clips:
        raise MovescreenError("No clips given: pass at least one video file.")
    from .rules.loader import load_rules

    return load_rules(req.rules)


def limits_in_force(rules: Path | None, sex: str) -> "Limits":
    """The thresholds the summary and report mark against: ``rules`` (None: the bundled
    rules) for ``sex`` ('female', 'male' or 'unknown')."""
    from .rules.limits import limits_for
    from .rules.loader import load_rules

    return limits_for(load_rules(rules), sex)  # type: ignore[arg-type]


def rerate(result: ScreenResult, athlete: AthleteFacts, rules: Path | None) -> ScreenResult:
    """``result`` with its ratings from the rules in force for the athlete's sex (the plan uses
    the same)."""
    from .ratings import with_ratings
    from .rules.loader import load_rules

    thresholds = load_rules(rules).thresholds_for(athlete.sex)
    return with_ratings(result, thresholds, f"rules in force, sex {athlete.sex}")


def run_session(req: SessionRequest, on_clip: ClipStarted | None = None) -> SessionOutcome:
    """Analyse every clip, combine them, and make the plan and report when asked.

    One clip writes its outputs straight into ``req.out``; several clips write one folder per
    clip inside it plus a combined results.json. Raises MovescreenError on a user problem.
    """
    from .rules.limits import limits_for

    limits = limits_for(check_session(req), req.athlete.sex if req.athlete else req.sex)
    many = len(req.clips) > 1
    dirs = clip_folders([c.clip for c in req.clips], req.out) if many else [req.out]
    analyses = []
    for i, (clip_req, folder) in enumerate(zip(req.clips, dirs, strict=True)):
        progress = on_clip(i, len(req.clips), clip_req.clip) if on_clip is not None else None
        analyses.append(analyse_to_folder(clip_req, folder, progress=progress))
    if many:
        result, results_path = combine_to_file([a.result for a in analyses], req.out / RESULTS)
    else:
        result, results_path = analyses[0].result, req.out / RESULTS
    if req.athlete is not None:  # the ratings with the rules in force and the athlete's sex
        result = rerate(result, req.athlete, req.rules)
        atomic_write_text(results_path, result.to_json())
    outcome = SessionOutcome(result, analyses, results_path, dirs, limits)
    outcome.plan, outcome.plan_path, outcome.report_paths = plan_and_report(
        [(results_path, result)], req, limits)
    return outcome


def combine_to_file(results: Sequence[ScreenResult], path: Path) -> tuple[ScreenResult, Path]:
    """Several clips of one screen combined into one result, written to ``path``."""
    result = combine(list(results))
    atomic_write_text(path, result.to_json())
    return result, path


def plan_and_report(results: Sequence[tuple[Path, ScreenResult]], req: SessionRequest,
                    limits: "Limits | None" = None, names: Sequence[str] | None = None
                    ) -> tuple[Plan | None, Path | None, dict[str, Path]]:
    """The plan (when ``req.athlete`` is given) and the report (when asked) into ``req.out``,
    from results already made (one per screen). ``limits``: the thresholds in force (default:
    ``req.rules`` for the athlete's sex); ``names``: what the plan's messages call each result
    (default: its path)."""
    plan = plan_path = None
    if req.athlete is not None:
        labels = list(names) if names is not None else [str(p) for p, _ in results]
        plan, plan_path = make_plan([(n, r) for n, (_, r) in zip(labels, results, strict=True)],
                                    req.athlete, req.out, rules=req.rules,
                                    previous=req.previous)
    paths: dict[str, Path] = {}
    if req.report or req.video:
        from .report.cli import write_report

        if limits is None:
            limits = limits_in_force(req.rules, req.athlete.sex if req.athlete else req.sex)
        paths = write_report(list(results), req.out, plan=plan, athlete_name=req.athlete_name,
                             pdf=req.pdf, video=req.video, limits=limits)
    return plan, plan_path, paths
