"""The ratings in words a coach understands: shared by the terminal and the report."""

from ..results import Criterion, CrossleyRating, LessScore

GRADE_WORDS = {"good": "good", "fair": "fair: some faults", "poor": "poor: clear faults"}


def why(c: Criterion) -> list[str]:
    """The reasons behind a criterion's grade: the lines that set it (or every line when it is
    good or not rated)."""
    if c.rating in (None, "good"):
        return list(c.reasons)
    return [r for r in c.reasons if r.startswith(f"{c.rating}:")]


def crossley_line(side: str, r: CrossleyRating) -> str:
    """One line: the leg's overall grade and its poor / fair criteria."""
    if r.overall is None:
        return f"{side} leg: not rated (no usable rep)"
    bad = [f"{c.label.lower()} {c.rating}" for c in r.criteria.values()
           if c.rating in ("fair", "poor")]
    return (f"{side} leg over {r.reps_used} reps: {r.overall}"
            + (f" ({', '.join(bad)})" if bad else " on every criterion"))


def less_line(key: str, s: LessScore) -> str:
    who = "both legs" if key == "both" else f"{key} leg"
    return f"LESS ({who}): {s.summary}"


def not_scored(s: LessScore) -> str:
    return ", ".join(i.label.lower() for i in s.items if i.points is None)
