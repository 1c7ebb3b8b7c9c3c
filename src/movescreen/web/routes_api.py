"""The JSON API for integrators (documented at /docs): the same coach scoping as the pages."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from ..errors import MovescreenError
from ..store import repo, web_repo
from .actions import add_clip, athlete_details, clip_state, plan_json, save_athlete
from .auth import verify_password
from .deps import ApiCoach, ApiToken, Db, not_found, state

router = APIRouter(prefix="/api", tags=["api"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class AthleteIn(BaseModel):
    name: str = Field(examples=["Ana P."])
    sex: str = Field("unknown", examples=["female"])
    birth_year: int | None = Field(None, examples=[2004])
    goal: str = Field("unknown", examples=["running"])
    notes: str = ""


class Created(BaseModel):
    id: int


class ClipOut(BaseModel):
    id: int
    status: str = Field(description="queued | running | done | failed")
    stage: str = Field(description="queued | analysing | reporting | done | failed")
    error: str | None
    results: dict[str, Any] | None = Field(description="the clip's results.json when done")


def login(request: Request, db: Db, username: str, password: str) -> int:
    """The coach id for these credentials; HTTPException 429 when rate-limited, 401 wrong."""
    st = state(request)
    address = request.client.host if request.client else ""
    if st.limiter.blocked(username, address):
        raise HTTPException(429, "Too many failed logins; wait a few minutes and try again.")
    coach = repo.get_coach(db, username)
    if not verify_password(password, coach.password_hash if coach else None):
        st.limiter.failed(username, address)
        raise HTTPException(401, "Wrong username or password.")
    st.limiter.succeeded(username, address)
    assert coach is not None
    return coach.id


def bad_request(exc: MovescreenError) -> HTTPException:
    return HTTPException(400, exc.message)


@router.post("/token", response_model=Token)
def token(request: Request, db: Db,
          form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange a coach's username and password for a bearer token."""
    coach_id = login(request, db, form.username, form.password)
    token, token_id = state(request).signer.api_token(coach_id)
    web_repo.add_login(db, coach_id, token_id)
    return Token(access_token=token)


@router.post("/logout", status_code=204)
def api_logout(db: Db, token: ApiToken) -> Response:
    """Revoke this bearer token (it stops working at once, before it expires)."""
    web_repo.end_login(db, token.token_id)
    return Response(status_code=204)


@router.get("/athletes")
def list_athletes(coach: ApiCoach, db: Db) -> list[dict[str, Any]]:
    """The coach's athletes."""
    return [{"id": a.id, "name": a.name, **a.facts} for a in repo.list_athletes(db, coach.id)]


@router.post("/athletes", response_model=Created, status_code=201)
def create_athlete(body: AthleteIn, coach: ApiCoach, db: Db) -> Created:
    """Create (or update, by name) one of the coach's athletes."""
    try:
        details = athlete_details(body.name, body.sex, body.birth_year, body.goal, body.notes)
    except MovescreenError as exc:
        raise bad_request(exc) from None
    return Created(id=save_athlete(db, coach.id, details).id)


@router.get("/athletes/{athlete_id}")
def get_athlete(athlete_id: int, coach: ApiCoach, db: Db) -> dict[str, Any]:
    """One athlete with their clips."""
    athlete = web_repo.get_athlete(db, coach.id, athlete_id)
    if athlete is None:
        raise not_found()
    prof = web_repo.profile(db, athlete.id)
    clips = [{"id": c.id, "test": s.test, "date": s.date, "leg": c.leg, "status": c.status}
             for c, s, _ in web_repo.athlete_clips(db, athlete.id)]
    return {"id": athlete.id, "name": athlete.name, **athlete.facts,
            "birth_year": prof.birth_year, "notes": prof.notes, "clips": clips}


@router.post("/athletes/{athlete_id}/clips", response_model=Created, status_code=201)
def upload_clip(request: Request, athlete_id: int, coach: ApiCoach, db: Db,
                file: Annotated[UploadFile, File()], test: Annotated[str, Form()],
                leg: Annotated[str, Form()] = "auto",
                date: Annotated[str, Form(description="YYYY-MM-DD; default today")] = ""
                ) -> Created:
    """Upload a clip for analysis (queued; poll GET /api/clips/{id})."""
    athlete = web_repo.get_athlete(db, coach.id, athlete_id)
    if athlete is None:
        raise not_found()
    st = state(request)
    try:
        clip = add_clip(db, st.settings.data, athlete, file.file, file.filename or "",
                        test=test, leg=leg, when=date, limit=st.settings.max_upload_bytes)
    except MovescreenError as exc:
        raise bad_request(exc) from None
    return Created(id=clip.id)


@router.get("/clips/{clip_id}", response_model=ClipOut)
def get_clip(clip_id: int, coach: ApiCoach, db: Db) -> dict[str, Any]:
    """A clip's status and, when done, its results."""
    found = web_repo.get_clip(db, coach.id, clip_id)
    if found is None:
        raise not_found()
    return clip_state(db, found[0])


@router.get("/athletes/{athlete_id}/plan")
def get_plan(athlete_id: int, coach: ApiCoach, db: Db) -> dict[str, Any]:
    """The athlete's newest plan (404 until a clip has been analysed)."""
    athlete = web_repo.get_athlete(db, coach.id, athlete_id)
    if athlete is None:
        raise not_found()
    plan = plan_json(db, athlete.id)
    if plan is None:
        raise not_found("No plan yet: upload a clip and wait for its analysis.")
    return plan
