"""Resuming from the output folders alone (no pose inference): finished clips are never
recomputed, the database is rebuilt from the folders without duplicates, plans per athlete."""

import csv
import json
from pathlib import Path

from results_factory import PASSING, screen
from sqlalchemy import func, select

from movescreen.atomic import atomic_write_text
from movescreen.batch.jobs import Settings, collect, make_jobs, with_model_hash
from movescreen.batch.run import BatchRequest, run_batch
from movescreen.batch.runner import ERROR
from movescreen.combine import combine
from movescreen.outputs import RESULTS
from movescreen.rules.athlete import AthleteFacts
from movescreen.rules.loader import load_rules
from movescreen.rules.planner import recommend
from movescreen.store import open_store
from movescreen.store.models import Athlete, Clip, ClipResult, Metric, PlanRecord

SETTINGS = Settings(fast=True)
SLS = {k.split(".", 1)[1]: v for k, v in PASSING.items() if k.startswith("sls.")}


def _finished_batch(tmp_path: Path) -> tuple[Path, Path, list]:
    """Input clips and an output folder whose clips an earlier run already finished."""
    inp, out = tmp_path / "in", tmp_path / "out"
    for rel in ("ann/single-leg-squat/l1.mp4", "ann/single-leg-squat/l2.mp4",
                "bob/single-leg-squat/b1.mp4", "bob/squat/broken.mp4"):
        (inp / rel).parent.mkdir(parents=True, exist_ok=True)
        (inp / rel).write_bytes(rel.encode())  # distinct bytes: distinct keys
    jobs = make_jobs(collect([inp], None), with_model_hash(SETTINGS), out)
    for job in jobs:
        if job.spec.path.name == "broken.mp4":
            atomic_write_text(job.out / ERROR, json.dumps(
                {"key": job.key, "error": f"{job.spec.path}: could not be read as a video."}))
        else:
            atomic_write_text(job.out / RESULTS, screen("single-leg-squat", SLS,
                                                       name=job.spec.path.stem).to_json())
    return inp, out, jobs


def _counts(url: str) -> dict[str, int]:
    store = open_store(url)
    with store.session() as db:
        got = {m.__tablename__: db.scalar(select(func.count()).select_from(m))
               for m in (Athlete, Clip, ClipResult, Metric, PlanRecord)}
    store.close()
    return got


def test_finished_folders_are_skipped_and_recorded_once(tmp_path: Path) -> None:
    inp, out, jobs = _finished_batch(tmp_path)
    stamps = {j.key: (j.out / RESULTS).stat().st_mtime_ns for j in jobs
              if (j.out / RESULTS).exists()}
    req = BatchRequest(inputs=(inp,), out=out, settings=SETTINGS, recommend=True)
    first = run_batch(req)
    assert (first.clips, first.computed, first.skipped) == (4, 0, 4)
    assert [label for label, _ in first.failures] == ["bob/squat/broken.mp4"]
    url = str(out / "movescreen.db")
    n_metrics = 3 * sum(len(leg.metrics) for leg in screen("single-leg-squat", SLS).legs.values())
    expected = {"athletes": 2, "clips": 4, "results": 4, "metrics": n_metrics, "plans": 2}
    assert _counts(url) == expected
    again = run_batch(req)
    assert (again.computed, again.skipped) == (0, 4)
    assert _counts(url) == expected  # a re-run never duplicates a row
    assert {j.key: (j.out / RESULTS).stat().st_mtime_ns for j in jobs
            if (j.out / RESULTS).exists()} == stamps
    plan = json.loads((out / "athletes" / "ann" / "plan.json").read_text())
    ann = [screen("single-leg-squat", SLS, name=n) for n in ("l1", "l2")]
    assert plan["phase"] == recommend([combine(ann)], AthleteFacts(), load_rules()).phase
    assert len(plan["inputs"]) == 1  # ann's two clips of one test, combined into one result
    assert (out / "athletes" / "ann" / f"single-leg-squat.{RESULTS}").is_file()
    with open(out / "summary.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["athlete"], r["clip"], r["leg"], r["status"]) for r in rows] == [
        ("ann", "l1.mp4", "left", "done"), ("ann", "l1.mp4", "right", "done"),
        ("ann", "l2.mp4", "left", "done"), ("ann", "l2.mp4", "right", "done"),
        ("bob", "b1.mp4", "left", "done"), ("bob", "b1.mp4", "right", "done"),
        ("bob", "broken.mp4", "", "failed")]
    assert {r["fppa_peak_deg"] for r in rows if r["status"] == "done"} == {"5"}


def test_retry_failed_runs_a_failed_clip_again(tmp_path: Path) -> None:
    inp, out, jobs = _finished_batch(tmp_path)
    broken = next(j for j in jobs if j.spec.path.name == "broken.mp4")
    before = (broken.out / ERROR).stat().st_mtime_ns
    outcome = run_batch(BatchRequest(inputs=(inp,), out=out, settings=SETTINGS, workers=1,
                                     retry_failed=True))
    assert (outcome.computed, outcome.skipped) == (1, 3)
    assert "could not be read as a video" in outcome.failures[0][1]
    assert (broken.out / ERROR).stat().st_mtime_ns > before
    store = open_store(str(out / "movescreen.db"))
    with store.session() as db:
        clip = db.scalars(select(Clip).filter_by(job_key=broken.key)).one()
        assert (clip.status, clip.error) == ("failed", outcome.failures[0][1])
    store.close()
