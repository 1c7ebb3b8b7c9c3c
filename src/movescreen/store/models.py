"""The database schema as SQLAlchemy 2 ORM models (the Alembic migrations create these tables).

Every table a re-run could touch has a natural unique key, so writes are upserts and running a
batch twice never duplicates a row.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names are spelled out so that Alembic migrations can refer to them on any backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CLIP_STATUSES = ("queued", "running", "done", "failed")
BATCH_COACH = "batch"  # owner of athletes a batch creates; has no password, so cannot log in


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Coach(Base):
    """A user of the web app (or the ``batch`` owner). ``password_hash`` None: cannot log in."""

    __tablename__ = "coaches"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Athlete(Base):
    """An athlete, owned by one coach; ``facts`` is an AthleteFacts dump (sex, age, goal, pain)."""

    __tablename__ = "athletes"
    __table_args__ = (UniqueConstraint("coach_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(200))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScreenSession(Base):
    """One athlete, one screen, one day (``date`` is an ISO date, '' when unknown)."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("athlete_id", "test", "date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"),
                                            index=True)
    test: Mapped[str] = mapped_column(String(40))
    date: Mapped[str] = mapped_column(String(10), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Clip(Base):
    """A video in a session and where its analysis stands (queued|running|done|failed)."""

    __tablename__ = "clips"
    __table_args__ = (UniqueConstraint("session_id", "job_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            index=True)
    job_key: Mapped[str] = mapped_column(String(64), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_path: Mapped[str] = mapped_column(Text)  # as given by the user
    stored_path: Mapped[str] = mapped_column(Text, default="")  # its output folder
    leg: Mapped[str | None] = mapped_column(String(8))  # stance leg given, None = auto
    status: Mapped[str] = mapped_column(String(10), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                              onupdate=utcnow)


class ClipResult(Base):
    """The outcome of one clip's analysis: done with its results.json, or failed with why."""

    __tablename__ = "results"
    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         unique=True)
    status: Mapped[str] = mapped_column(String(10))  # done | failed
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    movescreen_version: Mapped[str] = mapped_column(String(40), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Metric(Base):
    """One metric of one leg of one clip (leg 'both' for bilateral metrics)."""

    __tablename__ = "metrics"
    __table_args__ = (UniqueConstraint("clip_id", "leg", "metric"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    leg: Mapped[str] = mapped_column(String(8))
    metric: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(20), default="")
    median: Mapped[float | None] = mapped_column(Float)
    worst: Mapped[float | None] = mapped_column(Float)
    n_reps: Mapped[int] = mapped_column(Integer, default=0)


class PlanRecord(Base):
    """A plan.json made for an athlete; ``source_key`` names the results it was made from."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("athlete_id", "source_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"),
                                            index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"))
    source_key: Mapped[str] = mapped_column(String(64))
    phase: Mapped[int] = mapped_column(Integer)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
