"""``movescreen serve`` and ``movescreen users add``: parse, then call the web package."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import MovescreenError
from ..terminal import fail


def _fail(exc: MovescreenError) -> None:
    from rich.console import Console

    fail(Console(stderr=True), exc)

DataOpt = Annotated[Path, typer.Option("--data", help="Folder for uploads, outputs, the secret "
                                       "key and the default database.")]
DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL or file "
                                           "\\[default: DATA/movescreen.db].")]

users_app = typer.Typer(help="Manage the web app's coach accounts.", no_args_is_help=True)


def serve_command(
    data: DataOpt = Path("movescreen-data"),
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    max_upload_mb: Annotated[float, typer.Option(help="Largest clip accepted.")] = 200.0,
    secure_cookies: Annotated[bool, typer.Option(
        help="Mark cookies Secure (when served over HTTPS).")] = False,
) -> None:
    """Start the coach web app (pages at /, API docs at /docs)."""
    import uvicorn

    from .app import create_app
    from .settings import WebSettings

    try:
        app = create_app(WebSettings(data=data, db=db, max_upload_mb=max_upload_mb,
                                     secure_cookies=secure_cookies))
    except MovescreenError as exc:
        _fail(exc)
    uvicorn.run(app, host=host, port=port)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="The coach's username.")],
    data: DataOpt = Path("movescreen-data"),
    db: DbOpt = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the new password from standard input.")] = False,
) -> None:
    """Set a coach's password and sign them out everywhere (browser sessions, API tokens)."""
    from ..store import open_store
    from .actions import set_password
    from .settings import DB_FILE

    password = _read_password(password_stdin)
    try:
        with open_store(db or data / DB_FILE) as store, store.session() as session:
            ended = set_password(session, name, password)
    except MovescreenError as exc:
        _fail(exc)
    typer.echo(f"New password for {name}; {ended} session(s) and token(s) ended.")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The coach's username.")],
    admin: Annotated[bool, typer.Option("--admin", help="May add other coaches.")] = False,
    data: DataOpt = Path("movescreen-data"),
    db: DbOpt = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input.")] = False,
) -> None:
    """Create a coach account (the password is asked for, or read with --password-stdin)."""
    from ..store import open_store
    from .actions import add_coach
    from .settings import DB_FILE

    password = _read_password(password_stdin)
    try:
        with open_store(db or data / DB_FILE) as store, store.session() as session:
            add_coach(session, name, password, admin)
    except MovescreenError as exc:
        _fail(exc)
    typer.echo(f"Added coach {name}{' (admin)' if admin else ''}.")
