"""What pages and API both do, written once: validate athlete details, store and queue
uploaded clips, describe a clip's state."""

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, get_args

from sqlalchemy.orm import Session

from ..errors import MovescreenError
from ..results import TestName
from ..rules.athlete import Goal
from ..rules.schema import SEXES
from ..store import repo, web_repo
from ..store.models import BATCH_COACH, Athlete, Clip, Coach
from .auth import hash_password
from .storage import store_upload
from .worker import athlete_folder

TESTS: tuple[str, ...] = get_args(TestName)
GOALS: tuple[str, ...] = get_args(Goal)
LEGS = ("auto", "left", "right")


def athlete_details(name: str, sex: str = "unknown", birth_year: int | None = None,
                    goal: str = "unknown", notes: str = "") -> dict[str, Any]:
    """Checked athlete details, or MovescreenError saying what to fix."""
    name = name.strip()
    if not name or len(name) > 200:
        raise MovescreenError("Give the athlete a name (1 to 200 characters).")
    if sex not in SEXES:
        raise MovescreenError(f"sex must be one of {', '.join(SEXES)}.")
    if goal not in GOALS:
        raise MovescreenError(f"goal must be one of {', '.join(GOALS)}.")
    this_year = datetime.now(UTC).year
    if birth_year is not None and not this_year - 110 <= birth_year <= this_year - 5:
        raise MovescreenError(f"birth year must be between {this_year - 110} and "
                              f"{this_year - 5}.")
    if len(notes) > 5000:
        raise MovescreenError("Notes are limited to 5000 characters.")
    return {"name": name, "facts": {"sex": sex, "goal": goal}, "birth_year": birth_year,
            "notes": notes}


def save_athlete(db: Session, coach_id: int, details: dict[str, Any]) -> Athlete:
    return web_repo.save_athlete(db, coach_id, details["name"], details["facts"],
                                 details["birth_year"], details["notes"])


def check_clip_fields(test: str, leg: str, when: str = "") -> tuple[str, str | None, str]:
    if test not in TESTS:
        raise MovescreenError(f"test must be one of {', '.join(TESTS)}.")
    if leg not in LEGS:
        raise MovescreenError(f"leg must be one of {', '.join(LEGS)}.")
    when = when.strip() or date.today().isoformat()
    try:
        date.fromisoformat(when)
    except ValueError:
        raise MovescreenError("date must be written YYYY-MM-DD.") from None
    return test, None if leg == "auto" else leg, when


def add_clip(db: Session, data: Path, athlete: Athlete, source: BinaryIO, name: str, *,
             test: str, leg: str, when: str, limit: int) -> Clip:
    """Store the upload (whole, content-addressed) and queue its analysis."""
    test, side, when = check_clip_fields(test, leg, when)
    sha, path = store_upload(data, source, limit)
    return web_repo.enqueue_clip(db, athlete, test=test, date=when, sha256=sha,
                                 path=str(path), leg=side, name=name or "clip")


def clip_state(db: Session, clip: Clip) -> dict[str, Any]:
    """The API's view of a clip: status, error and (when done) its results.json."""
    stored = repo.clip_result(db, clip.id)
    job = db.get(web_repo.WebJob, clip.id)
    return {"id": clip.id, "status": clip.status, "stage": job.stage if job else clip.status,
            "error": clip.error,
            "results": stored.result if stored is not None and stored.status == "done"
            else None}


def report_file(data: Path, athlete_id: int, kind: str) -> Path | None:
    path = athlete_folder(data, athlete_id) / f"report.{kind}"
    return path if path.is_file() else None


def plan_json(db: Session, athlete_id: int) -> dict[str, Any] | None:
    record = web_repo.latest_plan(db, athlete_id)
    return None if record is None else json.loads(json.dumps(record.plan))


MIN_PASSWORD = 8


def set_password(db: Session, username: str, password: str) -> int:
    """Give a coach a new password and sign them out everywhere (browser sessions and API
    tokens); returns how many were ended. MovescreenError for an unknown coach or a short
    password."""
    coach = repo.get_coach(db, username.strip())
    if coach is None or coach.username == BATCH_COACH:
        raise MovescreenError(f"There is no coach called {username!r}; add one with "
                              "`movescreen users add`.")
    if len(password) < MIN_PASSWORD:
        raise MovescreenError(f"The password needs at least {MIN_PASSWORD} characters.")
    coach.password_hash = hash_password(password)
    return web_repo.end_all_logins(db, coach.id)


def add_coach(db: Session, username: str, password: str, is_admin: bool = False) -> Coach:
    """A new coach who can log in; MovescreenError for a taken name or a short password."""
    username = username.strip()
    if not username or len(username) > 80 or username == BATCH_COACH:
        raise MovescreenError(f"Choose a username of 1 to 80 characters (not {BATCH_COACH!r}).")
    if len(password) < MIN_PASSWORD:
        raise MovescreenError(f"The password needs at least {MIN_PASSWORD} characters.")
    if repo.get_coach(db, username) is not None:
        raise MovescreenError(f"There is already a coach called {username!r}.")
    return repo.ensure_coach(db, username, password_hash=hash_password(password),
                             is_admin=is_admin)
