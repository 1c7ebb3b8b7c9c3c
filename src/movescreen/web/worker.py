"""The background worker: claims queued web clips from the database, analyses each in a
child process (pose inference is CPU heavy and a crash must not take the server down), records
the result, then remakes the athlete's plan and report.

A clip's status lives in the database, so nothing is lost on a restart: clips left 'running'
by a crash or a stop are queued again when the next worker starts.
"""

import hashlib
import logging
import multiprocessing
import threading
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

from ..atomic import atomic_write_text
from ..batch.runner import ClipOutcome, ClipTask, run_clip
from ..errors import MovescreenError
from ..outputs import RESULTS
from ..results import ScreenResult
from ..rules.athlete import AthleteFacts
from ..store import Store, repo, web_repo
from ..store.models import Athlete, Clip, ScreenSession

log = logging.getLogger(__name__)
CLIPS = "clips"
ATHLETES = "athletes"
MAX_ATTEMPTS = 3  # a clip whose worker crashed this often is marked failed
POLL_S = 1.0


def clip_folder(data: Path, clip_id: int) -> Path:
    return data / CLIPS / str(clip_id)


def athlete_folder(data: Path, athlete_id: int) -> Path:
    return data / ATHLETES / str(athlete_id)


def _child(task: ClipTask, conn: Connection) -> None:
    conn.send(run_clip(task))
    conn.close()


class Worker:
    """One background thread running one analysis at a time (``start``/``stop``)."""

    def __init__(self, store: Store, data: Path) -> None:
        self.store, self.data = store, data
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: multiprocessing.process.BaseProcess | None = None

    def recover(self) -> int:
        """Queue again the clips a crash or stop left 'running'; returns how many."""
        with self.store.session() as db:
            n = web_repo.requeue_running(db)
        if n:
            log.info("re-queued %d clip(s) interrupted by a restart", n)
        return n

    def start(self) -> None:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="movescreen-worker",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop now: a clip being analysed stays 'running' and is redone on the next start."""
        self._stop.set()
        child = self._child
        if child is not None and child.is_alive():
            child.terminate()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.run_next():
                    self._stop.wait(POLL_S)
            except Exception:  # keep serving: log and go on with the next clip
                log.exception("the worker failed on a clip")
                self._stop.wait(POLL_S)

    def run_pending(self) -> int:
        """Run every queued clip in this thread; returns how many ran (tests, tools)."""
        n = 0
        while self.run_next():
            n += 1
        return n

    def run_next(self) -> bool:
        with self.store.session() as db:
            clip_id = web_repo.claim_next(db)
        if clip_id is None:
            return False
        self._run(clip_id)
        return True

    def _analyse(self, task: ClipTask) -> ClipOutcome | None:
        """Run the clip in a spawned child; None when the child died or was stopped."""
        ctx = multiprocessing.get_context("spawn")
        recv, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_child, args=(task, send), daemon=True)
        self._child = child
        child.start()
        send.close()
        try:
            outcome = recv.recv()
        except EOFError:
            outcome = None
        child.join()
        self._child = None
        return outcome

    def _run(self, clip_id: int) -> None:
        from ..pipeline import Request
        from ..screens.common import Overrides

        with self.store.session() as db:
            clip = db.get(Clip, clip_id)
            session = db.get(ScreenSession, clip.session_id)
            job = db.get(web_repo.WebJob, clip_id)
            attempts = job.attempts if job else 1
            shown = job.name if job and job.name else "clip"
        out = clip_folder(self.data, clip_id)
        # one clip at a time, on every core (the pose passes run on threads of the child)
        request = Request(clip=Path(clip.source_path), test=session.test,  # type: ignore[arg-type]
                          overrides=Overrides(leg=clip.leg))  # type: ignore[arg-type]
        with self.store.session() as db:
            db.get(Clip, clip_id).stored_path = str(out)
        outcome = self._analyse(ClipTask(clip.job_key, request, out))
        if self._stop.is_set():
            return  # stopped mid-clip: it stays 'running' and is re-queued on start
        if outcome is not None:  # coaches see the upload's name, never the server's paths
            outcome = _shown_as(outcome, out, clip.source_path, shown)
        if outcome is None or not outcome.final:
            why = outcome.error if outcome else "the analysis process died"
            with self.store.session() as db:
                if attempts >= MAX_ATTEMPTS:
                    repo.record_result(db, clip_id, None, f"{why} ({attempts} attempts)")
                    web_repo.set_stage(db, clip_id, "failed")
                else:
                    repo.set_clip_status(db, clip_id, "queued", why)
                    web_repo.set_stage(db, clip_id, "queued")
            return
        result = None
        if outcome.ok:
            result = ScreenResult.from_json((out / RESULTS).read_text("utf-8"))
        with self.store.session() as db:
            repo.record_result(db, clip_id, result, outcome.error)
            web_repo.set_stage(db, clip_id, "reporting" if result else "failed")
        if result is None:
            return
        try:
            refresh_athlete(self.store, self.data, session.athlete_id)
        except MovescreenError as exc:
            log.warning("plan/report of athlete %d: %s", session.athlete_id, exc.message)
        finally:
            with self.store.session() as db:
                web_repo.set_stage(db, clip_id, "done")


def _shown_as(outcome: ClipOutcome, out: Path, stored: str, name: str) -> ClipOutcome:
    """The outcome with the stored upload's path replaced by the name it was uploaded under:
    in the error message, and in results.json's clip (which the report shows)."""
    if outcome.error:
        outcome = replace(outcome, error=outcome.error.replace(stored, name))
    if outcome.ok:
        path = out / RESULTS
        result = ScreenResult.from_json(path.read_text("utf-8"))
        clip = result.clip.model_copy(update={"file": name})
        atomic_write_text(path, result.model_copy(update={"clip": clip}).to_json())
    return outcome


