"""The Python API: analyse a clip, or re-screen a saved pose, in one call.

>>> import movescreen
>>> result = movescreen.analyze("sample_videos/squat_frontal_goblet.mp4", test="squat")
>>> len(result.reps)
5
>>> result.view.view, result.legs["left"].reps_used
('frontal', 5)

Both functions are what ``movescreen analyze`` and ``movescreen rescreen`` run (through
:mod:`movescreen.service`), so the numbers are the same as the command line's.
"""

from collections.abc import Callable
from pathlib import Path

from .pipeline import Request
from .pose.landmarker import PoseOptions
from .pose.sequence import PoseSequence
from .results import ScreenResult, TestName, ViewName
from .screens.common import Overrides
from .service import analyse_to_folder, rescreen_to_folder

Window = tuple[float, float]


def _overrides(leg: str | None, view: ViewName | None, standing: Window | None,
               reps: list[Window] | None, slow_motion: float | None) -> Overrides:
    return Overrides(leg=leg,  # type: ignore[arg-type]
                     view=view, standing=standing, reps=tuple(reps) if reps else None,
                     slow_motion=slow_motion)


def analyze(clip: str | Path, test: TestName = "single-leg-squat", *,
            leg: str | None = None, view: ViewName | None = None,
            standing: Window | None = None, reps: list[Window] | None = None,
            model: str | Path | None = None, fast: bool = False,
            athlete_height_cm: float | None = None, slow_motion: float | None = None,
            out: str | Path | None = None, workers: int | None = None,
            progress: Callable[[int, int | None], None] | None = None) -> ScreenResult:
    """Analyse one clip and return its :class:`~movescreen.results.ScreenResult`.

    ``test`` is the screen that was filmed (``single-leg-squat``, ``squat``,
    ``single-leg-hop``, ``drop-landing``); ``leg`` (``left``/``right``), ``view``,
    ``standing`` and ``reps`` (time windows in seconds) override what is detected; ``fast``
    runs one landmarker pass per frame instead of two; ``slow_motion`` N says the clip plays N
    times slower than real time (hop and landing timing is corrected). With ``out``,
    results.json, frames.csv and pose.npz are written there, as ``movescreen analyze`` does.
    ``workers`` threads run the picture and mirror passes (and time segments) in parallel
    (default: one per CPU); ``progress(frames done, frames expected or None)`` is
    called as pose estimation goes.
    Raises :class:`~movescreen.errors.MovescreenError` for a problem with the clip.
    """
    req = Request(clip=Path(clip), test=test,
                  overrides=_overrides(leg, view, standing, reps, slow_motion), model=model,
                  athlete_height_cm=athlete_height_cm, pose_options=PoseOptions(symmetric=not fast),
                  workers=workers)
    return analyse_to_folder(req, Path(out) if out is not None else None,
                             progress=progress).result


def rescreen(pose: str | Path | PoseSequence, test: TestName = "single-leg-squat", *,
             leg: str | None = None, view: ViewName | None = None,
             standing: Window | None = None, reps: list[Window] | None = None,
             athlete_height_cm: float | None = None, slow_motion: float | None = None,
             out: str | Path | None = None) -> ScreenResult:
    """Run a screen again on a saved pose (a ``pose.npz``, its folder, or a PoseSequence).

    No video and no pose model are needed, so correcting the rep windows takes seconds.
    """
    return rescreen_to_folder(pose if isinstance(pose, PoseSequence) else Path(pose), test,
                              _overrides(leg, view, standing, reps, slow_motion), athlete_height_cm,
                              Path(out) if out is not None else None).result
