"""Batch jobs: which clips to analyse, whose they are, and a content key for each.

Clips come from files and folders on the command line and/or a CSV manifest. In a folder the
convention is ``<athlete>/<test>/<clip>`` (any depth above; a ``YYYY-MM-DD`` folder between the
athlete and the test gives the session date). A job's key hashes the clip's bytes, the test,
every setting that changes the numbers, the model and the movescreen version: the same key
means the same result, so a finished key is never computed again.
"""

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import get_args

from pydantic import ValidationError

from .. import __version__
from ..errors import MovescreenError
from ..pipeline import Request
from ..results import TestName
from ..rules.athlete import AthleteFacts
from ..video import file_sha256

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv"})
TESTS: tuple[str, ...] = get_args(TestName)
MANIFEST_COLUMNS = ("path", "athlete", "test", "leg", "date", "sex", "age", "goal", "pain")
UNNAMED = "unnamed"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ClipSpec:
    """One clip as the user described it, before hashing."""

    path: Path
    athlete: str = UNNAMED
    test: str | None = None
    leg: str | None = None  # "left" | "right" | None (auto)
    date: str = ""
    facts: AthleteFacts | None = None


@dataclass(frozen=True)
class Settings:
    """Batch-wide analysis settings (everything besides the clip that changes the numbers)."""

    test: str | None = None  # for clips whose folder or manifest row names no test
    model: str | None = None
    fast: bool = False
    model_sha256: str = ""  # filled in by with_model_hash()


@dataclass(frozen=True)
class Job:
    """A clip to analyse: its request, where its outputs go, and its content key."""

    key: str
    sha256: str
    spec: ClipSpec
    request: Request = field(repr=False)
    out: Path

    @property
    def test(self) -> str:
        return self.request.test

    @property
    def label(self) -> str:
        return f"{self.spec.athlete}/{self.test}/{self.spec.path.name}"


def safe_name(name: str) -> str:
    """A name usable as one folder name."""
    return _SAFE.sub("_", name).strip("._") or UNNAMED


def _check_test(test: str | None, where: str) -> str:
    if test is None:
        raise MovescreenError(f"{where}: which test is it? Put it in a folder named after the "
                              f"test ({', '.join(TESTS)}), give a manifest 'test' column, or "
                              "pass --test.")
    if test not in TESTS:
        raise MovescreenError(f"{where}: unknown test {test!r}; use one of {', '.join(TESTS)}.")
    return test


def spec_from_folder(path: Path, root: Path) -> ClipSpec:
    """A clip found under ``root``: athlete, date and test from ``<athlete>/[date/]<test>/``."""
    dirs = path.relative_to(root).parts[:-1]
    test_at = max((i for i, d in enumerate(dirs) if d in TESTS), default=None)
    if test_at is None:
        return ClipSpec(path)
    before = list(dirs[:test_at])
    date = before.pop() if before and _DATE.match(before[-1]) else ""
    athlete = before[-1] if before else UNNAMED
    return ClipSpec(path, athlete=athlete, test=dirs[test_at], date=date)


def find_clips(inputs: Iterable[Path]) -> list[ClipSpec]:
    """Files as given (whatever their suffix) and the videos inside folders, sorted."""
    out = []
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            videos = sorted(p for p in item.rglob("*") if p.is_file()
                            and p.suffix.lower() in VIDEO_SUFFIXES and not p.name.startswith("."))
            out += [spec_from_folder(p, item) for p in videos]
        elif item.is_file():
            out.append(ClipSpec(item))
        else:
            raise MovescreenError(f"{item}: no such file or folder.")
    return out


def _facts(row: dict[str, str], where: str) -> AthleteFacts | None:
    given = {k: row[k].strip() for k in ("sex", "age", "goal", "pain") if row.get(k, "").strip()}
    if not given:
        return None
    try:
        return AthleteFacts.model_validate(given)
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise MovescreenError(f"{where}: invalid athlete facts: {errs}") from None


