"""Atomic file writes: write beside the target, then rename, so no reader sees half a file."""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``target`` on success.

    On an exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o644)  # mkstemp makes 0600; results are ordinary shareable files
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_open(target: Path, mode: str = "w", **kwargs: object) -> Iterator[IO]:
    """Open a temporary file for writing that replaces ``target`` atomically when closed."""
    with atomic_path(target) as tmp, open(tmp, mode, **kwargs) as fh:  # type: ignore[call-overload]
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_text(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_open(target, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
