"""A progress bar for pose estimation on the terminal's stderr: frames, frames per second, ETA."""

import contextlib
import os
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .pose.estimate import FrameProgress


class _FpsColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:5.1f} fps" if speed else "  ... fps", style="progress.data.speed")


@contextlib.contextmanager
def frame_progress(label: str) -> Iterator[FrameProgress]:
    """Yield a ``progress(done, total)`` callback that draws a bar on stderr.

    The bar writes to its own copy of file descriptor 2, taken on entry, so it stays visible
    while MediaPipe's native log lines on fd 2 are captured.
    """
    stream = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace")
    with stream:
        console = Console(file=stream)
        bar = Progress(TextColumn(escape(label)), BarColumn(), MofNCompleteColumn(),
                       TextColumn("frames"), _FpsColumn(), TimeRemainingColumn(),
                       console=console, transient=True)
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=max(total, done) if total else None)

        with bar:
            yield update
