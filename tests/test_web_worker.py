"""The web app with real analyses (the 1.5 s dev clip): worker, report, plan, PDF, history,
a failed clip, and a server killed while a clip is analysed."""

import time
from pathlib import Path

import httpx
import pytest
from webclient import Server, add_user, api, coach, login, make_app

from media import blank_frames, write_video
from movescreen.web.worker import Worker

SHORT = "squat_frontal_goblet_short_04.mp4"


@pytest.fixture
def app(tmp_path: Path):
    app = make_app(tmp_path / "data")
    coach(app, "anna")
    yield app
    app.state.movescreen.store.close()


def test_clip_analysed_reported_and_shown(app, videos: Path) -> None:
    c = api(app, "anna")
    aid = c.post("/api/athletes", json={"name": "Ana", "sex": "female", "birth_year": 1998,
                                        "goal": "running"}).json()["id"]
    cid = c.post(f"/api/athletes/{aid}/clips", data={"test": "squat", "date": "2026-11-01"},
                 files={"file": ("goblet.mp4", (videos / SHORT).read_bytes())}).json()["id"]
    st = app.state.movescreen
    assert Worker(st.store, st.settings.data).run_pending() == 1
    state = c.get(f"/api/clips/{cid}").json()
    assert state["status"] == "done" and state["stage"] == "done" and state["error"] is None
    assert state["results"]["test"] == "squat"
    assert state["results"]["clip"]["sha256"] == (
        "8dfac8ee2f44bace217a686cc8054524526d407c053f94ece209e260a8597ccf")
    # the coach sees the name the clip was uploaded under, never where the server keeps it
    assert state["results"]["clip"]["file"] == "goblet.mp4"
    data_dir = str(st.settings.data)
    plan = c.get(f"/api/athletes/{aid}/plan").json()
    assert 0 <= plan["phase"] <= 4 and plan["athlete"]["sex"] == "female"
    assert plan["athlete"]["goal"] == "running"
    b = login(app, "anna")
    page = b.client.get(f"/athletes/{aid}").text
    assert f"Phase {plan['phase']}" in page and "<svg" in page and "training phase" in page
    clip_page = b.client.get(f"/clips/{cid}").text
    assert "Open the report" in clip_page and "data-poll" not in clip_page
    report = b.client.get(f"/athletes/{aid}/report")
    assert report.status_code == 200 and "Ana" in report.text
    assert "goblet.mp4" in report.text and data_dir not in report.text
    assert data_dir not in clip_page and data_dir not in page
    pdf = b.client.get(f"/athletes/{aid}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_clip_without_a_person_fails_with_a_reason(app, tmp_path: Path) -> None:
    clip = write_video(tmp_path / "empty_room.mp4", blank_frames(20, 160, 120))
    c = api(app, "anna")
    aid = c.post("/api/athletes", json={"name": "Ana"}).json()["id"]
    cid = c.post(f"/api/athletes/{aid}/clips", data={"test": "squat"},
                 files={"file": ("room.mp4", clip.read_bytes())}).json()["id"]
    st = app.state.movescreen
    Worker(st.store, st.settings.data).run_pending()
    state = c.get(f"/api/clips/{cid}").json()
    assert state["status"] == "failed" and state["results"] is None
    assert state["error"] and "internal error" not in state["error"]
    assert state["error"].startswith("room.mp4: ")
    assert str(st.settings.data) not in state["error"]
    assert c.get(f"/api/athletes/{aid}/plan").status_code == 404


def _wait(server: Server, cid: int, headers: dict, want: set[str], timeout: float) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state = httpx.get(f"{server.url}/api/clips/{cid}", headers=headers).json()
        if state["status"] in want:
            return state
        time.sleep(0.1)
    raise AssertionError(f"clip {cid} never reached {want}: {state}")


def test_job_interrupted_by_a_crash_completes_after_restart(tmp_path: Path,
                                                            videos: Path) -> None:
    data = tmp_path / "data"
    add_user(data, "anna")
    server = Server(data, tmp_path / "server.log").start()
    try:
        auth = server.token("anna")
        aid = httpx.post(f"{server.url}/api/athletes", json={"name": "Ana"},
                         headers=auth).json()["id"]
        cid = httpx.post(f"{server.url}/api/athletes/{aid}/clips", headers=auth,
                         data={"test": "squat"},
                         files={"file": ("goblet.mp4", (videos / SHORT).read_bytes())}
                         ).json()["id"]
        _wait(server, cid, auth, {"running"}, 30)
        server.kill()  # mid-analysis: no results yet
        assert not (data / "clips" / str(cid) / "results.json").exists()
        server.start()
        state = _wait(server, cid, server.token("anna"), {"done", "failed"}, 180)
        assert state["status"] == "done", state
        assert state["results"]["test"] == "squat"
    finally:
        server.kill()
