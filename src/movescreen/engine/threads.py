"""An executor of threads in this process, for jobs whose heavy part releases the GIL.

MediaPipe's landmarker runs its graph in native code called through ``ctypes`` (which
releases the GIL), and PyAV decodes without holding it; so pose jobs on threads use every
core without the cost of processes: no interpreter or model start-up per worker, one copy
of the libraries in memory, and jobs that need not be picklable.
"""

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .executor import JobFn, Progress, ProgressFn, default_workers


class Cancelled(Exception):
    """Raised inside a job's report() once another job has failed: stop early."""


class ThreadExecutor:
    """Runs jobs on up to ``workers`` threads of this process.

    Progress events are queued by the job threads and handed to ``on_progress`` in the
    calling thread. When a job fails, the others are cancelled at their next report() and
    ``map`` re-raises the first error once every thread has stopped.
    """

    def __init__(self, workers: int | None = None) -> None:
        self._n = max(1, workers or default_workers())

    @property
    def workers(self) -> int:
        return self._n

    def map(self, fn: JobFn, jobs: Sequence[Any], on_progress: ProgressFn | None = None
            ) -> list[Any]:
        if not jobs:
            return []
        events: queue.Queue[tuple[str, int, Any]] = queue.Queue()
        pending: queue.Queue[int] = queue.Queue()
        for i in range(len(jobs)):
            pending.put(i)
        cancel = threading.Event()

        def reporter(i: int) -> Callable[[int, int | None], None]:
            def report(done: int, total: int | None) -> None:
                if cancel.is_set():
                    raise Cancelled
                events.put(("progress", i, (done, total)))
            return report

        def work() -> None:
            while not cancel.is_set():
                try:
                    i = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    events.put(("done", i, fn(jobs[i], reporter(i))))
                except Cancelled:
                    return
                except BaseException as exc:  # handed to the caller, which re-raises it
                    cancel.set()
                    events.put(("error", i, exc))
                    return

        threads = [threading.Thread(target=work, name=f"movescreen-job-{k}", daemon=True)
                   for k in range(min(self._n, len(jobs)))]
        for t in threads:
            t.start()
        out: dict[int, Any] = {}
        error: BaseException | None = None
        try:
            while len(out) < len(jobs) and error is None:
                kind, i, value = events.get()
                if kind == "progress":
                    if on_progress is not None:
                        on_progress(Progress(i, *value))
                elif kind == "done":
                    out[i] = value
                else:
                    error = value
        finally:
            if len(out) < len(jobs):  # failed or interrupted: stop the others early
                cancel.set()
            for t in threads:
                t.join()
        if error is not None:
            raise error
        return [out[i] for i in range(len(jobs))]

    def close(self) -> None:
        """Nothing to release: threads live only during :meth:`map`."""

    def __enter__(self) -> "ThreadExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
