"""Shared fixtures: the development clips (from MOVESCREEN_TEST_VIDEOS) and cached analyses."""

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/synthetic.py, tests/media.py


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clips: needs the real clips in MOVESCREEN_TEST_VIDEOS")


@pytest.fixture(scope="session")
def videos() -> Path:
    """The clip folder. Clip tests fail (not skip) without it: CI must run them."""
    env = os.environ.get("MOVESCREEN_TEST_VIDEOS")
    if not env:
        pytest.fail("MOVESCREEN_TEST_VIDEOS is not set; point it at the development clips "
                    "(CI uses ../shared/videos).")
    folder = Path(env)
    if not (folder / "manifest.json").is_file():
        pytest.fail(f"MOVESCREEN_TEST_VIDEOS={folder} has no manifest.json")
    return folder


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
