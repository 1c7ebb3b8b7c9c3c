"""Helpers for the web app tests: an app on a temporary data folder, coaches, logged-in
clients (cookie session + CSRF token, or an API bearer token)."""

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from movescreen.web.actions import add_coach
from movescreen.web.app import create_app
from movescreen.web.settings import WebSettings

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_app(data: Path, **options: object) -> FastAPI:
    app = create_app(WebSettings(data=data, run_worker=False, **options))  # type: ignore[arg-type]
    return app


def coach(app: FastAPI, name: str, admin: bool = False) -> int:
    with app.state.movescreen.store.session() as db:
        return add_coach(db, name, PASSWORD, admin).id


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@dataclass
class Browser:
    """A TestClient logged in through the login form, with the session's CSRF token."""

    client: TestClient
    csrf: str

    def post(self, url: str, data: dict | None = None, **kw: object):
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})},
                                follow_redirects=False, **kw)


def login(app: FastAPI, name: str, password: str = PASSWORD) -> Browser:
    client = TestClient(app)
    page = client.get("/login")
    r = client.post("/login", data={"username": name, "password": password,
                                    "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return Browser(client, csrf_of(client.get("/athletes").text))


def api(app: FastAPI, name: str) -> TestClient:
    client = TestClient(app)
    r = client.post("/api/token", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client
