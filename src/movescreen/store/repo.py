"""The repository: every read and write of the store, as functions over an ORM session.

Writes are upserts on each table's natural key, so repeating them (a re-run batch, a re-tried
upload) never duplicates a row.
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..results import ScreenResult
from ..rules.plan import Plan
from .models import (
    BATCH_COACH,
    CLIP_STATUSES,
    Athlete,
    Base,
    Clip,
    ClipResult,
    Coach,
    Metric,
    PlanRecord,
    ScreenSession,
    utcnow,
)

M = TypeVar("M", bound=Base)
_INSERTS = {"sqlite": sqlite_insert, "postgresql": pg_insert}


def _upsert(db: Session, model: type[M], keys: dict[str, Any], values: dict[str, Any],
            *, update: bool = True) -> M:
    """Insert a row, or update ``values`` on the row with these ``keys``; return the row."""
    insert = _INSERTS[db.get_bind().dialect.name]
    stmt = insert(model).values(**keys, **values)
    if update and values:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=values)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    db.execute(stmt)
    query = select(model).filter_by(**keys).execution_options(populate_existing=True)
    return db.scalars(query).one()


# Coaches (users of the web app) ------------------------------------------------------------

def get_coach(db: Session, username: str) -> Coach | None:
    return db.scalars(select(Coach).filter_by(username=username)).one_or_none()


def ensure_coach(db: Session, username: str, *, password_hash: str | None = None,
                 is_admin: bool = False) -> Coach:
    """The coach with this username, created if missing (an existing one is left as it is)."""
    return _upsert(db, Coach, {"username": username},
                   {"password_hash": password_hash, "is_admin": is_admin}, update=False)


def batch_coach(db: Session) -> Coach:
    """The owner of athletes a batch creates (no password: it cannot log in)."""
    return ensure_coach(db, BATCH_COACH)


def list_coaches(db: Session) -> Sequence[Coach]:
    return db.scalars(select(Coach).order_by(Coach.username)).all()


# Athletes, sessions, clips ------------------------------------------------------------------

def upsert_athlete(db: Session, coach_id: int, name: str,
                   facts: dict[str, Any] | None = None) -> Athlete:
    """The coach's athlete of this name; ``facts`` (AthleteFacts dump) replace stored ones."""
    values = {} if facts is None else {"facts": facts}
    row = _upsert(db, Athlete, {"coach_id": coach_id, "name": name}, values)
    return row


def list_athletes(db: Session, coach_id: int | None = None) -> Sequence[Athlete]:
    query = select(Athlete).order_by(Athlete.name)
    if coach_id is not None:
        query = query.filter_by(coach_id=coach_id)
    return db.scalars(query).all()


def upsert_session(db: Session, athlete_id: int, test: str, date: str = "") -> ScreenSession:
    return _upsert(db, ScreenSession, {"athlete_id": athlete_id, "test": test, "date": date}, {},
                   update=False)


def upsert_clip(db: Session, session_id: int, job_key: str, *, sha256: str, source_path: str,
                stored_path: str = "", leg: str | None = None) -> Clip:
    """The session's clip with this job key; path and leg are refreshed, status kept."""
    return _upsert(db, Clip, {"session_id": session_id, "job_key": job_key},
                   {"sha256": sha256, "source_path": source_path, "stored_path": stored_path,
                    "leg": leg, "updated": utcnow()})


def set_clip_status(db: Session, clip_id: int, status: str, error: str | None = None) -> None:
    if status not in CLIP_STATUSES:
        raise ValueError(f"clip status {status!r} is not one of {CLIP_STATUSES}")
    clip = db.get(Clip, clip_id)
    if clip is None:
        raise LookupError(f"no clip {clip_id}")
    clip.status, clip.error = status, error


def clips_by_job_key(db: Session, job_key: str) -> Sequence[Clip]:
    return db.scalars(select(Clip).filter_by(job_key=job_key)).all()


def session_clips(db: Session, session_id: int) -> Sequence[Clip]:
    return db.scalars(select(Clip).filter_by(session_id=session_id).order_by(Clip.id)).all()


def athlete_sessions(db: Session, athlete_id: int) -> Sequence[ScreenSession]:
    query = (select(ScreenSession).filter_by(athlete_id=athlete_id)
             .order_by(ScreenSession.date, ScreenSession.test))
    return db.scalars(query).all()


# Results and metrics ------------------------------------------------------------------------

def metric_rows(result: ScreenResult) -> list[dict[str, Any]]:
    """One row per leg and metric of a result ('both' for bilateral metrics)."""
    rows = []
    per_leg = [(side, leg.metrics) for side, leg in result.legs.items()]
    for leg, metrics in [*per_leg, ("both", result.bilateral)]:
        for name, m in metrics.items():
            rows.append({"leg": leg, "metric": name, "unit": m.unit, "median": m.median,
                         "worst": m.worst, "n_reps": m.n_reps})
    return rows


def record_result(db: Session, clip_id: int, result: ScreenResult | None,
                  error: str | None = None) -> ClipResult:
    """A finished clip: its result and metrics (done), or its error (failed). Replaces any
    earlier outcome of the same clip."""
    status = "failed" if result is None else "done"
    set_clip_status(db, clip_id, status, error)
    row = _upsert(db, ClipResult, {"clip_id": clip_id},
                  {"status": status, "error": error,
                   "result": None if result is None else result.model_dump(mode="json"),
                   "movescreen_version": "" if result is None else result.movescreen_version,
                   "created": utcnow()})
    db.execute(delete(Metric).filter_by(clip_id=clip_id))
    if result is not None:
        db.add_all(Metric(clip_id=clip_id, **r) for r in metric_rows(result))
    db.flush()
    return row


def clip_result(db: Session, clip_id: int) -> ClipResult | None:
    return db.scalars(select(ClipResult).filter_by(clip_id=clip_id)).one_or_none()


def clip_metrics(db: Session, clip_id: int) -> Sequence[Metric]:
    query = select(Metric).filter_by(clip_id=clip_id).order_by(Metric.leg, Metric.metric)
    return db.scalars(query).all()


# Plans --------------------------------------------------------------------------------------

def save_plan(db: Session, athlete_id: int, source_key: str, plan: Plan,
              session_id: int | None = None) -> PlanRecord:
    """Store a plan; ``source_key`` names its inputs (the same inputs replace the same row)."""
    return _upsert(db, PlanRecord, {"athlete_id": athlete_id, "source_key": source_key},
                   {"session_id": session_id, "phase": plan.phase,
                    "plan": plan.model_dump(mode="json"), "created": utcnow()})


def athlete_plans(db: Session, athlete_id: int) -> Sequence[PlanRecord]:
    query = select(PlanRecord).filter_by(athlete_id=athlete_id).order_by(PlanRecord.created)
    return db.scalars(query).all()
