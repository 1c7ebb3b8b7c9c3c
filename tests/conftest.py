"""Shared fixtures: the committed sample clip, the development clips and cached analyses.

The development clips (MOVESCREEN_TEST_VIDEOS) are not in the repository. Without them the
tests that need them are skipped on a developer's machine, so `pytest` on a fresh clone
passes; with CI=true a missing or empty folder stops the run before any test (never a silent
skip in CI).
"""

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/synthetic.py, tests/media.py


REPO = Path(__file__).resolve().parent.parent
SAMPLE_CLIP = REPO / "sample_videos" / "squat_frontal_goblet.mp4"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _dev_clips_problem() -> str | None:
    env = os.environ.get("MOVESCREEN_TEST_VIDEOS", "").strip()
    if not env:
        return "MOVESCREEN_TEST_VIDEOS is not set"
    folder = Path(env)
    if not (folder / "manifest.json").is_file():
        return f"MOVESCREEN_TEST_VIDEOS={folder} has no manifest.json"
    if not any(folder.glob("*.mp4")):
        return f"MOVESCREEN_TEST_VIDEOS={folder} holds no clips"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clips: needs the real clips in MOVESCREEN_TEST_VIDEOS")
    problem = _dev_clips_problem()
    if problem and in_ci():
        raise pytest.UsageError(f"CI=true but {problem}: the development clip tests must run "
                                "in CI (point it at ../shared/videos).")


def pytest_report_header(config: pytest.Config) -> str:
    problem = _dev_clips_problem()
    return ("development clips: " + (f"skipped ({problem})" if problem else
                                     os.environ["MOVESCREEN_TEST_VIDEOS"]))


@pytest.fixture(scope="session")
def sample_clip() -> Path:
    """The CC0 sample clip committed in sample_videos/ (5 frontal squats)."""
    assert SAMPLE_CLIP.is_file(), SAMPLE_CLIP
    return SAMPLE_CLIP


@pytest.fixture(scope="session")
def videos() -> Path:
    """The development clip folder; skipped without it locally, never in CI."""
    problem = _dev_clips_problem()
    if problem:
        if in_ci():  # pytest_configure already stopped the run; belt and braces
            pytest.fail(problem)
        pytest.skip(f"{problem}; set it to the development clips to run this test")
    return Path(os.environ["MOVESCREEN_TEST_VIDEOS"].strip())


@pytest.fixture(scope="session")
def manifest(videos: Path) -> dict[str, dict]:
    return {e["file"]: e for e in json.loads((videos / "manifest.json").read_text())}


@pytest.fixture(scope="session")
def pose_cache(tmp_path_factory: pytest.TempPathFactory):
    """Estimate each clip's pose once per test session."""
    from movescreen.pose import estimate_pose

    cache: dict[Path, object] = {}

    def get(path: Path):
        if path not in cache:
            cache[path] = estimate_pose(path)
        return cache[path]

    return get


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of our own (initdb/pg_ctl in a temporary folder) for the whole
    session; yields its base URL (add a database with pgserver.new_database)."""
    from pgserver import pg_bin, postgres_server

    if pg_bin() is None:
        if in_ci():
            pytest.fail("CI needs the PostgreSQL server binaries (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with postgres_server() as url:
        yield url
