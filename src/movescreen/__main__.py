"""``python -m movescreen``."""

from .cli import app

app()
