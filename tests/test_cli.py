"""The command line: bad input gives one clear sentence, a non-zero exit, no traceback, no files."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from media import bad_inputs
from movescreen.cli import app
from movescreen.pose import models

EXPECTED = {
    "missing": "no such file",
    "folder": "is a folder",
    "empty": "is empty (0 bytes)",
    "text": "could not be read as a video",
    "image": "is a still image",
    "truncated_head": "truncated",
    "truncated_tail": "could not be read as a video",
    "audio_only": "has no video stream (audio only)",
    "no_person": "no person was found",
}


@pytest.fixture(scope="module")
def bad(tmp_path_factory, sample_clip):
    return bad_inputs(tmp_path_factory.mktemp("bad"), sample_clip)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_bad_input_is_one_clear_sentence(bad, tmp_path, kind):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(bad[kind]), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert EXPECTED[kind] in " ".join(result.output.split())
    assert result.output.startswith("error:")
    assert "Traceback" not in result.output
    assert not out.exists()  # nothing half-written


def test_real_process_prints_no_traceback(bad, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "movescreen", "analyze", str(bad["text"]), "--out",
         str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "could not be read as a video" in proc.stdout + proc.stderr


@pytest.mark.parametrize("args", [["--standing", "abc"], ["--reps", "3-1"]])
def test_bad_option_values(bad, args):
    result = CliRunner().invoke(app, ["analyze", str(bad["no_person"]), *args])
    assert result.exit_code == 1 and result.output.startswith("error:")


def test_models_lists_and_verifies(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVESCREEN_CACHE_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["models"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    for variant in ("full", "heavy"):
        assert any(f"bundled {variant}" in ln and "verified" in ln for ln in lines), result.output
    assert f"default: bundled {models.DEFAULT_MODEL}" in result.output
    assert "not present" in result.output  # the official variants are not downloaded here


def test_workers_must_be_at_least_one(bad):
    result = CliRunner().invoke(app, ["analyze", str(bad["no_person"]), "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output


@pytest.mark.parametrize(("command", "shown"), [
    (["analyze"], ("[default: auto]", "[default: every CPU]", "[default: movescreen_results")),
    (["rescreen"], ("[default: auto]", "[default: the pose file's folder")),
    (["report"], ("[default: the first results' folder]",)),
])
def test_help_shows_the_defaults_written_in_brackets(command, shown):
    """Help texts say '[default: ...]'; unescaped, rich would take that for markup and drop it."""
    res = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "250"})
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    for s in shown:
        assert s in text, s
