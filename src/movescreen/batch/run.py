"""A batch: discover jobs, skip finished ones, run the rest, record everything, summarise.

A clip's output folder is the source of truth for whether it is finished: ``results.json``
(done) or ``error.json`` (failed with a user error) are written atomically and last, so a
folder holding neither is redone and one holding either is never recomputed. The database is
brought in line with the folders on every run (a kill between the file and the database write
loses nothing).
"""

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MovescreenError
from ..outputs import RESULTS
from ..results import ScreenResult
from ..rules.athlete import AthleteFacts
from ..store import Store, open_store, repo
from ..store.models import Clip, ScreenSession
from .jobs import Job, Settings, collect, make_jobs, safe_name, with_model_hash
from .runner import ERROR, ClipOutcome, ClipTask, Engine, make_runner
from .summary import ClipRow, leg_rows, write_summary

DB_FILE = "movescreen.db"
ATHLETES = "athletes"


@dataclass(frozen=True)
class BatchRequest:
    """Everything ``movescreen batch`` was asked to do."""

    inputs: tuple[Path, ...]
    out: Path
    manifest: Path | None = None
    settings: Settings = field(default_factory=Settings)
    db: str | None = None  # SQLAlchemy URL or file path [default: out/movescreen.db]
    workers: int | None = None  # default: every core (local) or every CPU (ray)
    engine: Engine = "local"
    address: str | None = None
    recommend: bool = False
    report: bool = False
    pdf: bool = True
    rules: Path | None = None
    retry_failed: bool = False
    show_native_logs: bool = False


@dataclass(frozen=True)
class BatchProgress:
    """Sent after every finished clip (and once at the start)."""

    total: int  # clips to compute in this run
    done: int
    failed: int
    frames: int
    elapsed_s: float
    skipped: int
    workers: int
    last: str = ""


@dataclass
class BatchOutcome:
    """What a batch did; ``failures`` pairs each failed clip's label with its message."""

    clips: int
    computed: int
    skipped: int
    failures: list[tuple[str, str]]
    flagged: list[tuple[str, str]]
    frames: int
    seconds: float
    workers: int
    peak_worker_rss_mb: float
    db_url: str
    paths: dict[str, Path]
    athlete_errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[BatchProgress], None]


def _read_state(job: Job) -> tuple[ScreenResult | None, str | None]:
    """A finished job's result, or its recorded error; (None, None) when not finished."""
    results, error = job.out / RESULTS, job.out / ERROR
    if results.is_file():
        return ScreenResult.from_json(results.read_text("utf-8")), None
    if error.is_file():
        return None, json.loads(error.read_text("utf-8"))["error"]
    return None, None


def register(store: Store, jobs: Sequence[Job]) -> dict[str, int]:
    """Athletes, sessions and clips for every job (idempotent); returns clip ids by key."""
    ids = {}
    with store.session() as db:
        owner = repo.batch_coach(db)
        for job in jobs:
            s = job.spec
            facts = s.facts.model_dump(mode="json") if s.facts else None
            athlete = repo.upsert_athlete(db, owner.id, s.athlete, facts)
            session = repo.upsert_session(db, athlete.id, job.test, s.date)
            ids[job.key] = repo.upsert_clip(db, session.id, job.key, sha256=job.sha256,
                                            source_path=str(s.path),
                                            stored_path=str(job.out.resolve()), leg=s.leg).id
    return ids


def _record(store: Store, clip_id: int, result: ScreenResult | None, error: str | None) -> None:
    with store.session() as db:
        repo.record_result(db, clip_id, result, error)


def _sync_finished(store: Store, ids: dict[str, int], job: Job, result: ScreenResult | None,
                   error: str | None) -> None:
    """Bring the database in line with a folder finished by an earlier run."""
    want = "done" if result is not None else "failed"
    with store.session() as db:
        stored = repo.clip_result(db, ids[job.key])
        if stored is not None and stored.status == want and stored.error == error:
            return
        repo.record_result(db, ids[job.key], result, error)


def _flag_codes(result: ScreenResult) -> str:
    return ", ".join(f.code for f in result.quality if f.severity == "error")


def run_batch(req: BatchRequest, on_progress: Progress | None = None) -> BatchOutcome:
    """Run a batch to the end; raises MovescreenError only for problems with the request."""
    specs = collect(req.inputs, req.manifest)
    settings = with_model_hash(req.settings)
    jobs = make_jobs(specs, settings, req.out)
    req.out.mkdir(parents=True, exist_ok=True)
    by_key = {j.key: j for j in jobs}
    rows: list[dict[str, Any]] = []
    failures, flagged = [], []

    def finish(job: Job, result: ScreenResult | None, error: str | None) -> None:
        rows.extend(leg_rows(ClipRow(job.spec.athlete, job.spec.date, job.test,
                                     job.spec.path.name, job.key, result, error)))
        if result is None:
            failures.append((job.label, error or "unknown error"))
        elif _flag_codes(result):
            flagged.append((job.label, _flag_codes(result)))

    with open_store(req.db or req.out / DB_FILE) as store:
        ids = register(store, jobs)
        todo = []
        for job in jobs:
            result, error = _read_state(job)
            if result is None and (error is None or req.retry_failed):
                todo.append(job)
                continue
            _sync_finished(store, ids, job, result, error)
            finish(job, result, error)
        skipped = len(jobs) - len(todo)
        stats = _run(store, ids, req, todo, skipped, on_progress, by_key, finish)
        paths = write_summary(req.out, rows)
        athlete_errors: list[tuple[str, str]] = []
        if req.recommend or req.report:
            athlete_errors = per_athlete(store, ids, req, jobs, paths)
        return BatchOutcome(len(jobs), len(todo), skipped, failures, flagged,
                            stats["frames"], stats["seconds"], stats["workers"],
                            stats["peak_rss"], store.url, paths, athlete_errors)


