"""The executor interface: run jobs, hand progress events back to the caller."""

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

J = TypeVar("J")
R = TypeVar("R")


@dataclass(frozen=True)
class Progress:
    """One job's progress: ``done`` units (frames) so far of its ``total`` (None if unknown)."""

    job: int  # index into the submitted jobs
    done: int
    total: int | None


ProgressFn = Callable[[Progress], None]
# a job function gets its job and a report(done, total) callable
JobFn = Callable[[J, Callable[[int, int | None], None]], R]


class Executor(Protocol):
    """Runs jobs (possibly in parallel) and returns their results in submission order.

    ``on_progress`` is called in the caller's process and thread, never concurrently.
    The first job that raises makes ``map`` raise the same exception after the other
    jobs are cancelled.
    """

    @property
    def workers(self) -> int: ...

    def map(self, fn: JobFn, jobs: Sequence[J], on_progress: ProgressFn | None = None
            ) -> list[R]: ...


def default_workers() -> int:
    """Workers to use on this machine: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
