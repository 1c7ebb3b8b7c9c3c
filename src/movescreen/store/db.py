"""Opening a database: a SQLite file (zero set-up) or any SQLAlchemy URL, migrated on open."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import MovescreenError
from .migrate import upgrade


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL: ``target`` itself when it has a scheme, else a SQLite file path."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the web app) never block the writer
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, pool_pre_ping=True)
    except ModuleNotFoundError as exc:  # the URL's driver is an optional extra
        raise MovescreenError(f"{url}: the database driver '{exc.name}' is not installed; for "
                              "PostgreSQL: pip install \"movescreen[postgres]\".") from None
    except (ArgumentError, NoSuchModuleError) as exc:
        raise MovescreenError(f"{url}: not a usable database URL ({exc}); give a file path or "
                              "e.g. postgresql+psycopg://user:pass@host/dbname.") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class Store:
    """A migrated database and a way to open transactions on it.

    ``with store.session() as db:`` commits on success and rolls back on an exception; pass
    ``db`` to the functions of :mod:`movescreen.store.repo`.
    """

    def __init__(self, target: str | Path) -> None:
        self.url = database_url(target)
        self.engine = make_engine(self.url)
        try:
            with self.engine.begin() as conn:
                upgrade(conn)
        except OperationalError as exc:
            self.engine.dispose()
            raise MovescreenError(f"Cannot open the database {self.engine.url!r}: "
                                  f"{exc.orig}") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as db:
            yield db

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(target: str | Path) -> Store:
    """Open (creating and migrating as needed) the database at a path or SQLAlchemy URL."""
    return Store(target)
