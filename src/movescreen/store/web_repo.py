"""The web app's reads and writes: every lookup is scoped to one coach (another coach's id is
simply not found), and a small job queue over the clips table (migration 0002)."""

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import repo
from .models import Athlete, Base, Clip, ClipResult, Metric, PlanRecord, ScreenSession, utcnow

STAGES = ("queued", "analysing", "reporting", "done", "failed")


class WebJob(Base):
    """A clip uploaded through the web app: whose it is, its file name and its stage."""

    __tablename__ = "web_jobs"
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(255))  # the uploaded file's name, shown only
    stage: Mapped[str] = mapped_column(String(40), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AthleteProfile(Base):
    """What the coach records about an athlete beyond the rule facts (sex and goal)."""

    __tablename__ = "athlete_profiles"
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"),
                                            primary_key=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")


class WebLogin(Base):
    """A signed-in browser session or an issued API token (by the hash of its token id);
    logging out (or revoking the token) deletes it."""

    __tablename__ = "web_logins"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_login(db: Session, coach_id: int, token: str) -> None:
    db.add(WebLogin(token_sha256=_token_hash(token), coach_id=coach_id))
    db.flush()


def login_is_open(db: Session, coach_id: int, token: str) -> bool:
    row = db.get(WebLogin, _token_hash(token))
    return row is not None and row.coach_id == coach_id


def end_login(db: Session, token: str) -> None:
    row = db.get(WebLogin, _token_hash(token))
    if row is not None:
        db.delete(row)


def end_all_logins(db: Session, coach_id: int) -> int:
    """End every browser session and revoke every API token of a coach; returns how many."""
    rows = db.scalars(select(WebLogin).where(WebLogin.coach_id == coach_id)).all()
    for row in rows:
        db.delete(row)
    db.flush()
    return len(rows)


# Athletes -----------------------------------------------------------------------------------

def get_athlete(db: Session, coach_id: int, athlete_id: int) -> Athlete | None:
    return db.scalars(select(Athlete).filter_by(id=athlete_id, coach_id=coach_id)).one_or_none()


def find_athlete(db: Session, coach_id: int, name: str) -> Athlete | None:
    return db.scalars(select(Athlete).filter_by(coach_id=coach_id, name=name)).one_or_none()


def save_athlete(db: Session, coach_id: int, name: str, facts: dict[str, Any],
                 birth_year: int | None, notes: str) -> Athlete:
    athlete = repo.upsert_athlete(db, coach_id, name, facts)
    profile = db.get(AthleteProfile, athlete.id)
    if profile is None:
        db.add(AthleteProfile(athlete_id=athlete.id, birth_year=birth_year, notes=notes))
    else:
        profile.birth_year, profile.notes = birth_year, notes
    db.flush()
    return athlete


def profile(db: Session, athlete_id: int) -> AthleteProfile:
    return db.get(AthleteProfile, athlete_id) or AthleteProfile(athlete_id=athlete_id,
                                                                birth_year=None, notes="")


# Clips and jobs -----------------------------------------------------------------------------

def clip_key(sha256: str, test: str, leg: str | None) -> str:
    """A clip's job key within its session: the same bytes, test and leg are one clip."""
    parts = {"clip": sha256, "test": test, "leg": leg, "front": "web"}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def enqueue_clip(db: Session, athlete: Athlete, *, test: str, date: str, sha256: str,
                 path: str, leg: str | None, name: str) -> Clip:
    """Add a clip to the athlete's session of this test and date and queue it (again)."""
    session = repo.upsert_session(db, athlete.id, test, date)
    clip = repo.upsert_clip(db, session.id, clip_key(sha256, test, leg), sha256=sha256,
                            source_path=path, leg=leg)
    clip.status, clip.error = "queued", None
    job = db.get(WebJob, clip.id)
    if job is None:
        db.add(WebJob(clip_id=clip.id, coach_id=athlete.coach_id, name=name[:255]))
    else:
        job.stage, job.name, job.updated = "queued", name[:255], utcnow()
    db.flush()
    return clip


def get_clip(db: Session, coach_id: int, clip_id: int
             ) -> tuple[Clip, ScreenSession, Athlete, WebJob | None] | None:
    """The coach's clip with its session, athlete and job row; None for anyone else's."""
    row = db.execute(
        select(Clip, ScreenSession, Athlete)
        .join(ScreenSession, Clip.session_id == ScreenSession.id)
        .join(Athlete, ScreenSession.athlete_id == Athlete.id)
        .where(Clip.id == clip_id, Athlete.coach_id == coach_id)).one_or_none()
    if row is None:
        return None
    return row[0], row[1], row[2], db.get(WebJob, clip_id)


def athlete_clips(db: Session, athlete_id: int
                  ) -> Sequence[tuple[Clip, ScreenSession, WebJob | None]]:
    rows = db.execute(
        select(Clip, ScreenSession, WebJob)
        .join(ScreenSession, Clip.session_id == ScreenSession.id)
        .outerjoin(WebJob, WebJob.clip_id == Clip.id)
        .where(ScreenSession.athlete_id == athlete_id)
        .order_by(ScreenSession.date, Clip.id)).all()
    return [(c, s, j) for c, s, j in rows]


def claim_next(db: Session) -> int | None:
    """Mark the oldest queued web clip running and return its id (None: nothing queued).

    The conditional update makes the claim atomic: two workers never take the same clip."""
    query = (select(Clip.id).join(WebJob, WebJob.clip_id == Clip.id)
             .where(Clip.status == "queued").order_by(Clip.id).limit(1))
    for clip_id in db.scalars(query).all():
        claimed = db.execute(update(Clip).where(Clip.id == clip_id, Clip.status == "queued")
                             .values(status="running", updated=utcnow()))
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            job = db.get(WebJob, clip_id)
            assert job is not None
            job.stage, job.started, job.updated = "analysing", utcnow(), utcnow()
            job.attempts += 1
            return clip_id
    return None


def set_stage(db: Session, clip_id: int, stage: str) -> None:
    if stage not in STAGES:
        raise ValueError(f"stage {stage!r} is not one of {STAGES}")
    job = db.get(WebJob, clip_id)
    if job is not None:
        job.stage, job.updated = stage, utcnow()


def requeue_running(db: Session) -> int:
    """Web clips left 'running' by a crash or restart go back to the queue; returns how many."""
    ids = db.scalars(select(Clip.id).join(WebJob, WebJob.clip_id == Clip.id)
                     .where(Clip.status == "running")).all()
    for clip_id in ids:
        repo.set_clip_status(db, clip_id, "queued")
        set_stage(db, clip_id, "queued")
    return len(ids)


# Results, history, plans --------------------------------------------------------------------

def done_results(db: Session, athlete_id: int
                 ) -> Sequence[tuple[Clip, ScreenSession, ClipResult]]:
    """Every finished clip of the athlete with its result, oldest session first."""
    rows = db.execute(
        select(Clip, ScreenSession, ClipResult)
        .join(ScreenSession, Clip.session_id == ScreenSession.id)
        .join(ClipResult, ClipResult.clip_id == Clip.id)
        .where(ScreenSession.athlete_id == athlete_id, ClipResult.status == "done")
        .order_by(ScreenSession.date, ScreenSession.id, Clip.id)).all()
    return [(c, s, r) for c, s, r in rows]


def metric_history(db: Session, athlete_id: int
                   ) -> Sequence[tuple[ScreenSession, Metric]]:
    """Every metric row of the athlete's finished clips with its session, by date."""
    rows = db.execute(
        select(ScreenSession, Metric)
        .join(Clip, Clip.session_id == ScreenSession.id)
        .join(Metric, Metric.clip_id == Clip.id)
        .where(ScreenSession.athlete_id == athlete_id, Clip.status == "done")
        .order_by(ScreenSession.date, Clip.id)).all()
    return [(s, m) for s, m in rows]


def latest_plan(db: Session, athlete_id: int) -> PlanRecord | None:
    plans = repo.athlete_plans(db, athlete_id)
    return plans[-1] if plans else None
