"""movescreen: a video movement screen for single-leg squats, squats, hops and landings.

>>> import movescreen
>>> result = movescreen.analyze("clip.mp4", test="single-leg-squat")  # doctest: +SKIP
>>> result.legs["left"].metrics["fppa_peak_deg"].median  # doctest: +SKIP

The public names are imported on first use, so ``import movescreen`` (and the command line's
``--help``) stays fast.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("movescreen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from .api import analyze, rescreen
    from .errors import MovescreenError
    from .pose.sequence import PoseSequence
    from .results import LegSummary, MetricSummary, Rep, ScreenResult

_PUBLIC = {
    "analyze": "api",
    "rescreen": "api",
    "MovescreenError": "errors",
    "PoseSequence": "pose.sequence",
    "ScreenResult": "results",
    "LegSummary": "results",
    "MetricSummary": "results",
    "Rep": "results",
}

__all__ = ["LegSummary", "MetricSummary", "MovescreenError", "PoseSequence", "Rep",
           "ScreenResult", "__version__", "analyze", "rescreen"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'movescreen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
