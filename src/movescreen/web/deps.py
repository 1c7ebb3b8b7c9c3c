"""What every route needs: the app's state, a database session, the signed-in coach, CSRF."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from ..store import Store, web_repo
from ..store.models import Coach
from .auth import SESSION_COOKIE, LoginLimiter, SessionData, Signer, TokenData, same
from .settings import WebSettings


@dataclass
class AppState:
    settings: WebSettings
    store: Store
    signer: Signer
    limiter: LoginLimiter
    templates: Jinja2Templates


class LoginRequired(Exception):
    """Raised by page routes without a valid session; answered with a redirect to /login."""


def state(request: Request) -> AppState:
    return request.app.state.movescreen


def db_session(request: Request) -> Iterator[Session]:
    with state(request).store.session() as db:
        yield db


# "function": committed before the response leaves, so a redirect never outruns the write
Db = Annotated[Session, Depends(db_session, scope="function")]


def session_data(request: Request) -> SessionData | None:
    return state(request).signer.read_session(request.cookies.get(SESSION_COOKIE))


def page_coach(request: Request, db: Db) -> Coach:
    data = session_data(request)
    if data is None or not web_repo.login_is_open(db, data.coach_id, data.csrf):
        raise LoginRequired()  # no cookie, a forged one, or one logged out
    coach = db.get(Coach, data.coach_id)
    if coach is None or not coach.password_hash:
        raise LoginRequired()
    request.state.csrf = data.csrf
    return coach


PageCoach = Annotated[Coach, Depends(page_coach)]


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Every form of a signed-in coach carries the session's CSRF token."""
    data = session_data(request)
    if data is None or not same(csrf, data.csrf):
        raise HTTPException(403, "The form has expired or did not come from this site; "
                                 "reload the page and try again.")


Csrf = Depends(check_csrf)

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/token")


def api_token(request: Request, db: Db, token: Annotated[str, Depends(oauth2)]
              ) -> TokenData:
    """The bearer token's coach and id, if it is valid, unexpired and not revoked."""
    data = state(request).signer.read_token(token)
    if data is None or not web_repo.login_is_open(db, data.coach_id, data.token_id):
        raise HTTPException(401, "Invalid, expired or revoked token; get a new one from "
                                 "/api/token.", headers={"WWW-Authenticate": "Bearer"})
    return data


ApiToken = Annotated[TokenData, Depends(api_token)]


def api_coach(db: Db, token: ApiToken) -> Coach:
    coach = db.get(Coach, token.coach_id)
    if coach is None or not coach.password_hash:
        raise HTTPException(401, "Invalid or expired token; get a new one from /api/token.",
                            headers={"WWW-Authenticate": "Bearer"})
    return coach


ApiCoach = Annotated[Coach, Depends(api_coach)]


def not_found(what: str = "Not found") -> HTTPException:
    return HTTPException(404, what)
