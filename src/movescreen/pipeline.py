"""One clip through every stage: the function every front end (CLI, batch, web) calls."""

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .conditioning import ConditionedPose, ConditioningOptions
from .engine import Executor
from .kinematics import Kinematics
from .pose import PoseSequence, estimate_pose
from .pose.estimate import FrameProgress
from .pose.landmarker import PoseOptions
from .ratings import with_ratings
from .results import ScreenResult, TestName
from .screens import landing, single_leg_squat, squat
from .screens.common import Overrides, conditioned_kinematics

SCREENS = {
    "single-leg-squat": single_leg_squat.analyse,
    "squat": squat.analyse,
    "single-leg-hop": partial(landing.analyse, test="single-leg-hop"),
    "drop-landing": partial(landing.analyse, test="drop-landing"),
}
# how each screen conditions the landmarks (landings keep more of the fast contact phase)
CONDITIONING: dict[str, ConditioningOptions] = {
    "single-leg-squat": ConditioningOptions(),
    "squat": ConditioningOptions(),
    "single-leg-hop": landing.LANDING_CONDITIONING,
    "drop-landing": landing.LANDING_CONDITIONING,
}


@dataclass(frozen=True)
class Request:
    """What to analyse and how."""

    clip: Path
    test: TestName = "single-leg-squat"
    overrides: Overrides = field(default_factory=Overrides)
    model: str | Path | None = None
    athlete_height_cm: float | None = None
    pose_options: PoseOptions = field(default_factory=PoseOptions)
    workers: int | None = None  # pose threads (cores); None: one per CPU


@dataclass(frozen=True)
class Analysis:
    pose: PoseSequence
    result: ScreenResult


def analyse_pose(seq: PoseSequence, test: TestName, overrides: Overrides | None = None,
                 athlete_height_cm: float | None = None) -> ScreenResult:
    """Run one screen on an existing PoseSequence (no video, no model needed), with the
    ratings that apply to it (Crossley, LESS)."""
    result = SCREENS[test](seq, overrides or Overrides(), CONDITIONING[test],
                           athlete_height_cm=athlete_height_cm)
    return with_ratings(result)


def screen_pose(seq: PoseSequence, test: TestName) -> tuple[ConditionedPose, Kinematics]:
    """The landmarks and angles exactly as ``test``'s screen saw them: its conditioning, and
    the frames outside the longest stretch without a camera cut set missing."""
    pose, k, _ = conditioned_kinematics(seq, CONDITIONING[test])
    return pose, k


def analyse_clip(req: Request, executor: Executor | None = None,
                 progress: FrameProgress | None = None) -> Analysis:
    """Decode the clip, estimate pose (on ``executor``, or ``req.workers`` local processes),
    and run the requested screen. ``progress(frames done, frames expected)`` is called as
    pose estimation goes."""
    seq = estimate_pose(req.clip, req.model, req.pose_options, workers=req.workers,
                        executor=executor, progress=progress)
    return Analysis(seq, analyse_pose(seq, req.test, req.overrides, req.athlete_height_cm))