def read_manifest(path: Path) -> list[ClipSpec]:
    """Clips from a CSV with a ``path`` column (relative to the CSV's folder) and optionally
    athlete, test, leg, date (YYYY-MM-DD), sex, age, goal, pain."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise MovescreenError(f"{path}: cannot read the manifest ({exc.strerror}).") from None
    if not rows or "path" not in rows[0]:
        raise MovescreenError(f"{path}: a manifest needs a header row with a 'path' column "
                              f"(columns: {', '.join(MANIFEST_COLUMNS)}).")
    unknown = set(rows[0]) - set(MANIFEST_COLUMNS)
    if unknown:
        raise MovescreenError(f"{path}: unknown manifest column(s) {', '.join(sorted(unknown))}; "
                              f"use {', '.join(MANIFEST_COLUMNS)}.")
    specs = []
    for n, row in enumerate(rows, start=2):
        where = f"{path} line {n}"
        clip = Path(row["path"].strip())
        clip = clip if clip.is_absolute() else path.parent / clip
        leg = (row.get("leg") or "").strip().lower() or None
        if leg not in (None, "left", "right"):
            raise MovescreenError(f"{where}: leg must be left, right or empty, not {leg!r}.")
        date = (row.get("date") or "").strip()
        if date and not _DATE.match(date):
            raise MovescreenError(f"{where}: date must be YYYY-MM-DD, not {date!r}.")
        specs.append(ClipSpec(clip, athlete=(row.get("athlete") or "").strip() or UNNAMED,
                              test=(row.get("test") or "").strip() or None, leg=leg, date=date,
                              facts=_facts(row, where)))
    return specs


def collect(inputs: Sequence[Path], manifest: Path | None) -> list[ClipSpec]:
    """Every clip once: manifest rows first; a folder clip the manifest also names is its row."""
    specs = read_manifest(manifest) if manifest else []
    named = {s.path.resolve() for s in specs}
    specs += [s for s in find_clips(inputs) if s.path.resolve() not in named]
    if not specs:
        raise MovescreenError("No clips found: give video files, folders holding them, or "
                              "--manifest CSV.")
    return specs


def with_model_hash(settings: Settings) -> Settings:
    """The settings with the model's content hash (so a changed model means new keys)."""
    from ..pose.models import resolve_model

    return replace(settings, model_sha256=resolve_model(settings.model).sha256)


def job_key(sha256: str, test: str, leg: str | None, settings: Settings) -> str:
    """The content key: clip bytes, test, settings, model and movescreen version."""
    parts = {"clip": sha256, "test": test, "leg": leg, "fast": settings.fast,
             "model": settings.model_sha256, "version": __version__}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def make_jobs(specs: Sequence[ClipSpec], settings: Settings, out: Path) -> list[Job]:
    """Hash each clip and give it a key and an output folder ``out/clips/<athlete>/<stem>-<key>``.

    The same clip listed twice with the same settings is one job.
    """
    from ..pose.landmarker import PoseOptions
    from ..screens.common import Overrides

    jobs: dict[str, Job] = {}
    for spec in specs:
        test = _check_test(spec.test or settings.test, str(spec.path))
        try:
            digest = file_sha256(spec.path)
        except OSError as exc:
            raise MovescreenError(f"{spec.path}: cannot read it ({exc.strerror}).") from None
        key = job_key(digest, test, spec.leg, settings)
        spec = replace(spec, test=test)
        req = Request(clip=spec.path, test=test,  # type: ignore[arg-type]
                      overrides=Overrides(leg=spec.leg),  # type: ignore[arg-type]
                      model=settings.model, pose_options=PoseOptions(symmetric=not settings.fast),
                      workers=1)  # batch runs clips in parallel: each clip on one core
        folder = out / "clips" / safe_name(spec.athlete) / f"{safe_name(spec.path.stem)}-{key[:10]}"
        jobs.setdefault(key, Job(key, digest, spec, req, folder))
    return list(jobs.values())


def settings_record(settings: Settings) -> dict[str, object]:
    return {**asdict(settings), "movescreen_version": __version__}
