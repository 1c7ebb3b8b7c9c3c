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


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_user(data: Path, name: str, admin: bool = False) -> None:
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "movescreen", "users", "add", name, "--data", str(data),
           "--password-stdin", *(["--admin"] if admin else [])]
    subprocess.run(cmd, input=PASSWORD + "\n", text=True, check=True, capture_output=True)


class Server:
    """``movescreen serve`` in its own process group on a free loopback port."""

    def __init__(self, data: Path, log: Path) -> None:
        self.data, self.log, self.port = data, log, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, timeout: float = 60) -> "Server":
        import subprocess
        import sys
        import time

        import httpx

        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "movescreen", "serve", "--data", str(self.data),
             "--port", str(self.port)], stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/login", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError(f"the server did not start: {self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL the server and the analysis it may be running (a crash)."""
        import os
        import signal

        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        import os
        import signal

        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except Exception:
                self.kill()

    def token(self, name: str) -> dict[str, str]:
        import httpx

        r = httpx.post(f"{self.url}/api/token", data={"username": name, "password": PASSWORD})
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['access_token']}"}
