"""Batch jobs without inference: folder convention, manifest, content keys, summary rows."""

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from results_factory import error_flag, screen

from movescreen import __version__
from movescreen.batch.jobs import (
    UNNAMED,
    Settings,
    collect,
    find_clips,
    job_key,
    make_jobs,
    read_manifest,
)
from movescreen.batch.summary import (
    FIXED,
    SUMMARY_CSV,
    SUMMARY_PARQUET,
    ClipRow,
    leg_rows,
    write_summary,
)
from movescreen.errors import MovescreenError
from movescreen.rules.athlete import AthleteFacts

SETTINGS = Settings(model_sha256="m" * 64)


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folder_convention_names_athlete_date_and_test(tmp_path: Path) -> None:
    _touch(tmp_path / "ann" / "squat" / "a.mp4", b"1")
    _touch(tmp_path / "ann" / "2026-03-01" / "single-leg-squat" / "b.MOV", b"2")
    _touch(tmp_path / "team" / "bob" / "drop-landing" / "c.mkv", b"3")
    _touch(tmp_path / "loose.webm", b"4")
    _touch(tmp_path / "ann" / "squat" / "notes.txt", b"5")  # not a video: not a job
    _touch(tmp_path / "ann" / "squat" / ".hidden.mp4", b"6")
    got = {s.path.name: (s.athlete, s.date, s.test) for s in find_clips([tmp_path])}
    assert got == {"a.mp4": ("ann", "", "squat"),
                   "b.MOV": ("ann", "2026-03-01", "single-leg-squat"),
                   "c.mkv": ("bob", "", "drop-landing"),
                   "loose.webm": (UNNAMED, "", None)}


def test_a_file_given_by_name_is_a_job_whatever_its_suffix(tmp_path: Path) -> None:
    f = _touch(tmp_path / "clip.bin")
    assert [s.path for s in find_clips([f])] == [f]
    with pytest.raises(MovescreenError, match="no such file"):
        find_clips([tmp_path / "nope.mp4"])


def test_manifest_rows_give_every_field_and_win_over_folders(tmp_path: Path) -> None:
    clip = _touch(tmp_path / "clips" / "squat" / "a.mp4", b"1")
    _touch(tmp_path / "clips" / "squat" / "b.mp4", b"2")
    m = tmp_path / "m.csv"
    m.write_text("path,athlete,test,leg,date,sex,age,goal,pain\n"
                 "clips/squat/a.mp4,Ann,single-leg-squat,Left,2026-03-01,female,31,running,2\n")
    specs = {s.path.name: s for s in collect([tmp_path / "clips"], m)}
    a, b = specs["a.mp4"], specs["b.mp4"]
    assert (a.path, a.athlete, a.test, a.leg, a.date) == (
        clip, "Ann", "single-leg-squat", "left", "2026-03-01")
    assert a.facts == AthleteFacts(sex="female", age=31, goal="running", pain=2)
    assert (b.athlete, b.test, b.facts) == (UNNAMED, "squat", None)


@pytest.mark.parametrize(("text", "message"), [
    ("file,athlete\na.mp4,Ann\n", "'path' column"),
    ("path,colour\na.mp4,red\n", "unknown manifest column"),
    ("path,leg\na.mp4,middle\n", "leg must be"),
    ("path,date\na.mp4,1/3/2026\n", "YYYY-MM-DD"),
    ("path,age\na.mp4,300\n", "invalid athlete facts"),
])
def test_bad_manifests_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    m = tmp_path / "m.csv"
    m.write_text(text)
    with pytest.raises(MovescreenError, match=message):
        read_manifest(m)


def test_no_clips_and_no_test_are_errors(tmp_path: Path) -> None:
    with pytest.raises(MovescreenError, match="No clips found"):
        collect([tmp_path], None)
    clip = _touch(tmp_path / "a.mp4")
    with pytest.raises(MovescreenError, match="which test"):
        make_jobs(collect([clip], None), SETTINGS, tmp_path / "out")
    with pytest.raises(MovescreenError, match="unknown test"):
        make_jobs(collect([clip], None), replace(SETTINGS, test="plank"), tmp_path / "out")


