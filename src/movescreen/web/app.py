"""``create_app(settings)``: the FastAPI application (pages, API, static files, worker)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline

from .auth import LoginLimiter, Signer
from .deps import AppState, LoginRequired
from .limits import BodyLimit, SecurityHeaders
from .settings import WebSettings, secret_key

HERE = Path(__file__).parent
FORM_OVERHEAD = 1024 * 1024  # multipart boundaries and the other fields of an upload form


def elapsed(since: datetime | None) -> str:
    """'42 s' or '3 min' since ``since`` (naive datetimes from SQLite are UTC)."""
    if since is None:
        return ""
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    seconds = max(0, int((datetime.now(UTC) - since).total_seconds()))
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"


def create_app(settings: WebSettings) -> FastAPI:
    """The app; the database is opened (and migrated) now, the worker runs while it serves."""
    from ..store import open_store
    from .routes_api import router as api_router
    from .routes_pages import router as pages_router
    from .worker import Worker

    store = open_store(settings.db_target)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["elapsed"] = elapsed
    app_state = AppState(settings, store, Signer(secret_key(settings.data),
                                                 settings.session_hours * 3600),
                         LoginLimiter(settings.login_attempts, settings.login_window_s),
                         templates)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker = Worker(store, settings.data) if settings.run_worker else None
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    app = FastAPIOffline(title="movescreen", lifespan=lifespan,  # API docs with no CDN
                  description="Movement screen for coaches: athletes, clips, results, plans. "
                              "Get a token from POST /api/token, then send it as "
                              "`Authorization: Bearer <token>`.")
    app.state.movescreen = app_state
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + FORM_OVERHEAD)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages_router)
    app.include_router(api_router)

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:  # the report page asks for one; there is none
        return Response(status_code=204)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    return app
