"""Qualitative ratings the clinic knows: Crossley 2011 (single-leg squat) and LESS (landings).

:func:`rate` computes them from a ScreenResult with the rules files' thresholds; the result
stores them, so the terminal, the report and the rules all read the same values.
"""

from collections.abc import Mapping

from ..results import Ratings, ScreenResult
from .crossley import crossley
from .less import less
from .thresholds import packaged_thresholds

PACKAGED = "packaged ratings.toml, unknown sex"


def rate(result: ScreenResult, thresholds: Mapping[str, float] | None = None,
         source: str = PACKAGED) -> Ratings | None:
    """The ratings that apply to ``result``'s test (None when none does), with the packaged
    thresholds for unknown sex unless ``thresholds`` (e.g. a ruleset's for one sex) are given.
    """
    t = thresholds if thresholds is not None else packaged_thresholds()
    c, s = crossley(result, t), less(result, t)
    if not c and not s:
        return None
    return Ratings(crossley=c, less=s, thresholds_source=source)  # type: ignore[arg-type]


def with_ratings(result: ScreenResult, thresholds: Mapping[str, float] | None = None,
                 source: str = PACKAGED) -> ScreenResult:
    """A copy of ``result`` carrying its ratings."""
    return result.model_copy(update={"ratings": rate(result, thresholds, source)})