def athlete_facts(sex: str, goal: str, birth_year: int | None) -> AthleteFacts:
    age = None
    if birth_year is not None:
        age = float(datetime.now(UTC).year - birth_year)
        age = age if 5 <= age <= 110 else None
    return AthleteFacts.model_validate({"sex": sex, "goal": goal, "age": age})


def refresh_athlete(store: Store, data: Path, athlete_id: int) -> None:
    """The athlete's plan and report from the newest session of each test (several clips of
    one session are combined); the session before it is the re-test's previous result."""
    from ..service import SessionRequest, combine_to_file, plan_and_report

    with store.session() as db:
        athlete = db.get(Athlete, athlete_id)
        prof = web_repo.profile(db, athlete_id)
        rows = web_repo.done_results(db, athlete_id)
    if not rows:
        return
    out = athlete_folder(data, athlete_id)
    by_test: dict[str, dict[int, list[Clip]]] = defaultdict(lambda: defaultdict(list))
    for clip, session, _ in rows:
        by_test[session.test][session.id].append(clip)
    with store.session() as db:  # the names the clips were uploaded under
        shown = {clip.id: job.name if (job := db.get(web_repo.WebJob, clip.id)) else "clip"
                 for clip, _, _ in rows}
    results, names, previous, keys, last_session = [], [], [], [], None
    for test, sessions in sorted(by_test.items()):
        ordered = list(sessions.values())  # rows come oldest session first
        clips = ordered[-1]
        names.append(" + ".join(shown[c.id] for c in clips))
        keys += [c.job_key for c in clips]
        last_session = clips[0].session_id
        paths = [Path(c.stored_path) / RESULTS for c in clips]
        if len(paths) == 1:
            results.append((paths[0], ScreenResult.from_json(paths[0].read_text("utf-8"))))
        else:
            loaded = [ScreenResult.from_json(p.read_text("utf-8")) for p in paths]
            results.append(combine_to_file(loaded, out / f"{test}.{RESULTS}")[::-1])
        if len(ordered) > 1:
            previous += [Path(c.stored_path) / RESULTS for c in ordered[-2]]
    facts = athlete_facts(athlete.facts.get("sex", "unknown"), athlete.facts.get("goal",
                          "unknown"), prof.birth_year)
    req = SessionRequest(clips=(), out=out, athlete=facts, previous=tuple(previous),
                         report=True, pdf=True, athlete_name=athlete.name)
    plan, _, _ = plan_and_report(results, req, names=names)
    if plan is not None:
        with store.session() as db:
            key = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()
            repo.save_plan(db, athlete_id, key, plan, session_id=last_session)
