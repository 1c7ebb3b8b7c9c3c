"""Grading one number against a fair and a poor cut-off, and combining grades (worst wins)."""

from collections.abc import Iterable
from typing import Literal

Grade = Literal["good", "fair", "poor"]
ORDER: dict[Grade, int] = {"good": 0, "fair": 1, "poor": 2}


def grade(value: float, fair: float, poor: float, worse: Literal["higher", "lower"]) -> Grade:
    """``good`` up to ``fair``, ``fair`` up to ``poor``, then ``poor`` (in the worse direction).

    Monotone by construction: moving ``value`` in its worse direction never improves the grade.
    """
    if worse == "lower":
        return "poor" if value < poor else "fair" if value < fair else "good"
    return "poor" if value > poor else "fair" if value > fair else "good"


def worst(grades: Iterable[Grade | None]) -> Grade | None:
    """The worst of the given grades (None entries ignored; None if there is none)."""
    known = [g for g in grades if g is not None]
    return max(known, key=ORDER.__getitem__) if known else None
