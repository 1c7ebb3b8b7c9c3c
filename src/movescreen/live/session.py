"""The live session: camera -> pose -> guidance / preview -> recorder, one set per leg, each
set analysed by the same service function as ``movescreen analyze``."""

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import MovescreenError
from ..landmarks import Side
from ..results import TestName
from ..rules.athlete import AthleteFacts
from ..service import SessionOutcome
from .camera import Source
from .guidance import GuideOptions, Observation, first_problem, luminance
from .live_metrics import Live, Norms, RepCounter, frame_angles
from .one_euro import OneEuroFilter
from .overlay import Hud, render
from .protocol import Phase, Protocol
from .recorder import Recorder

SINGLE_LEG_TESTS: tuple[TestName, ...] = ("single-leg-squat",)
TITLES = {"single-leg-squat": "Single-leg squat", "squat": "Squat"}
KEY_START_STOP, KEY_QUIT, KEY_LEFT, KEY_RIGHT = ord(" "), ord("q"), ord("l"), ord("r")


@dataclass(frozen=True)
class LiveRequest:
    """Everything a live session needs."""

    test: TestName
    legs: tuple[Side | None, ...]
    out: Path
    reps: int = 5
    countdown_s: float = 3.0
    hold_s: float = 1.0
    model: str | None = None
    athlete: AthleteFacts | None = None
    rules: Path | None = None
    report: bool = False
    snapshot: Path | None = None  # save the last drawn picture here (PNG)
    analyse: bool = True  # False: only record the sets (benchmarks)
    pose_max_side: int = 640


@dataclass
class SetRecord:
    """One recorded set and, once analysed, its outcome."""

    leg: Side | None
    clip: Path
    folder: Path
    frames: int
    live_reps: int
    outcome: SessionOutcome | None = None
    error: str | None = None


@dataclass
class LiveStats:
    """Per-frame timings: processing rate and capture-to-overlay delay."""

    frame_times: list[float] = field(default_factory=list)  # monotonic, after drawing
    delays_s: list[float] = field(default_factory=list)

    def fps(self, window: int = 30) -> float:
        ts = self.frame_times[-window:]
        return (len(ts) - 1) / (ts[-1] - ts[0]) if len(ts) > 1 and ts[-1] > ts[0] else 0.0


@dataclass
class LiveResult:
    sets: list[SetRecord]
    stats: LiveStats
    quit: bool


# Called for a picture to show; returns the key pressed (or -1).
Display = Callable[[NDArray[np.uint8]], int]
# Called with one line of text for the user (headless mode prints it).
Say = Callable[[str], None]


def set_name(test: TestName, leg: Side | None, taken: set[str]) -> str:
    """``single-leg-squat_left``, ``squat``; ``-2``, ``-3``, ... for a repeated set."""
    base = test if leg is None else f"{test}_{leg}"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def headline(record: SetRecord) -> str:
    """One line per analysed set: reps found and the stance leg's key medians."""
    assert record.outcome is not None
    result = record.outcome.result
    parts = [f"{record.clip.stem}: {len(result.reps)} reps analysed"]
    for side in ((record.leg,) if record.leg else ("left", "right")):
        leg = result.legs.get(side)
        if leg is None:
            continue
        for name, short in (("fppa_peak_deg", "FPPA peak"), ("pelvic_drop_deg", "pelvic drop")):
            m = leg.metrics.get(name)
            if m is not None and m.median is not None:
                parts.append(f"{side} {short} {m.median:+.1f} deg")
    return "; ".join(parts) + "."


