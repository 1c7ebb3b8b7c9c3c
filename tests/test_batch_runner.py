"""The clip runners on files that fail fast (no pose inference): outcomes, error.json, options."""

import json
import sys
from pathlib import Path

import pytest

from movescreen.batch.runner import ERROR, ClipTask, LocalRunner, make_runner
from movescreen.errors import MovescreenError
from movescreen.pipeline import Request


def test_a_local_pool_reports_every_bad_clip_and_records_its_error(tmp_path: Path) -> None:
    tasks = []
    for i in range(3):
        clip = tmp_path / f"bad{i}.mp4"
        clip.write_text("not a video\n")
        tasks.append(ClipTask(f"key{i}", Request(clip=clip, test="squat"), tmp_path / f"o{i}"))
    submitted = []
    outcomes = list(LocalRunner(2).run(iter(tasks), on_submit=lambda t: submitted.append(t.key)))
    assert sorted(o.key for o in outcomes) == sorted(submitted) == ["key0", "key1", "key2"]
    for o in outcomes:
        assert not o.ok and o.final and o.frames == 0 and o.worker_pid > 0
        assert "could not be read as a video" in o.error
        saved = json.loads((tmp_path / f"o{o.key[-1]}" / ERROR).read_text())
        assert saved == {"key": o.key, "error": o.error}


def test_runner_options_are_checked() -> None:
    with pytest.raises(MovescreenError, match="at least 1"):
        LocalRunner(0)
    with pytest.raises(MovescreenError, match="--address is for --engine ray"):
        make_runner("local", 1, "auto")


def test_a_missing_ray_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(MovescreenError, match=r'pip install "movescreen\[ray\]"'):
        make_runner("ray", 2)
