"""Model bundles: the committed bundle verifies, a damaged one is refused, downloads are pinned."""

import functools
import hashlib
import http.server
import shutil
import threading
import tomllib

import pytest

from movescreen.errors import MovescreenError
from movescreen.pose import models


def test_bundled_models_verify(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVESCREEN_CACHE_DIR", str(tmp_path))  # empty cache: nothing downloaded
    default = models.resolve_model()
    assert default.sha256 == models.BUNDLED_SHA256[models.DEFAULT_MODEL]
    full, heavy = models.resolve_model("full"), models.resolve_model("heavy")
    assert (full.source, heavy.source) == ("bundled", "bundled")
    assert full.sha256 == models.BUNDLED_SHA256["full"] and full.path.stat().st_size > 9_000_000
    assert heavy.sha256 == models.BUNDLED_SHA256["heavy"]
    assert heavy.path.stat().st_size > 30_000_000
    assert heavy.name == "blazepose-heavy (bundled)"
    rows = {r.name: r for r in models.list_models()}
    for variant in ("full", "heavy"):
        assert rows[f"bundled {variant}"].ok and rows[f"bundled {variant}"].detail == "verified"


def test_pinned_hashes_agree_with_sums_file_and_wheel():
    root = models.bundled_model_path("full").parent
    sums = dict(line.split()[::-1] for line in (root / "SHA256SUMS").read_text().splitlines())
    assert sums == {models.bundled_name(v): h for v, h in models.BUNDLED_SHA256.items()}
    project = tomllib.loads((root.parent / "pyproject.toml").read_text())
    included = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    # the wheel ships the default (full) model only, keeping the base install under 1 GB;
    # heavy is used from the clone's models/ folder
    assert included == {f"models/{models.bundled_name('full')}":
                        f"movescreen/models/{models.bundled_name('full')}"}
    assert (root / models.bundled_name("heavy")).is_file()


@pytest.mark.parametrize("variant", ["full", "heavy"])
def test_tampered_bundle_is_refused(tmp_path, monkeypatch, variant):
    bad = tmp_path / models.bundled_name(variant)
    shutil.copy(models.bundled_model_path(variant), bad)
    with open(bad, "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00\x01\x02")
    monkeypatch.setattr(models, "bundled_model_path", lambda v=variant: bad)
    with pytest.raises(MovescreenError, match="damaged or was replaced"):
        models.resolve_model(variant)
    assert {r.name: r for r in models.list_models()}[f"bundled {variant}"].detail.startswith(
        "HASH MISMATCH")


def test_missing_bundle_is_explained(monkeypatch):
    monkeypatch.setattr(models, "bundled_model_path", lambda v=None: None)
    with pytest.raises(MovescreenError, match=r"pose_landmarker_heavy\.task is not in this "
                       r"installation.*pip install -e"):
        models.resolve_model("heavy")


def test_model_path_and_missing_variant(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVESCREEN_CACHE_DIR", str(tmp_path))
    with pytest.raises(MovescreenError, match="movescreen models download lite"):
        models.resolve_model("lite")
    with pytest.raises(MovescreenError, match="no such file"):
        models.resolve_model(tmp_path / "nope.task")
    own = models.resolve_model(models.bundled_model_path("heavy"))
    assert own.source == "file" and own.sha256 == models.BUNDLED_SHA256["heavy"]


@pytest.fixture
def served(tmp_path):
    """A loopback HTTP server over a folder (no network beyond this machine)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_download_records_hash_then_enforces_it(tmp_path, monkeypatch, served):
    root, base = served
    monkeypatch.setenv("MOVESCREEN_CACHE_DIR", str(tmp_path / "cache"))
    (root / "lite.task").write_bytes(b"model-bytes-v1")
    got = models.download_model("lite", url=f"{base}/lite.task")
    assert got.sha256 == hashlib.sha256(b"model-bytes-v1").hexdigest()
    assert models.resolve_model("lite").sha256 == got.sha256
    (root / "lite.task").write_bytes(b"model-bytes-CHANGED")
    with pytest.raises(MovescreenError, match="not saved"):
        models.download_model("lite", url=f"{base}/lite.task")
    assert models.resolve_model("lite").sha256 == got.sha256  # the good copy is untouched


def test_download_of_full_must_match_pinned_hash(tmp_path, monkeypatch, served):
    root, base = served
    monkeypatch.setenv("MOVESCREEN_CACHE_DIR", str(tmp_path / "cache"))
    (root / "full.task").write_bytes(b"not the official model")
    with pytest.raises(MovescreenError, match="expected 5134a3aad27a"):
        models.download_model("full", url=f"{base}/full.task")
    assert not (tmp_path / "cache" / "models" / "pose_landmarker_full.task").exists()


def test_download_failure_is_clear(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVESCREEN_CACHE_DIR", str(tmp_path))
    with pytest.raises(MovescreenError, match="Could not download"):
        models.download_model("heavy", url="http://127.0.0.1:9/none.task", timeout=2)
