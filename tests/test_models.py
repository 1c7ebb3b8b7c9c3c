"""Model bundles: the committed bundle verifies, a damaged one is refused, downloads are pinned."""

import functools
import hashlib
import http.server
import shutil
import threading

import pytest

from movescreen.errors import MovescreenError
from movescreen.pose import models


def test_bundled_model_verifies():
    bundle = models.resolve_model()
    assert bundle.sha256 == models.BUNDLED_SHA256
    assert bundle.path.stat().st_size > 9_000_000
    rows = {r.name: r for r in models.list_models()}
    assert rows["bundled full"].ok and rows["bundled full"].detail == "verified"


def test_tampered_bundle_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / models.BUNDLED_NAME
    shutil.copy(models.bundled_model_path(), bad)
    with open(bad, "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00\x01\x02")
    monkeypatch.setattr(models, "bundled_model_path", lambda: bad)
    with pytest.raises(MovescreenError, match="damaged or was replaced"):
        models.resolve_model()


def test_model_path_and_missing_variant(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVESCREEN_CACHE_DIR", str(tmp_path))
    with pytest.raises(MovescreenError, match="movescreen models download heavy"):
        models.resolve_model("heavy")
    with pytest.raises(MovescreenError, match="no such file"):
        models.resolve_model(tmp_path / "nope.task")
    own = models.resolve_model(models.bundled_model_path())
    assert own.source == "file" and own.sha256 == models.BUNDLED_SHA256


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