def test_the_key_follows_content_test_settings_model_and_version(tmp_path: Path) -> None:
    base = job_key("c" * 64, "squat", None, SETTINGS)
    assert base == job_key("c" * 64, "squat", None, SETTINGS)
    variants = [job_key("d" * 64, "squat", None, SETTINGS),
                job_key("c" * 64, "single-leg-squat", None, SETTINGS),
                job_key("c" * 64, "squat", "left", SETTINGS),
                job_key("c" * 64, "squat", None, replace(SETTINGS, fast=True)),
                job_key("c" * 64, "squat", None, replace(SETTINGS, model_sha256="n" * 64))]
    assert len({base, *variants}) == 6
    assert __version__  # the version is part of the key (see job_key)


def test_jobs_are_keyed_by_content_not_by_name(tmp_path: Path) -> None:
    a = _touch(tmp_path / "x" / "squat" / "a.mp4", b"same")
    b = _touch(tmp_path / "y" / "squat" / "a.mp4", b"same")
    c = _touch(tmp_path / "y" / "squat" / "c.mp4", b"other")
    jobs = make_jobs(collect([a, b, c], None), replace(SETTINGS, test="squat"), tmp_path / "o")
    assert len(jobs) == 2  # a and b are the same bytes: one job
    assert len({j.out for j in jobs}) == 2
    assert all(j.out.parent == tmp_path / "o" / "clips" / UNNAMED for j in jobs)
    assert jobs[0].out.name == f"a-{jobs[0].key[:10]}"


def test_summary_rows_per_leg_with_flags_and_failures(tmp_path: Path) -> None:
    sls = screen("single-leg-squat", {"left.fppa_peak_deg": 12.5, "right.fppa_peak_deg": 3.0},
                 flags=[error_flag()])
    squat = screen("squat", {"kasr_bottom": 1.2}, sides=[])
    rows = [*leg_rows(ClipRow("Bob", "", "single-leg-squat", "b.mp4", "k2" * 32, sls)),
            *leg_rows(ClipRow("Ann", "2026-03-01", "squat", "a.mp4", "k1" * 32, squat)),
            *leg_rows(ClipRow("Ann", "", "squat", "bad.mp4", "k3" * 32, None,
                              "bad.mp4: not a video file."))]
    paths = write_summary(tmp_path, list(reversed(rows)))
    with open(paths["csv"], newline="") as fh:
        got = list(csv.DictReader(fh))
    assert list(got[0])[:len(FIXED)] == list(FIXED)
    assert [(r["athlete"], r["clip"], r["leg"], r["status"]) for r in got] == [
        ("Ann", "bad.mp4", "", "failed"), ("Ann", "a.mp4", "both", "done"),
        ("Bob", "b.mp4", "left", "done"), ("Bob", "b.mp4", "right", "done")]
    assert got[0]["error"] == "bad.mp4: not a video file."
    assert got[1]["kasr_bottom"] == "1.2" and got[1]["fppa_peak_deg"] == ""
    assert (got[2]["fppa_peak_deg"], got[3]["fppa_peak_deg"]) == ("12.5", "3")
    assert got[2]["flags"] == "view" and got[2]["reps_used"] == "5"
    assert paths["csv"] == tmp_path / SUMMARY_CSV


def test_parquet_holds_the_same_rows_with_numeric_types(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    sls = screen("single-leg-squat", {"left.fppa_peak_deg": 12.5})
    paths = write_summary(tmp_path, leg_rows(ClipRow("Ann", "", "single-leg-squat", "a.mp4",
                                                     "k" * 64, sls)))
    assert paths["parquet"] == tmp_path / SUMMARY_PARQUET
    table = pq.read_table(paths["parquet"]).to_pylist()
    assert [(r["leg"], r["fppa_peak_deg"], r["reps_used"]) for r in table] == [
        ("left", 12.5, 5), ("right", None, 5)]
