"""Where work runs: an :class:`Executor` runs jobs and reports their progress to the caller.

:class:`InlineExecutor` runs jobs one after the other in this process;
:class:`ProcessExecutor` runs them on a pool of worker processes (no extra dependency).
A job is a picklable top-level function applied to a picklable job description; anything
that cannot be pickled (a MediaPipe landmarker) is created inside the job, in the worker.
"""

from .executor import Executor, JobFn, Progress, ProgressFn, default_workers
from .local import InlineExecutor, ProcessExecutor, make_executor

__all__ = [
    "Executor",
    "InlineExecutor",
    "JobFn",
    "ProcessExecutor",
    "Progress",
    "ProgressFn",
    "default_workers",
    "make_executor",
]
