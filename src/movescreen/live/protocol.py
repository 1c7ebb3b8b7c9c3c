"""The guided protocol as a state machine: guide -> countdown -> record a set -> analyse ->
next leg. Pure logic (no camera, no drawing): fed the time, the guidance problem, the rep count
and the keys pressed, it says what to do."""

from dataclasses import dataclass, field
from enum import StrEnum

from ..landmarks import Side


class Phase(StrEnum):
    GUIDE = "guide"
    COUNTDOWN = "countdown"
    RECORD = "record"
    ANALYSE = "analyse"  # the set just ended: the caller analyses it, then calls set_done()
    DONE = "done"


@dataclass
class Protocol:
    """Which leg is screened and what happens next.

    ``legs``: the stance legs in order (``(None,)`` for a two-leg test). A set starts once
    the guidance has been satisfied for ``hold_s`` (or on space), after a countdown; it ends
    after ``reps`` reps plus ``tail_s`` (to film the last rise), on space, or when the source
    ends.
    """

    legs: list[Side | None]
    reps: int = 5
    countdown_s: float = 3.0
    hold_s: float = 1.0
    tail_s: float = 0.7
    phase: Phase = Phase.GUIDE
    leg_index: int = 0
    _since: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.legs or self.reps < 1 or self.countdown_s < 0 or self.hold_s < 0:
            raise ValueError("need at least one leg, one rep and non-negative times")

    @property
    def leg(self) -> Side | None:
        return self.legs[self.leg_index]

    def switch_leg(self, side: Side) -> None:
        """Screen ``side`` next (keys l/r); only before a set starts."""
        if self.phase in (Phase.GUIDE, Phase.COUNTDOWN) and side in self.legs:
            self.leg_index = self.legs.index(side)
            self.phase, self._since = Phase.GUIDE, None

    def countdown_left(self, t: float) -> float:
        since = t if self._since is None else self._since
        return max(0.0, self.countdown_s - (t - since))

    def step(self, t: float, problem: str | None, reps: int, start_stop: bool = False) -> Phase:
        """Advance to time ``t``; returns the phase for this frame."""
        if self.phase is Phase.GUIDE:
            if start_stop:
                self.phase, self._since = Phase.COUNTDOWN, t
            elif problem is not None:
                self._since = None
            elif self._since is None:
                self._since = t
            elif t - self._since >= self.hold_s:
                self.phase, self._since = Phase.COUNTDOWN, t
        elif self.phase is Phase.COUNTDOWN:
            if start_stop:
                self.phase, self._since = Phase.GUIDE, None
            elif self.countdown_left(t) <= 0.0:
                self.phase, self._since = Phase.RECORD, None
        elif self.phase is Phase.RECORD:
            if start_stop:
                self.phase = Phase.ANALYSE
            elif reps >= self.reps:
                if self._since is None:
                    self._since = t
                elif t - self._since >= self.tail_s:
                    self.phase = Phase.ANALYSE
        return self.phase

    def source_ended(self) -> None:
        """No more frames: a set being recorded ends, nothing else starts."""
        self.phase = Phase.ANALYSE if self.phase is Phase.RECORD else Phase.DONE

    def set_done(self) -> None:
        """The set was analysed: on to the next leg, or done."""
        if self.leg_index + 1 < len(self.legs):
            self.leg_index += 1
            self.phase, self._since = Phase.GUIDE, None
        else:
            self.phase = Phase.DONE
