"""The server-rendered pages (Jinja2, autoescaped): login, athletes, clips, reports, admin."""

import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from ..errors import MovescreenError
from ..store import repo, web_repo
from ..store.models import Coach
from .actions import (
    GOALS,
    LEGS,
    TESTS,
    add_clip,
    add_coach,
    athlete_details,
    clip_state,
    plan_json,
    report_file,
    save_athlete,
)
from .auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, same
from .deps import Csrf, Db, PageCoach, not_found, session_data, state
from .history import metric_charts, phase_chart
from .routes_api import login

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    csrf = getattr(request.state, "csrf", "")
    return state(request).templates.TemplateResponse(
        request, name, {"csrf": csrf, **context}, status_code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/")
def home(request: Request) -> RedirectResponse:
    return see_other("/athletes" if session_data(request) else "/login")


@router.get("/login")
def login_page(request: Request, error: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", login_csrf=token, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=state(request).settings.secure_cookies)
    return response


@router.post("/login")
def login_submit(request: Request, db: Db, username: Annotated[str, Form()],
                 password: Annotated[str, Form()], csrf: Annotated[str, Form()] = "") -> Response:
    if not same(csrf, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise HTTPException(403, "The login form has expired; reload the page.")
    try:
        coach_id = login(request, db, username, password)
    except HTTPException as exc:
        return render(request, "login.html", exc.status_code, login_csrf=csrf,
                      error=exc.detail)
    st = state(request)
    cookie, token = st.signer.session_cookie(coach_id)
    web_repo.add_login(db, coach_id, token)
    response = see_other("/athletes")
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True,
                        samesite="lax", secure=st.settings.secure_cookies,
                        max_age=int(st.settings.session_hours * 3600))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, db: Db) -> Response:
    data = session_data(request)
    if data is not None:
        web_repo.end_login(db, data.csrf)  # the cookie, even if kept, no longer works
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/athletes")
def athletes_page(request: Request, coach: PageCoach, db: Db, error: str = "") -> HTMLResponse:
    return render(request, "athletes.html", coach=coach, error=error,
                  athletes=repo.list_athletes(db, coach.id), goals=GOALS)


@router.post("/athletes", dependencies=[Csrf])
def athletes_create(request: Request, coach: PageCoach, db: Db,
                    name: Annotated[str, Form()], sex: Annotated[str, Form()] = "unknown",
                    birth_year: Annotated[str, Form()] = "",
                    goal: Annotated[str, Form()] = "unknown",
                    notes: Annotated[str, Form()] = "") -> Response:
    try:
        year = int(birth_year) if birth_year.strip() else None
        details = athlete_details(name, sex, year, goal, notes)
    except ValueError:
        return athletes_page(request, coach, db, "Birth year must be a number, e.g. 2004.")
    except MovescreenError as exc:
        return athletes_page(request, coach, db, exc.message)
    return see_other(f"/athletes/{save_athlete(db, coach.id, details).id}")


def _athlete_or_404(db: Db, coach: Coach, athlete_id: int) -> Any:
    athlete = web_repo.get_athlete(db, coach.id, athlete_id)
    if athlete is None:
        raise not_found()
    return athlete


@router.get("/athletes/{athlete_id}")
def athlete_page(request: Request, athlete_id: int, coach: PageCoach, db: Db,
                 error: str = "") -> HTMLResponse:
    athlete = _athlete_or_404(db, coach, athlete_id)
    data = state(request).settings.data
    return render(request, "athlete.html", coach=coach, athlete=athlete, error=error,
                  profile=web_repo.profile(db, athlete.id),
                  clips=web_repo.athlete_clips(db, athlete.id), tests=TESTS, legs=LEGS,
                  goals=GOALS, today=date.today().isoformat(), plan=plan_json(db, athlete.id),
                  charts=metric_charts(web_repo.metric_history(db, athlete.id)),
                  phases=phase_chart(repo.athlete_plans(db, athlete.id)),
                  has_report=report_file(data, athlete.id, "html") is not None,
                  has_pdf=report_file(data, athlete.id, "pdf") is not None,
                  max_mb=state(request).settings.max_upload_mb)


@router.post("/athletes/{athlete_id}", dependencies=[Csrf])
def athlete_update(request: Request, athlete_id: int, coach: PageCoach, db: Db,
                   sex: Annotated[str, Form()] = "unknown",
                   birth_year: Annotated[str, Form()] = "",
                   goal: Annotated[str, Form()] = "unknown",
                   notes: Annotated[str, Form()] = "") -> Response:
    athlete = _athlete_or_404(db, coach, athlete_id)
    try:
        year = int(birth_year) if birth_year.strip() else None
        save_athlete(db, coach.id, athlete_details(athlete.name, sex, year, goal, notes))
    except ValueError:
        return athlete_page(request, athlete_id, coach, db, "Birth year must be a number.")
    except MovescreenError as exc:
        return athlete_page(request, athlete_id, coach, db, exc.message)
    return see_other(f"/athletes/{athlete_id}")


@router.post("/athletes/{athlete_id}/clips", dependencies=[Csrf])
def clips_upload(request: Request, athlete_id: int, coach: PageCoach, db: Db,
                 files: Annotated[list[UploadFile], File()],
                 test: Annotated[list[str], Form()], leg: Annotated[list[str], Form()],
                 date: Annotated[str, Form()] = "") -> Response:
    """Several clips at once; ``test`` and ``leg`` are given per clip (or once for all)."""
    athlete = _athlete_or_404(db, coach, athlete_id)
    st = state(request)
    if len(test) == 1:
        test = test * len(files)
    if len(leg) == 1:
        leg = leg * len(files)
    if not files or len(test) != len(files) or len(leg) != len(files):
        return athlete_page(request, athlete_id, coach, db,
                            "Choose one or more clips, each with its test and leg.")
    name = ""
    try:
        with db.begin_nested():  # all the clips queued, or none
            for f, t, side in zip(files, test, leg, strict=True):
                name = f.filename or "clip"
                add_clip(db, st.settings.data, athlete, f.file, name, test=t, leg=side,
                         when=date, limit=st.settings.max_upload_bytes)
    except MovescreenError as exc:
        response = athlete_page(request, athlete_id, coach, db, f"{name}: {exc.message}")
        response.status_code = 400
        return response
    return see_other(f"/athletes/{athlete_id}")


@router.get("/clips/{clip_id}")
def clip_page(request: Request, clip_id: int, coach: PageCoach, db: Db) -> HTMLResponse:
    found = web_repo.get_clip(db, coach.id, clip_id)
    if found is None:
        raise not_found()
    clip, session, athlete, job = found
    return render(request, "clip.html", coach=coach, clip=clip, session=session,
                  athlete=athlete, job=job, state=clip_state(db, clip),
                  metrics=repo.clip_metrics(db, clip.id))


@router.get("/clips/{clip_id}/status")
def clip_status(request: Request, clip_id: int, coach: PageCoach, db: Db) -> HTMLResponse:
    """The progress fragment the clip page polls."""
    found = web_repo.get_clip(db, coach.id, clip_id)
    if found is None:
        raise not_found()
    return render(request, "_status.html", clip=found[0], job=found[3])


def _report(request: Request, athlete_id: int, coach: Coach, db: Db, kind: str) -> Response:
    athlete = _athlete_or_404(db, coach, athlete_id)
    path = report_file(state(request).settings.data, athlete.id, kind)
    if path is None:
        raise not_found("No report yet: upload a clip and wait for its analysis.")
    if kind == "pdf":
        return FileResponse(path, media_type="application/pdf",
                            filename=f"movescreen-report-{athlete.id}.pdf")
    return FileResponse(path, media_type="text/html; charset=utf-8")


@router.get("/athletes/{athlete_id}/report")
def report_html(request: Request, athlete_id: int, coach: PageCoach, db: Db) -> Response:
    return _report(request, athlete_id, coach, db, "html")


@router.get("/athletes/{athlete_id}/report.pdf")
def report_pdf(request: Request, athlete_id: int, coach: PageCoach, db: Db) -> Response:
    return _report(request, athlete_id, coach, db, "pdf")


def _admin(coach: Coach) -> None:
    if not coach.is_admin:
        raise HTTPException(403, "Only an administrator can manage coaches.")


@router.get("/admin/coaches")
def coaches_page(request: Request, coach: PageCoach, db: Db, error: str = "",
                 added: str = "") -> HTMLResponse:
    _admin(coach)
    coaches = [c for c in repo.list_coaches(db) if c.password_hash]
    return render(request, "coaches.html", coach=coach, coaches=coaches, error=error,
                  added=added)


@router.post("/admin/coaches", dependencies=[Csrf])
def coaches_add(request: Request, coach: PageCoach, db: Db,
                username: Annotated[str, Form()], password: Annotated[str, Form()],
                is_admin: Annotated[bool, Form()] = False) -> Response:
    _admin(coach)
    try:
        add_coach(db, username, password, is_admin)
    except MovescreenError as exc:
        return coaches_page(request, coach, db, exc.message)
    return coaches_page(request, coach, db, added=username.strip())

