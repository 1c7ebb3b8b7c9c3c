"""A progress bar for pose estimation on the terminal's stderr: frames, frames per second, ETA."""

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
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


@contextlib.contextmanager
def session_progress() -> Iterator[Callable[[int, int, Path], FrameProgress]]:
    """Yield an ``on_clip(index, n_clips, clip)`` callback for ``service.run_session``: each
    clip gets its own bar (frames, frames per second, ETA) on stderr, removed when done."""
    stream = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace")
    with stream:
        console = Console(file=stream)
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("frames"), _FpsColumn(), TimeRemainingColumn(),
                       console=console, transient=True)
        current: list[TaskID] = []

        def on_clip(i: int, n: int, clip: Path) -> FrameProgress:
            for task in current:
                bar.remove_task(task)
            current.clear()
            label = escape(f"Analysing {clip.name}" + (f" ({i + 1} of {n})" if n > 1 else ""))
            task = bar.add_task(label, total=None)
            current.append(task)

            def update(done: int, total: int | None) -> None:
                bar.update(task, completed=done, total=max(total, done) if total else None)

            return update

        with bar:
            yield on_clip
