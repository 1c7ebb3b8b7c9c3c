"""`movescreen batch` end to end on short clips cut from the committed sample clip.

A real batch process is killed with SIGKILL mid-run and re-run: finished clips are not redone
and the summary and database equal an uninterrupted run's. Corrupt files are reported and do
not stop the batch; PostgreSQL holds exactly one row per clip, leg and metric after a re-run;
the Ray engine gives the local engine's results.
"""

import csv
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import in_ci
from sqlalchemy import select

from media import cut_clip
from movescreen.store import open_store
from movescreen.store.models import Athlete, Clip, ClipResult, Metric, ScreenSession

REPO = Path(__file__).resolve().parent.parent
# three distinct squat clips (each with its standing start and reps) and two bad files
CUTS = {"ann/squat/a1.mp4": (0.0, 5.0), "ann/squat/a2.mp4": (4.0, 9.0),
        "bob/squat/b1.mp4": (7.0, 12.2)}
ARGS = ["--fast"]


def _batch(inputs: Path, out: Path, *extra: str, wait: bool = True
           ) -> subprocess.CompletedProcess | subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO / "src"), os.environ.get("PYTHONPATH", "")]), "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "movescreen", "batch", str(inputs), "--out", str(out),
           *ARGS, *extra]
    if not wait:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def inputs(sample_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("batch-in")
    for rel, (a, b) in CUTS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        cut_clip(sample_clip, root / rel, a, b, width=480)
    (root / "bob" / "squat" / "corrupt.mp4").write_bytes(sample_clip.read_bytes()[:40_000])
    (root / "bob" / "squat" / "text.mp4").write_text("this is not a video\n")
    return root


@pytest.fixture(scope="module")
def reference(inputs: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, subprocess.CompletedProcess]:
    """An uninterrupted run with two workers."""
    out = tmp_path_factory.mktemp("batch-ref")
    return out, _batch(inputs, out, "--workers", "2")


def db_content(url: str) -> dict[str, list]:
    """Everything the batch stored, without ids, times and machine paths."""
    store = open_store(url)
    with store.session() as db:
        rows = db.execute(select(Athlete.name, ScreenSession.test, ScreenSession.date,
                                 Clip.job_key, Clip.sha256, Clip.leg, Clip.status, Clip.error)
                          .join(ScreenSession, ScreenSession.athlete_id == Athlete.id)
                          .join(Clip, Clip.session_id == ScreenSession.id)).all()
        results = db.execute(select(Clip.job_key, ClipResult.status, ClipResult.error,
                                    ClipResult.result)
                             .join(ClipResult, ClipResult.clip_id == Clip.id)).all()
        metrics = db.execute(select(Clip.job_key, Metric.leg, Metric.metric, Metric.median,
                                    Metric.worst, Metric.n_reps)
                             .join(Metric, Metric.clip_id == Clip.id)).all()
    store.close()

    def strip(r: dict | None) -> dict | None:
        if r is None:
            return None
        r = {k: v for k, v in r.items() if k != "created"}
        r["clip"] = {k: v for k, v in r["clip"].items() if k != "file"}
        return r

    return {"clips": sorted(map(tuple, rows)),
            "results": sorted((k, s, e, json.dumps(strip(r), sort_keys=True))
                              for k, s, e, r in results),
            "metrics": sorted(map(tuple, metrics))}


def _finished(out: Path) -> list[Path]:
    return sorted(out.glob("clips/*/*/results.json"))


def test_an_uninterrupted_batch_reports_bad_files_and_goes_on(reference) -> None:
    out, run = reference
    assert run.returncode == 1, run.stdout + run.stderr  # two clips failed
    assert len(_finished(out)) == 3
    with open(out / "summary.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    failed = {r["clip"]: r["error"] for r in rows if r["status"] == "failed"}
    assert set(failed) == {"corrupt.mp4", "text.mp4"}
    assert "is truncated" in failed["corrupt.mp4"], failed
    assert "could not be read as a video" in failed["text.mp4"], failed
    done = {(r["athlete"], r["clip"], r["leg"]) for r in rows if r["status"] == "done"}
    # a squat result: each leg's metrics (FPPA ...) and the bilateral ones (depth, KASR ...)
    assert done == {(a, c, leg) for a, c in (("ann", "a1.mp4"), ("ann", "a2.mp4"),
                                             ("bob", "b1.mp4"))
                    for leg in ("left", "right", "both")}, done
    assert "2 failed" in run.stderr
    assert (out / "summary.parquet").is_file()
    content = db_content(str(out / "movescreen.db"))
    assert [c[6] for c in content["clips"]].count("done") == 3
    assert [c[6] for c in content["clips"]].count("failed") == 2


def test_a_killed_batch_resumes_without_redoing_finished_clips(inputs: Path, reference,
                                                               tmp_path: Path) -> None:
    ref_out, _ = reference
    out = tmp_path / "out"
    proc = _batch(inputs, out, "--workers", "1", wait=False)
    deadline = time.monotonic() + 300
    while not _finished(out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its worker, mid-run
    proc.wait()
    done_before = _finished(out)
    assert 1 <= len(done_before) < 3, "kill the batch after its first clip, before the last"
    stamps = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in done_before}

    again = _batch(inputs, out, "--workers", "1")
    assert again.returncode == 1, again.stdout + again.stderr
    assert f"skipped {len(done_before)} finished clip(s)" in again.stderr
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in done_before} == stamps
    assert len(_finished(out)) == 3
    assert (out / "summary.csv").read_text() == (ref_out / "summary.csv").read_text()
    assert db_content(str(out / "movescreen.db")) == db_content(str(ref_out / "movescreen.db"))

    third = _batch(inputs, out, "--workers", "1")  # nothing left: everything is skipped
    assert "skipped 5 finished clip(s)" in third.stderr
    assert (out / "summary.csv").read_text() == (ref_out / "summary.csv").read_text()


def test_postgresql_holds_one_row_per_clip_leg_and_metric_after_reruns(
        inputs: Path, reference, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from pgserver import new_database

    ref_out, _ = reference
    url = new_database(request.getfixturevalue("postgres"))
    out = tmp_path / "out"
    for _ in range(2):
        _batch(inputs, out, "--workers", "2", "--db", url)
    assert not (out / "movescreen.db").exists()
    content = db_content(url)
    assert content == db_content(str(ref_out / "movescreen.db"))
    keys = [m[:3] for m in content["metrics"]]
    assert len(keys) == len(set(keys)) > 0
    assert len(content["results"]) == len({r[0] for r in content["results"]}) == 5


def test_ray_gives_the_local_engines_results(inputs: Path, reference, tmp_path: Path) -> None:
    if importlib.util.find_spec("ray") is None:
        if in_ci():
            pytest.fail("CI installs the dev extra, which includes Ray")
        pytest.skip('Ray is not installed (pip install "movescreen[ray]")')
    ref_out, _ = reference
    out = tmp_path / "out"
    run = _batch(inputs, out, "--engine", "ray", "--workers", "2")
    assert run.returncode == 1, run.stdout + run.stderr
    assert (out / "summary.csv").read_text() == (ref_out / "summary.csv").read_text()
    assert db_content(str(out / "movescreen.db")) == db_content(str(ref_out / "movescreen.db"))
