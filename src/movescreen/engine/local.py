"""Executors on this machine: inline (one job after the other) and a pool of processes."""

import multiprocessing as mp
import pickle
import queue
import time
import traceback
from collections.abc import Sequence
from multiprocessing.context import SpawnProcess
from typing import Any

from .executor import JobFn, Progress, ProgressFn, default_workers
from .threads import ThreadExecutor

PROGRESS_EVERY_S = 0.1  # a worker reports progress at most this often
_POLL_S = 0.5


class InlineExecutor:
    """Runs every job in the calling process, one after the other."""

    workers = 1

    def map(self, fn: JobFn, jobs: Sequence[Any], on_progress: ProgressFn | None = None
            ) -> list[Any]:
        out = []
        for i, job in enumerate(jobs):
            def report(done: int, total: int | None, i: int = i) -> None:
                if on_progress is not None:
                    on_progress(Progress(i, done, total))

            out.append(fn(job, report))
        return out

    def close(self) -> None:
        """Nothing to release (the same interface as :class:`ProcessExecutor`)."""

    def __enter__(self) -> "InlineExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Reporter:
    """A worker's report(done, total): throttled progress messages to the parent."""

    def __init__(self, results: Any, job: int) -> None:
        self.results, self.job = results, job
        self.last = -float("inf")

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_S or (total is not None and done >= total):
            self.last = now
            self.results.put(("progress", self.job, (done, total)))


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _worker_loop(tasks: Any, results: Any) -> None:
    """Body of one worker process: take jobs until told to stop (None)."""
    while True:
        item = tasks.get()
        if item is None:
            return
        i, fn, job = item
        try:
            results.put(("done", i, fn(job, _Reporter(results, i))))
        except BaseException as exc:  # handed to the parent, which re-raises it
            results.put(("error", i, (_picklable(exc), traceback.format_exc())))


class ProcessExecutor:
    """Runs jobs on up to ``workers`` processes started with ``spawn`` (nothing inherited).

    Workers start on the first :meth:`map` and are reused by later calls until
    :meth:`close` (or the end of a ``with`` block); use one executor for many clips.
    """

    def __init__(self, workers: int | None = None) -> None:
        self._n = max(1, workers or default_workers())
        self._ctx = mp.get_context("spawn")
        self._tasks: Any = None
        self._results: Any = None
        self._procs: list[SpawnProcess] = []

    @property
    def workers(self) -> int:
        return self._n

    def _start(self, wanted: int) -> None:
        if self._tasks is None:
            self._tasks, self._results = self._ctx.Queue(), self._ctx.Queue()
        while len(self._procs) < min(wanted, self._n):
            p = self._ctx.Process(target=_worker_loop, args=(self._tasks, self._results),
                                  name=f"movescreen-worker-{len(self._procs)}", daemon=True)
            p.start()
            self._procs.append(p)

    def map(self, fn: JobFn, jobs: Sequence[Any], on_progress: ProgressFn | None = None
            ) -> list[Any]:
        if not jobs:
            return []
        self._start(len(jobs))
        for i, job in enumerate(jobs):
            self._tasks.put((i, fn, job))
        out: dict[int, Any] = {}
        finished = False
        try:
            while len(out) < len(jobs):
                try:
                    kind, i, value = self._results.get(timeout=_POLL_S)
                except queue.Empty:
                    self._check_alive()
                    continue
                if kind == "progress":
                    if on_progress is not None:
                        on_progress(Progress(i, *value))
                elif kind == "done":
                    out[i] = value
                else:
                    exc, tb = value
                    if not hasattr(exc, "message"):  # a bug, not a user error: keep its trace
                        exc.add_note(f"in worker process:\n{tb}")
                    raise exc
            finished = True
        finally:
            if not finished:  # cancelled or failed: the remaining jobs must not linger
                self.close()
        return [out[i] for i in range(len(jobs))]

    def _check_alive(self) -> None:
        dead = [p for p in self._procs if not p.is_alive()]
        if dead:
            raise RuntimeError(f"{dead[0].name} stopped unexpectedly (exit code "
                               f"{dead[0].exitcode}); out of memory?")

    def close(self) -> None:
        """Stop the workers (those busy with a job are terminated)."""
        for p in self._procs:
            if p.is_alive():
                self._tasks.put(None)
        deadline = time.monotonic() + 2.0
        for p in self._procs:
            p.join(timeout=max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.terminate()
                p.join()
        self._procs = []
        for q in (self._tasks, self._results):
            if q is not None:
                q.close()
                q.cancel_join_thread()
        self._tasks = self._results = None

    def __enter__(self) -> "ProcessExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_executor(workers: int | None = None, jobs: int | None = None,
                  processes: bool = False) -> "InlineExecutor | ProcessExecutor | ThreadExecutor":
    """An executor for ``workers`` (None: one per CPU), never more workers than ``jobs``.

    Threads by default (for jobs whose heavy part releases the GIL, as pose jobs do);
    ``processes=True`` for jobs that hold it.
    """
    n = max(1, workers or default_workers())
    if jobs is not None:
        n = min(n, max(1, jobs))
    if n == 1:
        return InlineExecutor()
    return ProcessExecutor(n) if processes else ThreadExecutor(n)
