"""Content-addressed uploads: a clip is stored under the sha256 of its bytes, written to a
temporary file and renamed into place, so no path comes from the user and a stored clip is
always whole."""

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from ..errors import MovescreenError

UPLOADS = "uploads"
CHUNK = 1 << 20


class UploadTooLarge(MovescreenError):
    pass


def upload_path(data: Path, sha256: str) -> Path:
    return data / UPLOADS / sha256[:2] / sha256


def store_upload(data: Path, source: BinaryIO, limit: int) -> tuple[str, Path]:
    """Copy ``source`` into the store; returns (sha256, path). Rejects empty files, files over
    ``limit`` bytes and anything the video decoder cannot open (checked on the bytes)."""
    from ..video import probe

    tmp_dir = data / UPLOADS / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
    tmp = Path(name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadTooLarge(f"the clip is larger than {limit / 2**20:g} MB; "
                                         "trim it or export it at a lower resolution.")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise MovescreenError("the file is empty (0 bytes); record or export it again.")
        try:
            probe(tmp)
        except MovescreenError as exc:  # the message names our temp file: say it plainly
            raise MovescreenError("not a video the decoder can read: "
                                  + exc.message.split(": ", 1)[-1]) from None
        sha = digest.hexdigest()
        target = upload_path(data, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        return sha, target
    finally:
        tmp.unlink(missing_ok=True)
