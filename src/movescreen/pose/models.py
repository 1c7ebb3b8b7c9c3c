"""Pose model bundles: the bundled offline models, user files, and Google's official bundles.

Two bundles ship with movescreen, BlazePose GHUM "full" and "heavy" (built by
``models/build_pose_bundle.py``); ``DEFAULT_MODEL`` is the one used when none is named.
Every bundle is checked against a SHA-256 before it is used: the bundled models against the
hashes pinned here, official downloads against the pinned hash (full) or against the hash
recorded in the cache on first download (lite, heavy).
"""

import hashlib
import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from ..atomic import atomic_path, atomic_write_text
from ..errors import MovescreenError
from ..video import file_sha256

BUNDLED_SHA256 = {
    "full": "47d0956f841d74c11c1d1f552a88bd4890dc792f9f171515bad92180700a6f05",
    "heavy": "aab934b7302c61e877cb7e69653cde06020cacb02ddfee36af30f769b3b49a0b",
}
# The model used when none is named. Chosen on the dev clips and hand-marked frames: see the
# README, "Pose models".
DEFAULT_MODEL = "full"
_OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{v}/float16/latest/pose_landmarker_{v}.task"
)
OFFICIAL_PINNED = {
    "full": "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1",
}
VARIANTS = ("lite", "full", "heavy")
_HASHES_FILE = "hashes.json"


@dataclass(frozen=True)
class ModelBundle:
    """A resolved, verified model bundle file."""

    name: str
    path: Path
    sha256: str
    source: str  # "bundled", "official (cache)" or "file"


@dataclass(frozen=True)
class ModelStatus:
    """One row of ``movescreen models``."""

    name: str
    path: Path | None
    source: str
    expected_sha256: str | None
    ok: bool
    detail: str


def cache_dir() -> Path:
    """Where downloaded bundles live (``MOVESCREEN_CACHE_DIR`` overrides the user cache)."""
    env = os.environ.get("MOVESCREEN_CACHE_DIR")
    base = Path(env) if env else Path(platformdirs.user_cache_dir("movescreen"))
    return base / "models"


def bundled_name(variant: str) -> str:
    """File name of a bundled model (``pose_landmarker_<variant>.task``)."""
    return f"pose_landmarker_{variant}.task"


def bundled_model_path(variant: str = DEFAULT_MODEL) -> Path | None:
    """An offline bundle shipped with movescreen (installed package, or a source checkout)."""
    here = Path(__file__).resolve().parent.parent
    name = bundled_name(variant)
    candidates = (
        here / "models" / name,  # installed wheel (force-included)
        here.parent.parent / "models" / name,  # editable install / source checkout
    )
    return next((p for p in candidates if p.is_file()), None)


def _official_path(variant: str) -> Path:
    return cache_dir() / f"pose_landmarker_{variant}.task"


def _recorded_hashes() -> dict[str, str]:
    path = cache_dir() / _HASHES_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _expected_official(variant: str) -> str | None:
    return OFFICIAL_PINNED.get(variant) or _recorded_hashes().get(variant)


def _verify(path: Path, expected: str | None, what: str) -> str:
    digest = file_sha256(path)
    if expected is not None and digest != expected:
        raise MovescreenError(
            f"{what} at {path} has SHA-256 {digest[:12]}…, expected {expected[:12]}…; the file "
            "is damaged or was replaced. Reinstall movescreen, or download it again with "
            "`movescreen models download`."
        )
    return digest


def resolve_model(spec: str | Path | None = None) -> ModelBundle:
    """Find and verify a bundle: None = the default bundled model; 'full'/'heavy' = that
    bundled model (offline); 'lite' = the official bundle in the cache; anything else = a path
    to a ``.task`` file (an official full or heavy download is used by its path)."""
    variant = DEFAULT_MODEL if spec is None else str(spec)
    if variant in BUNDLED_SHA256:
        path = bundled_model_path(variant)
        if path is None:
            raise MovescreenError(
                f"The pose model {bundled_name(variant)} is not in this installation (the "
                "wheel ships only the full model, to keep the install small); install from a "
                "clone of the repository (pip install -e .), whose models/ folder has it, or "
                "pass --model PATH to a copy of it."
            )
        digest = _verify(path, BUNDLED_SHA256[variant], f"The bundled {variant} pose model")
        return ModelBundle(f"blazepose-{variant} (bundled)", path, digest, "bundled")
    if str(spec) in VARIANTS:
        variant = str(spec)
        path = _official_path(variant)
        if not path.is_file():
            raise MovescreenError(
                f"The official {variant} model is not downloaded yet; run "
                f"`movescreen models download {variant}` on a machine with internet access."
            )
        digest = _verify(path, _expected_official(variant), f"The official {variant} model")
        return ModelBundle(f"pose_landmarker_{variant} (official)", path, digest,
                           "official (cache)")
    path = Path(spec)
    if not path.is_file():
        raise MovescreenError(f"--model {path}: no such file; give a MediaPipe .task bundle "
                              f"or one of {', '.join(VARIANTS)}.")
    return ModelBundle(path.name, path, file_sha256(path), "file")


def list_models() -> list[ModelStatus]:
    """The bundled models and every official variant, each verified if present."""
    rows = [_status(f"bundled {variant}", bundled_model_path(variant), "bundled", expected)
            for variant, expected in BUNDLED_SHA256.items()]
    for variant in VARIANTS:
        path = _official_path(variant)
        rows.append(_status(f"official {variant}", path if path.is_file() else None,
                            "official (cache)", _expected_official(variant)))
    return rows


def _status(name: str, path: Path | None, source: str, expected: str | None) -> ModelStatus:
    if path is None:
        return ModelStatus(name, None, source, expected, False, "not present")
    digest = file_sha256(path)
    if expected is None:
        return ModelStatus(name, path, source, None, True, f"present, sha256 {digest[:12]}…")
    if digest == expected:
        return ModelStatus(name, path, source, expected, True, "verified")
    return ModelStatus(name, path, source, expected, False,
                       f"HASH MISMATCH: {digest[:12]}… (expected {expected[:12]}…)")


def download_model(variant: str, url: str | None = None, timeout: float = 60.0) -> ModelBundle:
    """Download an official bundle into the cache, verify it, and record its hash.

    ``full`` must match the pinned hash; ``lite`` and ``heavy`` are trusted on first download
    and must match their recorded hash afterwards.
    """
    if variant not in VARIANTS:
        raise MovescreenError(f"Unknown model {variant!r}; choose one of {', '.join(VARIANTS)}.")
    url = url or _OFFICIAL_URL.format(v=variant)
    target = _official_path(variant)
    expected = _expected_official(variant)
    h = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, atomic_path(target) as tmp:
            with open(tmp, "wb") as fh:
                while block := resp.read(1 << 20):
                    h.update(block)
                    fh.write(block)
            digest = h.hexdigest()
            if expected is not None and digest != expected:
                raise MovescreenError(
                    f"The downloaded {variant} model has SHA-256 {digest[:12]}…, expected "
                    f"{expected[:12]}…; not saved. Try again later or report it."
                )
    except OSError as exc:
        raise MovescreenError(
            f"Could not download the {variant} model from {url} ({exc}); check the internet "
            "connection, or keep using the bundled model."
        ) from None
    if variant not in OFFICIAL_PINNED:
        hashes = _recorded_hashes()
        hashes[variant] = digest
        atomic_write_text(cache_dir() / _HASHES_FILE, json.dumps(hashes, indent=2))
    return ModelBundle(f"pose_landmarker_{variant} (official)", target, digest,
                       "official (cache)")
