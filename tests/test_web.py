"""The web app without analysis: accounts, CSRF, pages, the JSON API, uploads, isolation."""

from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from webclient import PASSWORD, api, coach, csrf_of, login, make_app

from media import blank_frames, write_video
from movescreen.store import repo, web_repo
from movescreen.store.models import Clip


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real, decodable 2 s video (no person in it)."""
    return write_video(tmp_path_factory.mktemp("clips") / "tiny.mp4", blank_frames(30, 160, 120))


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path):
    """The app on SQLite in its data folder, and on a PostgreSQL server of our own."""
    db = None
    if request.param == "postgresql":
        from pgserver import new_database

        db = new_database(request.getfixturevalue("postgres"))
    app = make_app(tmp_path / "data", max_upload_mb=0.5, db=db)
    coach(app, "anna", admin=True)
    coach(app, "ben")
    yield app
    app.state.movescreen.store.close()


def _uploads(app) -> list[Path]:
    root = app.state.movescreen.settings.data / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# Accounts ------------------------------------------------------------------------------------

def test_pages_need_login(app) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    for url in ("/", "/athletes", "/athletes/1", "/clips/1", "/admin/coaches"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", url
    assert client.get("/api/athletes").status_code == 401


def test_login_cookie_flags_and_logout(app) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    r = client.post("/login", data={"username": "anna", "password": PASSWORD,
                                    "csrf": csrf_of(client.get("/login").text)},
                    follow_redirects=False)
    cookie = next(h for h in r.headers.get_list("set-cookie")
                  if h.startswith("movescreen_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    b = login(app, "anna")
    page = b.client.get("/athletes")
    assert page.status_code == 200 and "anna" in page.text
    assert "content-security-policy" in page.headers
    kept = dict(b.client.cookies)
    r = b.post("/logout")
    assert r.status_code == 303
    assert b.client.get("/athletes", follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies=kept)  # a copy of the cookie kept from before logout
    assert replay.get("/athletes", follow_redirects=False).status_code == 303


def test_password_is_argon2_hashed(app) -> None:
    with app.state.movescreen.store.session() as db:
        stored = repo.get_coach(db, "ben").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_and_rate_limit(app) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        r = client.post("/login", data={"username": "ben", "password": "nope",
                                        "csrf": token})
        assert r.status_code == 401 and "Wrong username or password" in r.text
    r = client.post("/login", data={"username": "ben", "password": PASSWORD, "csrf": token})
    assert r.status_code == 429  # even the right password waits now
    assert client.post("/api/token", data={"username": "ben",
                                           "password": PASSWORD}).status_code == 429
    assert client.post("/api/token", data={"username": "anna",
                                           "password": "x"}).status_code == 401


def test_batch_owner_cannot_log_in(app) -> None:
    from fastapi.testclient import TestClient

    with app.state.movescreen.store.session() as db:
        repo.batch_coach(db)
    r = TestClient(app).post("/api/token", data={"username": "batch", "password": ""})
    assert r.status_code in (401, 422)


def test_login_form_needs_its_csrf_cookie(app) -> None:
    from fastapi.testclient import TestClient

    r = TestClient(app).post("/login", data={"username": "anna", "password": PASSWORD,
                                             "csrf": "forged"})
    assert r.status_code == 403


def test_every_form_checks_csrf(app) -> None:
    b = login(app, "anna")
    athlete = b.post("/athletes", {"name": "Zoe"}).headers["location"]
    for url in ["/athletes", athlete, f"{athlete}/clips", "/admin/coaches", "/logout"]:
        for token in ("", "forged"):
            r = b.client.post(url, data={"csrf": token, "name": "X", "username": "x",
                                         "password": "12345678"}, follow_redirects=False)
            assert r.status_code == 403, (url, token)


def test_admin_adds_coaches_others_cannot(app) -> None:
    a = login(app, "anna")
    assert "Add a coach" in a.client.get("/admin/coaches").text
    r = a.post("/admin/coaches", {"username": "cleo", "password": "long enough pw"})
    assert r.status_code == 200 and "Added cleo" in r.text
    assert "There is already" in a.post("/admin/coaches", {"username": "cleo",
                                                           "password": "long enough pw"}).text
    login(app, "cleo", "long enough pw")
    b = login(app, "ben")
    assert b.client.get("/admin/coaches").status_code == 403
    assert b.post("/admin/coaches", {"username": "eve", "password": "long enough pw"}
                  ).status_code == 403


# Athletes and escaping ------------------------------------------------------------------------

def test_athlete_pages_escape_user_text(app) -> None:
    b = login(app, "anna")
    evil = "<script>alert(1)</script>"
    r = b.post("/athletes", {"name": evil, "sex": "female", "birth_year": "2001",
                             "goal": "running", "notes": "<img src=x onerror=alert(2)>"})
    assert r.status_code == 303
    for url in ("/athletes", r.headers["location"]):
        html = b.client.get(url).text
        assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html


def test_athlete_validation_and_update(app) -> None:
    b = login(app, "anna")
    assert "Birth year must be a number" in b.post("/athletes", {"name": "Al",
                                                                "birth_year": "abc"}).text
    assert "sex must be one of" in b.post("/athletes", {"name": "Al", "sex": "x"}).text
    url = b.post("/athletes", {"name": "Al", "birth_year": "1990"}).headers["location"]
    assert b.post(url, {"sex": "male", "birth_year": "1991", "goal": "jumping",
                        "notes": "left ACL 2023"}).status_code == 303
    page = b.client.get(url).text
    assert "born 1991" in page and "jumping" in page and "left ACL 2023" in page


# API ------------------------------------------------------------------------------------------

def test_api_routes(app, tiny_clip: Path) -> None:
    c = api(app, "anna")
    r = c.post("/api/athletes", json={"name": "Ana", "sex": "female", "birth_year": 2000,
                                      "goal": "running"})
    assert r.status_code == 201
    aid = r.json()["id"]
    assert c.post("/api/athletes", json={"name": "", "sex": "female"}).status_code == 400
    assert c.post("/api/athletes", json={"name": "X", "sex": "other"}).status_code == 400
    assert [a["name"] for a in c.get("/api/athletes").json()] == ["Ana"]
    with tiny_clip.open("rb") as fh:
        r = c.post(f"/api/athletes/{aid}/clips", files={"file": ("whatever.bin", fh)},
                   data={"test": "squat", "leg": "auto", "date": "2026-11-01"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    state = c.get(f"/api/clips/{cid}").json()
    assert state == {"id": cid, "status": "queued", "stage": "queued", "error": None,
                     "results": None}
    detail = c.get(f"/api/athletes/{aid}").json()
    assert detail["clips"] == [{"id": cid, "test": "squat", "date": "2026-11-01",
                                "leg": None, "status": "queued"}]
    assert detail["birth_year"] == 2000 and detail["sex"] == "female"
    assert c.get(f"/api/athletes/{aid}/plan").status_code == 404
    with tiny_clip.open("rb") as fh:
        bad = c.post(f"/api/athletes/{aid}/clips", files={"file": ("a.mp4", fh)},
                     data={"test": "jog", "leg": "auto"})
    assert bad.status_code == 400 and "test must be one of" in bad.json()["detail"]
    assert c.get("/openapi.json").json()["paths"].keys() >= {
        "/api/token", "/api/athletes", "/api/athletes/{athlete_id}/clips",
        "/api/clips/{clip_id}", "/api/athletes/{athlete_id}/plan"}
    c.headers["Authorization"] = "Bearer forged"
    assert c.get("/api/athletes").status_code == 401


def test_same_upload_twice_is_one_file(app, tiny_clip: Path) -> None:
    c = api(app, "anna")
    aid = c.post("/api/athletes", json={"name": "Ana"}).json()["id"]
    ids = [c.post(f"/api/athletes/{aid}/clips", files={"file": (n, tiny_clip.read_bytes())},
                  data={"test": "squat"}).json()["id"] for n in ("a.mp4", "b.mov")]
    assert ids[0] == ids[1]  # same bytes, test and leg in the same session: one clip
    import hashlib

    sha = hashlib.sha256(tiny_clip.read_bytes()).hexdigest()
    assert [p.name for p in _uploads(app)] == [sha]


# Bad uploads ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["text", "empty", "huge", "just_over"])
def test_bad_uploads_are_refused_and_not_stored(app, kind: str) -> None:
    c = api(app, "anna")
    aid = c.post("/api/athletes", json={"name": "Ana"}).json()["id"]
    limit = app.state.movescreen.settings.max_upload_bytes
    body = {"text": b"this is not a video\n" * 10, "empty": b"",
            "huge": b"\0" * (limit + 2 * 1024 * 1024), "just_over": b"\0" * (limit + 10)}[kind]
    r = c.post(f"/api/athletes/{aid}/clips", files={"file": ("clip.mp4", body)},
               data={"test": "squat"})
    expected = {"text": (400, "not a video"), "empty": (400, "empty"),
                "huge": (413, "too large"), "just_over": (400, "larger than")}[kind]
    assert r.status_code == expected[0] and expected[1] in r.text, r.text
    assert _uploads(app) == []
    with app.state.movescreen.store.session() as db:
        assert web_repo.athlete_clips(db, aid) == []


def test_chunked_upload_without_length_is_cut_off_at_the_limit(app) -> None:
    c = api(app, "anna")
    aid = c.post("/api/athletes", json={"name": "Ana"}).json()["id"]
    boundary = "xyz"

    def body():  # no Content-Length: the limit is enforced while the bytes arrive
        yield (f'--{boundary}\r\nContent-Disposition: form-data; name="test"\r\n\r\nsquat'
               f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
               'filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n').encode()
        for _ in range(40):
            yield b"\0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    r = c.post(f"/api/athletes/{aid}/clips", content=body(),
               headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.request.headers.get("transfer-encoding") == "chunked"
    assert r.status_code == 413 and "too large" in r.text
    assert _uploads(app) == []


def test_page_upload_several_clips_with_test_and_leg_each(app, tiny_clip: Path,
                                                          tmp_path: Path) -> None:
    other = write_video(tmp_path / "other.mp4", blank_frames(20, 160, 120))
    b = login(app, "anna")
    url = b.post("/athletes", {"name": "Zoe"}).headers["location"]
    files = [("files", ("left.mp4", tiny_clip.read_bytes(), "video/mp4")),
             ("files", ("right.mov", other.read_bytes(), "video/quicktime"))]
    r = b.client.post(f"{url}/clips", files=files, follow_redirects=False,
                      data={"csrf": b.csrf, "test": ["single-leg-squat", "squat"],
                            "leg": ["left", "auto"], "date": "2026-10-02"})
    assert r.status_code == 303, r.text
    page = b.client.get(url).text
    assert "left.mp4" in page and "right.mov" in page and "Queued" in page
    aid = int(url.rsplit("/", 1)[1])
    with app.state.movescreen.store.session() as db:
        got = [(s.test, c.leg, j.name) for c, s, j in web_repo.athlete_clips(db, aid)]
    assert sorted(got) == [("single-leg-squat", "left", "left.mp4"),
                           ("squat", None, "right.mov")]
    bad = b.client.post(f"{url}/clips", files=[("files", ("x.mp4", b"nope", "video/mp4"))],
                        data={"csrf": b.csrf, "test": "squat", "leg": "auto"})
    assert bad.status_code == 400 and "x.mp4: not a video" in bad.text


# Isolation ------------------------------------------------------------------------------------

def _fill(path: str, ids: dict[str, int]) -> str:
    return path.replace("{athlete_id}", str(ids["athlete_id"])).replace(
        "{clip_id}", str(ids["clip_id"]))


def test_coach_b_cannot_reach_anything_of_coach_a(app, tiny_clip: Path) -> None:
    a = api(app, "anna")
    aid = a.post("/api/athletes", json={"name": "Ana"}).json()["id"]
    cid = a.post(f"/api/athletes/{aid}/clips", files={"file": ("a.mp4", tiny_clip.read_bytes())},
                 data={"test": "squat"}).json()["id"]
    ids = {"athlete_id": aid, "clip_id": cid}
    b_page, b_api = login(app, "ben"), api(app, "ben")
    tried = []
    from movescreen.web import routes_api, routes_pages

    for route in [*routes_pages.router.routes, *routes_api.router.routes]:
        if not isinstance(route, APIRoute) or "{" not in route.path:
            continue
        url = _fill(route.path, ids)
        for method in route.methods:
            client = b_api if route.path.startswith("/api/") else b_page.client
            data = {"csrf": b_page.csrf, "test": "squat", "leg": "auto", "sex": "male",
                    "name": "Ana"}
            files = {"file": ("a.mp4", tiny_clip.read_bytes()),
                     "files": ("a.mp4", tiny_clip.read_bytes())}
            r = client.request(method, url, data=data if method == "POST" else None,
                               files=files if method == "POST" else None,
                               follow_redirects=False)
            assert r.status_code in (403, 404), (method, url, r.status_code, r.text[:200])
            tried.append((method, route.path))
    assert {("GET", "/athletes/{athlete_id}"), ("POST", "/athletes/{athlete_id}"),
            ("POST", "/athletes/{athlete_id}/clips"), ("GET", "/clips/{clip_id}"),
            ("GET", "/clips/{clip_id}/status"), ("GET", "/athletes/{athlete_id}/report"),
            ("GET", "/athletes/{athlete_id}/report.pdf"), ("GET", "/api/clips/{clip_id}"),
            ("POST", "/api/athletes/{athlete_id}/clips"), ("GET", "/api/athletes/{athlete_id}"),
            ("GET", "/api/athletes/{athlete_id}/plan")} <= set(tried)
    assert b_api.get("/api/athletes").json() == []
    assert "Ana" not in b_page.client.get("/athletes").text
    with app.state.movescreen.store.session() as db:  # nothing of A's was changed by B
        assert db.get(Clip, cid).status == "queued"
        assert len(web_repo.athlete_clips(db, aid)) == 1


# Jobs surviving a restart ----------------------------------------------------------------------

def test_running_clips_are_requeued_at_start(app, tiny_clip: Path) -> None:
    from movescreen.web.worker import Worker

    c = api(app, "anna")
    aid = c.post("/api/athletes", json={"name": "Ana"}).json()["id"]
    cid = c.post(f"/api/athletes/{aid}/clips", files={"file": ("a.mp4", tiny_clip.read_bytes())},
                 data={"test": "squat"}).json()["id"]
    store = app.state.movescreen.store
    with store.session() as db:
        assert web_repo.claim_next(db) == cid
        assert web_repo.claim_next(db) is None  # claimed once only
    assert c.get(f"/api/clips/{cid}").json()["status"] == "running"
    with store.session() as db:  # a batch clip left running is not the web's to requeue
        owner = repo.batch_coach(db)
        s = repo.upsert_session(db, repo.upsert_athlete(db, owner.id, "B").id, "squat")
        batch_clip = repo.upsert_clip(db, s.id, "b" * 64, sha256="0" * 64, source_path="x")
        batch_clip.status = "running"
    assert Worker(store, app.state.movescreen.settings.data).recover() == 1
    with store.session() as db:
        assert db.get(Clip, batch_clip.id).status == "running"
    assert c.get(f"/api/clips/{cid}").json() == {"id": cid, "status": "queued",
                                                 "stage": "queued", "error": None,
                                                 "results": None}
    with store.session() as db:  # and it is the next to run, its attempt counted
        assert web_repo.claim_next(db) == cid
        assert db.get(web_repo.WebJob, cid).attempts == 2


def test_users_add_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from movescreen.cli import app as cli
    from movescreen.store import open_store

    data = tmp_path / "d"
    r = CliRunner().invoke(cli, ["users", "add", "dora", "--admin", "--data", str(data),
                                 "--password-stdin"], input="s3cret-enough\n")
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["users", "add", "dora", "--data", str(data),
                                 "--password-stdin"], input="s3cret-enough\n")
    assert r.exit_code == 1 and "already a coach" in r.output
    r = CliRunner().invoke(cli, ["users", "add", "eve", "--data", str(data),
                                 "--password-stdin"], input="short\n")
    assert r.exit_code == 1 and "at least 8" in r.output
    r = CliRunner().invoke(cli, ["users", "add", "fay", "--data", str(data)],
                           input="typed-at-prompt\ntyped-at-prompt\n")  # asked, twice
    assert r.exit_code == 0 and "Added coach fay" in r.output
    with open_store(data / "movescreen.db") as store, store.session() as db:
        dora = repo.get_coach(db, "dora")
        assert dora.is_admin and dora.password_hash.startswith("$argon2")
        assert not repo.get_coach(db, "fay").is_admin


def test_clip_page_polls_its_status_until_final(app, tiny_clip: Path) -> None:
    c = api(app, "anna")
    aid = c.post("/api/athletes", json={"name": "Ana"}).json()["id"]
    cid = c.post(f"/api/athletes/{aid}/clips", files={"file": ("a.mp4", tiny_clip.read_bytes())},
                 data={"test": "squat"}).json()["id"]
    b = login(app, "anna")
    assert f'data-poll="/clips/{cid}/status"' in b.client.get(f"/clips/{cid}").text
    assert "Queued" in b.client.get(f"/clips/{cid}/status").text
    store = app.state.movescreen.store
    with store.session() as db:
        web_repo.claim_next(db)
    running = b.client.get(f"/clips/{cid}/status").text
    assert "Analysing" in running and "data-final" not in running
    with store.session() as db:
        repo.record_result(db, cid, None, "nobody <in> view")
    failed = b.client.get(f"/clips/{cid}/status").text
    assert "data-final" in failed and "nobody &lt;in&gt; view" in failed
    assert "data-poll" not in b.client.get(f"/clips/{cid}").text


def test_an_api_token_can_be_revoked_and_only_its_own(app) -> None:
    """POST /api/logout revokes the token it is sent with, at once; another token of the same
    coach keeps working, and a token signed correctly but never issued is refused."""
    first, second = api(app, "anna"), api(app, "anna")
    assert first.get("/api/athletes").status_code == 200
    assert first.post("/api/logout").status_code == 204
    refused = first.get("/api/athletes")
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert first.post("/api/logout").status_code == 401
    assert second.get("/api/athletes").status_code == 200
    signer = app.state.movescreen.signer
    unissued, _ = signer.api_token(1)  # valid signature, but not recorded by /api/token
    first.headers["Authorization"] = f"Bearer {unissued}"
    assert first.get("/api/athletes").status_code == 401


def test_users_passwd_sets_a_password_and_signs_the_coach_out_everywhere(tmp_path: Path
                                                                         ) -> None:
    from typer.testing import CliRunner

    from movescreen.cli import app as cli

    data = tmp_path / "data"
    app = make_app(data)
    try:
        coach(app, "anna")
        coach(app, "ben")
        token, browser, other = api(app, "anna"), login(app, "anna"), api(app, "ben")
        assert browser.client.get("/athletes").status_code == 200
        r = CliRunner().invoke(cli, ["users", "passwd", "anna", "--data", str(data),
                                     "--password-stdin"], input="a-new-secret\n")
        assert r.exit_code == 0 and "2 session(s) and token(s) ended" in r.output, r.output
        assert token.get("/api/athletes").status_code == 401
        assert browser.client.get("/athletes", follow_redirects=False).status_code in (302, 303)
        assert other.get("/api/athletes").status_code == 200  # another coach: untouched
        fresh = TestClient(app)
        assert fresh.post("/api/token", data={"username": "anna",
                                              "password": PASSWORD}).status_code == 401
        assert fresh.post("/api/token", data={"username": "anna",
                                              "password": "a-new-secret"}).status_code == 200
        for name, password, why in (("nobody", "long-enough", "no coach called"),
                                    ("anna", "short", "at least 8")):
            r = CliRunner().invoke(cli, ["users", "passwd", name, "--data", str(data),
                                         "--password-stdin"], input=password + "\n")
            assert r.exit_code == 1 and why in r.output, r.output
    finally:
        app.state.movescreen.store.close()
