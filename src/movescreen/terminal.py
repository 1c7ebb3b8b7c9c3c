"""How every command ends on a user error: one red sentence, no traceback, a non-zero exit."""

import typer
from rich.console import Console
from rich.markup import escape

from .errors import MovescreenError


def fail(console: Console, exc: MovescreenError) -> None:
    """Print ``exc``'s message (as text, never markup) and exit with its code."""
    console.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(exc.exit_code) from None