class LiveSession:
    """Runs the guided protocol on one source until done or quit."""

    def __init__(self, req: LiveRequest, source: Source, display: Display | None,
                 say: Say) -> None:
        from ..pose.landmarker import PoseOptions, PoseTracker
        from ..pose.models import resolve_model

        self.req, self.source, self.display, self.say = req, source, display, say
        self.protocol = Protocol(list(req.legs), reps=req.reps, countdown_s=req.countdown_s,
                                 hold_s=req.hold_s)
        self.norms = Norms.from_rules(req.rules,
                                      req.athlete.sex if req.athlete else "unknown")
        self.guide = GuideOptions()
        model = resolve_model(req.model)
        opts = PoseOptions(symmetric=False, full_frame_max_side=req.pose_max_side,
                           crop_max_side=req.pose_max_side)
        self.tracker = PoseTracker(model, source.width, source.height, opts)
        self.filter = OneEuroFilter()
        self.counter = RepCounter(self.protocol.leg, self.norms)
        self.recorder: Recorder | None = None
        self.sets: list[SetRecord] = []
        self.stats = LiveStats()
        self._message: str | None = None
        self._said: str | None = None
        self._said_t = -np.inf
        self._last_print = -np.inf
        self._last_reps = 0
        self._last_frame: NDArray[np.uint8] | None = None
        self._recent_dt: deque[float] = deque(maxlen=30)

    # -- one frame -------------------------------------------------------------------------
    def _pose(self, frame) -> tuple[NDArray[np.float64] | None, NDArray[np.float64] | None]:
        det = self.tracker.process(frame)
        if det is None:
            self.filter.reset()
            return None, None
        return self.filter(frame.t, det.xy), det.visibility

    def _key(self, key: int) -> tuple[bool, bool]:
        """(start/stop pressed, quit pressed); l/r switch the leg."""
        if key in (KEY_LEFT, KEY_RIGHT):
            before = self.protocol.leg
            self.protocol.switch_leg("left" if key == KEY_LEFT else "right")
            if self.protocol.leg != before:
                self.counter = RepCounter(self.protocol.leg, self.norms)
                self.say(f"Next set: {self.protocol.leg} leg.")
        return key == KEY_START_STOP, key == KEY_QUIT

    def _guide(self, t: float, problem: str | None) -> None:
        """Keep the current guidance sentence; say a new one at most every 2 s."""
        self._message = problem
        if problem is not None and problem != self._said and t - self._said_t >= 2.0:
            self.say(problem)
            self._said, self._said_t = problem, t

    def _hud(self, t: float) -> Hud:
        p, leg = self.protocol, self.protocol.leg
        title = TITLES.get(self.req.test, self.req.test) + (f" - {leg.upper()} leg" if leg
                                                             else "")
        if p.phase is Phase.GUIDE:
            state, msg = "GET READY", self._message or "Hold still: the set starts shortly."
        elif p.phase is Phase.COUNTDOWN:
            todo = f"Do {self.req.reps} slow reps" + (f" on your {leg} leg." if leg else ".")
            state = f"Starting in {int(np.ceil(p.countdown_left(t)))}"
            msg = self._message or todo
        elif p.phase is Phase.ANALYSE:
            state, msg = "ANALYSING", "Set recorded. Analysing it: this takes a moment."
        else:
            state, msg = "RECORDING", None
        return Hud(title, state, msg, self.stats.fps(), p.phase is Phase.RECORD)

    def _print_live(self, t: float, live: Live | None) -> None:
        """Headless: one line of numbers a second and one per rep."""
        if live is None or (t - self._last_print < 1.0 and live.reps == self._last_reps):
            return
        self._last_print, self._last_reps = t, live.reps
        leg = self.protocol.leg
        parts = [f"t={t:5.1f}s"]
        for s in ((leg,) if leg else ("left", "right")):
            parts.append(f"{s} FPPA {live.fppa[s]:+.1f}")
        if leg:
            parts.append(f"pelvic drop {live.pelvic_drop:+.1f}")
        parts += [f"depth {live.depth_pct:.0f}%", f"reps {live.reps}",
                  f"{self.stats.fps():.1f} fps"]
        self.say("  ".join(parts))

    def _start_set(self) -> None:
        self.counter = RepCounter(self.protocol.leg, self.norms)
        taken = {s.clip.stem for s in self.sets} | {c.stem for c in self.req.out.glob("*.mp4")}
        name = set_name(self.req.test, self.protocol.leg, taken)
        clip = self.req.out / f"{name}.mp4"
        self.recorder = Recorder(clip, self.source.width, self.source.height)
        leg, n = self.protocol.leg, self.req.reps
        reps = f"{n} rep{'' if n == 1 else 's'}"
        self.say(f"Recording {name}: {reps}" + (f" on your {leg} leg." if leg else "."))

    def _end_set(self, analyse: bool) -> None:
        rec, self.recorder = self.recorder, None
        if rec is None:
            return
        clip = rec.close()
        if clip is None:
            self.say("Nothing was recorded in this set.")
            return
        record = SetRecord(self.protocol.leg, clip, clip.with_suffix(""), rec.frames,
                           self.counter.reps)
        self.sets.append(record)
        self.say(f"Saved {clip} ({rec.frames} frames, {record.live_reps} reps counted live).")
        if analyse and self.req.analyse:
            self._analyse(record)

    def _analyse(self, record: SetRecord) -> None:
        from ..pipeline import Request
        from ..screens.common import Overrides
        from ..service import SessionRequest, run_session

        self.say(f"Analysing {record.clip.name} ...")
        req = SessionRequest(
            clips=(Request(clip=record.clip, test=self.req.test,
                           overrides=Overrides(leg=record.leg), model=self.req.model),),
            out=record.folder, athlete=self.req.athlete, rules=self.req.rules,
            report=self.req.report)
        try:
            record.outcome = run_session(req)
        except MovescreenError as exc:  # e.g. too few frames: the clip is kept all the same
            record.error = exc.message
            self.say(f"Could not analyse {record.clip.name}: {exc.message}")
            return
        self.say(headline(record))

    def _show(self, img: NDArray[np.uint8]) -> int:
        self._last_frame = img
        return self.display(img) if self.display is not None else -1

    def run(self) -> LiveResult:
        """Process frames until the protocol is done, the user quits, or the source ends."""
        quit_ = False
        p = self.protocol
        self.say(f"Using {self.source.description} ({self.source.width}x{self.source.height}). "
                 "Keys: space start/stop, l/r leg, q quit.")
        try:
            key = -1
            for frame in self.source.frames():
                start_stop, quit_ = self._key(key)
                if quit_:
                    break
                xy, vis = self._pose(frame)
                obs = Observation(xy, vis, self.source.width, self.source.height,
                                  luminance(frame.rgb))
                problem = (first_problem(obs, p.leg, self.guide)
                           if p.phase in (Phase.GUIDE, Phase.COUNTDOWN) else None)
                self._guide(frame.t, problem)
                live = self.counter.update(frame_angles(xy)) if xy is not None else None
                before = p.phase
                phase = p.step(frame.t, problem, self.counter.reps, start_stop)
                if phase is Phase.RECORD and before is not Phase.RECORD:
                    self._start_set()
                    live = None
                if self.recorder is not None:
                    self.recorder.write(frame.rgb, frame.t)
                if phase is Phase.RECORD:
                    self._print_live(frame.t, live)
                shown = live if phase in (Phase.RECORD, Phase.ANALYSE) else None
                img = render(frame.rgb.copy(), xy, shown,
                             p.leg, self._hud(frame.t))
                self.stats.frame_times.append(time.monotonic())
                self.stats.delays_s.append(time.monotonic() - self.source.t0 - frame.t)
                key = self._show(img)
                if phase is Phase.ANALYSE:
                    self._end_set(analyse=True)
                    p.set_done()
                    if p.phase is Phase.DONE:
                        break
                    self.counter = RepCounter(p.leg, self.norms)
                    self.say(f"Next: {p.leg} leg.")
            else:
                p.source_ended()
                if p.phase is Phase.ANALYSE:
                    self._end_set(analyse=True)
        except KeyboardInterrupt:  # Ctrl-C in a terminal: the same as q
            quit_ = True
        finally:
            self._end_set(analyse=False)  # quit mid-set: keep what was recorded
            self.tracker.close()
            self._save_snapshot()
        return LiveResult(self.sets, self.stats, quit_)

    def _save_snapshot(self) -> None:
        if self.req.snapshot is None or self._last_frame is None:
            return
        import cv2

        self.req.snapshot.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(self.req.snapshot), cv2.cvtColor(self._last_frame, cv2.COLOR_RGB2BGR))
