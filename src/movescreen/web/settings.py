"""Where the web app keeps its data and the limits it enforces."""

import secrets
from dataclasses import dataclass
from pathlib import Path

DB_FILE = "movescreen.db"
SECRET_FILE = "secret.key"


@dataclass(frozen=True)
class WebSettings:
    """``data`` holds uploads, outputs, the secret key and (by default) the SQLite database."""

    data: Path
    db: str | None = None  # SQLAlchemy URL or file path [default: data/movescreen.db]
    max_upload_mb: float = 200.0
    run_worker: bool = True  # False: nothing is analysed (tests of the pages alone)
    session_hours: float = 12.0
    login_attempts: int = 5  # failed logins allowed per user and address ...
    login_window_s: float = 300.0  # ... in this many seconds
    secure_cookies: bool = False  # True behind HTTPS

    @property
    def db_target(self) -> str | Path:
        return self.db or self.data / DB_FILE

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def secret_key(data: Path) -> str:
    """The signing key of session cookies and API tokens, made once and kept in ``data``."""
    path = data / SECRET_FILE
    if not path.is_file():
        data.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_text(secrets.token_urlsafe(48), "utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text("utf-8").strip()
