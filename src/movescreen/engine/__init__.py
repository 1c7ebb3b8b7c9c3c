"""Where work runs: an :class:`Executor` runs jobs and reports their progress to the caller.

:class:`InlineExecutor` runs jobs one after the other in this process;
:class:`ThreadExecutor` runs them on threads of this process (pose inference releases the
GIL, so this uses every core without starting processes or loading a model per process);
:class:`ProcessExecutor` runs them on a pool of worker processes (no extra dependency).
A job is a picklable top-level function applied to a picklable job description; anything
that cannot be pickled (a MediaPipe landmarker) is created inside the job, in the worker.
"""

from .executor import Executor, JobFn, Progress, ProgressFn, default_workers
from .local import InlineExecutor, ProcessExecutor, make_executor
from .threads import Cancelled, ThreadExecutor

__all__ = [
    "Cancelled",
    "Executor",
    "InlineExecutor",
    "JobFn",
    "ProcessExecutor",
    "Progress",
    "ProgressFn",
    "ThreadExecutor",
    "default_workers",
    "make_executor",
]