def _run(store: Store, ids: dict[str, int], req: BatchRequest, todo: list[Job], skipped: int,
         on_progress: Progress | None, by_key: dict[str, Job],
         finish: Callable[[Job, ScreenResult | None, str | None], None]) -> dict[str, Any]:
    stats: dict[str, Any] = {"frames": 0, "seconds": 0.0, "workers": 0, "peak_rss": 0.0}
    if not todo:
        if on_progress is not None:
            on_progress(BatchProgress(0, 0, 0, 0, 0.0, skipped, 0))
        return stats
    runner = make_runner(req.engine, req.workers, req.address)
    stats["workers"] = runner.workers
    start, done, failed = time.perf_counter(), 0, 0

    def report(last: str = "") -> None:
        if on_progress is not None:
            on_progress(BatchProgress(len(todo), done, failed, stats["frames"],
                                      time.perf_counter() - start, skipped, runner.workers,
                                      last))

    def running(task: ClipTask) -> None:
        with store.session() as db:
            repo.set_clip_status(db, ids[task.key], "running")

    tasks: Iterator[ClipTask] = (ClipTask(j.key, j.request, j.out, req.show_native_logs)
                                 for j in todo)
    report()
    try:
        for outcome in runner.run(tasks, on_submit=running):
            job = by_key[outcome.key]
            result = _outcome_result(job, outcome)
            _record(store, ids[job.key], result, outcome.error)
            finish(job, result, outcome.error)
            done += 1
            failed += result is None
            stats["frames"] += outcome.frames
            stats["peak_rss"] = max(stats["peak_rss"], outcome.worker_peak_rss_mb)
            report(job.label)
    finally:
        runner.close()
        with store.session() as db:  # an interrupted run leaves no clip 'running'
            for job in todo:
                clip = db.get(Clip, ids[job.key])
                if clip is not None and clip.status == "running":
                    repo.set_clip_status(db, clip.id, "queued")
    stats["seconds"] = time.perf_counter() - start
    return stats


def _outcome_result(job: Job, outcome: ClipOutcome) -> ScreenResult | None:
    if not outcome.ok:
        return None
    return ScreenResult.from_json((job.out / RESULTS).read_text("utf-8"))


def _source_key(keys: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()


def per_athlete(store: Store, ids: dict[str, int], req: BatchRequest, jobs: Sequence[Job],
                paths: dict[str, Path]) -> list[tuple[str, str]]:
    """Each athlete's plan and/or report over all their finished clips (one result per test:
    several clips of a test are combined). Returns (athlete, message) for athletes that could
    not be done."""
    from ..service import SessionRequest, combine_to_file, plan_and_report

    groups: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        if (job.out / RESULTS).is_file():
            groups[job.spec.athlete].append(job)
    errors = []
    for athlete, mine in sorted(groups.items()):
        facts = next((j.spec.facts for j in reversed(mine) if j.spec.facts), None)
        out = req.out / ATHLETES / safe_name(athlete)
        by_test: dict[str, list[Job]] = defaultdict(list)
        for job in mine:
            by_test[job.test].append(job)
        try:
            results = []
            for test, tjobs in sorted(by_test.items()):
                loaded = [ScreenResult.from_json((j.out / RESULTS).read_text("utf-8"))
                          for j in tjobs]
                if len(loaded) == 1:
                    results.append((tjobs[0].out / RESULTS, loaded[0]))
                else:
                    combined, path = combine_to_file(loaded, out / f"{test}.{RESULTS}")
                    results.append((path, combined))
            session = SessionRequest(clips=(), out=out, rules=req.rules, report=req.report,
                                     pdf=req.pdf, athlete_name=athlete,
                                     athlete=(facts or AthleteFacts()) if req.recommend
                                     else None)
            plan, _, _ = plan_and_report(results, session)
        except MovescreenError as exc:
            errors.append((athlete, exc.message))
            continue
        if plan is not None:
            with store.session() as db:
                first = db.get(Clip, ids[mine[0].key])
                session_row = db.get(ScreenSession, first.session_id)
                repo.save_plan(db, session_row.athlete_id, _source_key([j.key for j in mine]),
                               plan)
        paths[f"athlete:{athlete}"] = out
    return errors
