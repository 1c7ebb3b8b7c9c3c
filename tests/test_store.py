"""The store on SQLite and on a real PostgreSQL server: migrations, idempotent upserts."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pgserver import new_database
from results_factory import PASSING, results_for, screen
from sqlalchemy import func, inspect, select

from movescreen.rules.athlete import AthleteFacts
from movescreen.rules.loader import load_rules
from movescreen.rules.planner import recommend
from movescreen.store import Store, database_url, open_store, repo
from movescreen.store.migrate import downgrade
from movescreen.store.models import Clip, ClipResult, Metric, PlanRecord

TABLES = {"coaches", "athletes", "sessions", "clips", "results", "metrics", "plans"}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        target = str(tmp_path / "sub" / "movescreen.db")
    else:
        target = new_database(request.getfixturevalue("postgres"))
    s = open_store(target)
    yield s
    s.close()


def _count(s: Store, model: type) -> int:
    with s.session() as db:
        return db.scalar(select(func.count()).select_from(model))


def _clip(s: Store, key: str = "k" * 64) -> int:
    with s.session() as db:
        coach = repo.batch_coach(db)
        athlete = repo.upsert_athlete(db, coach.id, "Ann", {"sex": "female"})
        sess = repo.upsert_session(db, athlete.id, "single-leg-squat", "2026-03-01")
        return repo.upsert_clip(db, sess.id, key, sha256="a" * 64, source_path="ann/a.mp4",
                                stored_path="out/a", leg="left").id


def test_database_url_of_a_path_is_an_absolute_sqlite_file(tmp_path: Path) -> None:
    assert database_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_migrations_create_every_table_and_reopen_is_a_no_op(store: Store) -> None:
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    _clip(store)
    again = open_store(store.url)  # migrating an up-to-date database changes nothing
    assert _count(again, Clip) == 1
    again.close()


def test_downgrade_to_base_drops_the_tables(store: Store) -> None:
    with store.engine.begin() as conn:
        downgrade(conn, "base")
    assert not TABLES & set(inspect(store.engine).get_table_names())


def test_upserts_never_duplicate_rows(store: Store) -> None:
    first = _clip(store)
    second = _clip(store)
    assert first == second
    with store.session() as db:
        athlete = repo.list_athletes(db)[0]
        assert athlete.name == "Ann" and athlete.facts == {"sex": "female"}
        assert len(repo.athlete_sessions(db, athlete.id)) == 1
        coach = repo.ensure_coach(db, "batch", password_hash="ignored")
        assert coach.password_hash is None  # ensure_coach leaves an existing coach alone
    assert _count(store, Clip) == 1


def test_a_result_gives_one_row_per_leg_and_metric_and_a_rerun_replaces_it(store: Store) -> None:
    clip_id = _clip(store)
    result = screen("single-leg-squat", {"left.fppa_peak_deg": 12.5,
                                         "right.fppa_peak_deg": -3.0,
                                         "left.pelvic_drop_deg": 4.0})
    for _ in range(2):
        with store.session() as db:
            repo.record_result(db, clip_id, result)
    assert _count(store, ClipResult) == 1
    assert _count(store, Metric) == 3
    with store.session() as db:
        rows = {(m.leg, m.metric): (m.median, m.worst, m.n_reps)
                for m in repo.clip_metrics(db, clip_id)}
        assert rows == {("left", "fppa_peak_deg"): (12.5, 12.5, 3),
                        ("right", "fppa_peak_deg"): (-3.0, -3.0, 3),
                        ("left", "pelvic_drop_deg"): (4.0, 4.0, 3)}
        stored = repo.clip_result(db, clip_id)
        assert stored is not None and stored.status == "done"
        assert stored.result == result.model_dump(mode="json")
        assert db.get(Clip, clip_id).status == "done"


def test_bilateral_metrics_are_stored_with_leg_both(store: Store) -> None:
    clip_id = _clip(store)
    with store.session() as db:
        repo.record_result(db, clip_id, screen("squat", {"kasr_bottom": 1.2}))
        assert [(m.leg, m.metric, m.median) for m in repo.clip_metrics(db, clip_id)] == [
            ("both", "kasr_bottom", 1.2)]


def test_a_failure_after_a_result_clears_its_metrics(store: Store) -> None:
    clip_id = _clip(store)
    with store.session() as db:
        repo.record_result(db, clip_id, screen("single-leg-squat", {"left.fppa_peak_deg": 1.0}))
    with store.session() as db:
        repo.record_result(db, clip_id, None, "clip.mp4: not a video file.")
    assert _count(store, Metric) == 0
    with store.session() as db:
        stored = repo.clip_result(db, clip_id)
        assert (stored.status, stored.error, stored.result) == (
            "failed", "clip.mp4: not a video file.", None)
        clip = db.get(Clip, clip_id)
        assert (clip.status, clip.error) == ("failed", "clip.mp4: not a video file.")


def test_clip_status_must_be_known(store: Store) -> None:
    clip_id = _clip(store)
    with pytest.raises(ValueError, match="status"), store.session() as db:
        repo.set_clip_status(db, clip_id, "lost")


def test_plans_are_keyed_by_their_inputs(store: Store) -> None:
    _clip(store)
    plan = recommend(results_for(PASSING), AthleteFacts(), load_rules())
    with store.session() as db:
        athlete = repo.list_athletes(db)[0]
        a = repo.save_plan(db, athlete.id, "inputs-1", plan)
        b = repo.save_plan(db, athlete.id, "inputs-1", plan)
        repo.save_plan(db, athlete.id, "inputs-2", plan)
        assert a.id == b.id and a.phase == plan.phase == 4
        assert [p.source_key for p in repo.athlete_plans(db, athlete.id)] == ["inputs-1",
                                                                             "inputs-2"]
    assert _count(store, PlanRecord) == 2


def test_an_unusable_url_is_a_clear_error(tmp_path: Path) -> None:
    from movescreen.errors import MovescreenError

    with pytest.raises(MovescreenError, match="database URL"):
        open_store("nosuchdriver://x/y")
