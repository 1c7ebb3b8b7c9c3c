"""The front door: the committed sample clip through the Python API, the CLI and rescreen.

These run on a fresh clone with no environment variable set (the clip is in sample_videos/).
"""

import doctest
import itertools
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import movescreen
from movescreen import api
from movescreen.cli import app
from movescreen.results import ScreenResult
from movescreen.service import clip_folders

# What the sample clip shows (counted on a contact sheet): 5 frontal bodyweight-goblet squats,
# both feet down, the deepest points near 1.1, 3.5, 6.0, 8.5 and 11.1 s.
SAMPLE_REPS = 5
SAMPLE_BOTTOMS_S = (1.1, 3.5, 6.0, 8.5, 11.1)


@pytest.fixture(scope="module")
def api_run(sample_clip, tmp_path_factory):
    """movescreen.analyze on the sample clip (default symmetric inference), outputs written."""
    out = tmp_path_factory.mktemp("api") / "sample"
    calls: list[tuple[int, int | None]] = []
    result = movescreen.analyze(sample_clip, test="squat", out=out,
                                progress=lambda done, total: calls.append((done, total)))
    return result, out, calls


def test_api_result_matches_the_clip(api_run):
    result, out, calls = api_run
    # the progress callback counted up to every frame of the clip
    assert calls[0][0] == 0 and calls[-1][0] == result.clip.n_frames
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))
    assert isinstance(result, movescreen.ScreenResult)
    assert result.test == "squat" and result.view.view == "frontal"
    assert len(result.reps) == SAMPLE_REPS
    bottoms = sorted(r.t_bottom for r in result.reps)
    assert bottoms == pytest.approx(SAMPLE_BOTTOMS_S, abs=0.35)
    assert all(r.leg == "both" and not r.excluded for r in result.reps)
    assert {p.name for p in out.iterdir()} >= {"results.json", "frames.csv", "pose.npz"}
    saved = ScreenResult.from_json((out / "results.json").read_text())
    assert saved.model_dump() == result.model_dump()


def test_rescreen_reproduces_analyze_without_the_video(api_run, tmp_path):
    result, out, _ = api_run
    again = movescreen.rescreen(out / "pose.npz", test="squat")
    # the same numbers, to the last digit (only the creation time differs)
    assert again.model_dump(exclude={"created"}) == result.model_dump(exclude={"created"})
    # a clinician's rep windows replace the detected ones
    two = movescreen.rescreen(movescreen.PoseSequence.load(out / "pose.npz"), test="squat",
                              reps=[(0.2, 2.3), (2.6, 4.8)])
    assert len(two.reps) == 2
    assert two.reps[0].t_bottom == pytest.approx(SAMPLE_BOTTOMS_S[0], abs=0.35)


def test_rescreen_command_writes_into_the_pose_folder(api_run, tmp_path):
    _, out, _ = api_run
    target = tmp_path / "corrected"
    res = CliRunner().invoke(app, ["rescreen", str(out), "--test", "squat", "--reps",
                                   "0.2-2.3,2.6-4.8,5.0-7.3", "--out", str(target)],
                             env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "reps found: 3" in res.output
    assert len(ScreenResult.from_json((target / "results.json").read_text()).reps) == 3


def test_rescreen_bad_pose_file_is_one_sentence(tmp_path):
    bad = tmp_path / "pose.npz"
    bad.write_text("not numpy")
    for path in (bad, tmp_path / "missing.npz"):
        res = CliRunner().invoke(app, ["rescreen", str(path), "--test", "squat"])
        assert res.exit_code == 1 and res.output.startswith("error:"), res.output
        assert "Traceback" not in res.output


def test_cli_on_the_sample_fits_80_columns(sample_clip, tmp_path):
    out = tmp_path / "cli"
    res = CliRunner().invoke(app, ["analyze", str(sample_clip), "--test", "squat", "--fast",
                                   "--out", str(out)], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "reps found: 5" in res.output
    lines = res.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    # no column squeezed to one character per line: every rep is one row of the reps table
    rep_rows = [line for line in lines if line.strip().startswith(("1 ", "2 ", "3 ", "4 ", "5 "))
                and "both" in line]
    assert len(rep_rows) == SAMPLE_REPS


def test_cli_json_keeps_stdout_clean(sample_clip, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "movescreen", "analyze", str(sample_clip), "--test", "squat",
         "--fast", "--json", "--out", str(tmp_path / "j")],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["test"] == "squat"  # stdout holds the JSON and nothing else
    assert "reps found: 5" in proc.stderr


def test_docstring_example_runs(monkeypatch, sample_clip):
    monkeypatch.chdir(sample_clip.parent.parent)  # the example uses the repository's path
    failures, tried = doctest.testmod(api, verbose=False)
    assert tried >= 3 and failures == 0


def test_help_and_version_do_not_load_the_heavy_parts():
    code = ("import sys; from typer.testing import CliRunner; from movescreen.cli import app; "
            "r = CliRunner().invoke(app, ['--version']); print(r.output.strip()); "
            "print(sorted(m for m in ('mediapipe', 'scipy', 'cv2', 'av') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == movescreen.__version__
    assert out[1] == "[]"


def test_public_api_names():
    for name in movescreen.__all__:
        assert getattr(movescreen, name) is not None
    with pytest.raises(AttributeError):
        _ = movescreen.no_such_name


def test_clips_with_the_same_name_get_their_own_folders(tmp_path):
    clips = [tmp_path / "a" / "trial.mp4", tmp_path / "b" / "trial.mp4", tmp_path / "x.mov",
             tmp_path / "c" / "trial.mov"]
    names = [p.name for p in clip_folders(clips, tmp_path / "out")]
    assert names == ["trial", "trial-2", "x", "trial-3"]


def test_rescreen_marks_against_the_rules_given(api_run, tmp_path):
    """rescreen's summary uses --rules (and --sex) as analyze does: a stricter KASR target in
    a copy of the bundled rules turns the sample's 'ok' into 'not met'."""
    from importlib import resources

    _, out, _ = api_run
    bundled = resources.files("movescreen.rules").joinpath("default_rules.toml").read_text()
    head, tail = bundled.split("[thresholds.squat_kasr]", 1)
    strict = tmp_path / "strict.toml"
    strict.write_text(head + "[thresholds.squat_kasr]" + tail.replace("value = 1.0",
                                                                      "value = 1.5", 1))

    def separation_line(*extra: str) -> str:
        res = CliRunner().invoke(app, ["rescreen", str(out), "--test", "squat", "--out",
                                       str(tmp_path / "again"), "--sex", "female", *extra],
                                 env={"COLUMNS": "100"})
        assert res.exit_code == 0, res.output
        (line,) = [ln for ln in res.output.splitlines() if "Knee/ankle separation" in ln]
        return line

    assert separation_line().rstrip().endswith("ok")
    assert separation_line("--rules", str(strict)).rstrip().endswith("not met")
    res = CliRunner().invoke(app, ["rescreen", str(out), "--test", "squat", "--rules",
                                   str(tmp_path / "missing.toml")])
    assert res.exit_code == 1 and "no such rules file" in res.output
