"""Where clip jobs run: a local pool of worker processes, or actors on a Ray cluster.

Both run the same :func:`run_clip` (which calls ``service.analyse_to_folder``) and yield a
small :class:`ClipOutcome` per clip as it finishes, so the parent never holds pose data. Each
worker process creates its pose landmarker itself (one per clip, as the pipeline does); nothing
unpicklable crosses a process boundary.
"""

import json
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from ..atomic import atomic_write_text
from ..errors import MovescreenError
from ..pipeline import Request

ERROR = "error.json"  # a clip's folder holds results.json (done) or error.json (failed)
Engine = Literal["local", "ray"]


@dataclass(frozen=True)
class ClipTask:
    """One clip to analyse into ``out`` (picklable)."""

    key: str
    request: Request
    out: Path
    show_native_logs: bool = False


@dataclass(frozen=True)
class ClipOutcome:
    """How one clip went. ``final``: a failure the user must fix (not retried on a re-run)."""

    key: str
    ok: bool
    error: str | None = None
    final: bool = True
    frames: int = 0
    seconds: float = 0.0
    worker_pid: int = 0
    worker_peak_rss_mb: float = 0.0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_clip(task: ClipTask) -> ClipOutcome:
    """Analyse one clip (in a worker): results.json on success, error.json on a user error."""
    from ..quiet import native_stderr_captured
    from ..service import analyse_to_folder

    start = time.perf_counter()
    done = {"worker_pid": os.getpid()}
    try:
        with native_stderr_captured(task.show_native_logs):
            analysis = analyse_to_folder(task.request, task.out)
    except MovescreenError as exc:
        atomic_write_text(task.out / ERROR, json.dumps({"key": task.key, "error": exc.message}))
        return ClipOutcome(task.key, False, exc.message, True, 0,
                           time.perf_counter() - start, **done,
                           worker_peak_rss_mb=_peak_rss_mb())
    except Exception as exc:  # a bug or a library crash: record it, go on, retry next run
        return ClipOutcome(task.key, False, f"internal error: {type(exc).__name__}: {exc}",
                           False, 0, time.perf_counter() - start, **done,
                           worker_peak_rss_mb=_peak_rss_mb())
    return ClipOutcome(task.key, True, None, True, len(analysis.pose.t),
                       time.perf_counter() - start, **done, worker_peak_rss_mb=_peak_rss_mb())


class ClipRunner(Protocol):
    """Runs clip tasks somewhere and yields their outcomes in the order they finish."""

    workers: int

    def run(self, tasks: Iterable[ClipTask],
            on_submit: Callable[[ClipTask], None] | None = None) -> Iterator[ClipOutcome]: ...

    def close(self) -> None: ...


def _lost(task: ClipTask, why: str) -> ClipOutcome:
    return ClipOutcome(task.key, False, why, final=False)


class LocalRunner:
    """A pool of ``workers`` spawned processes on this machine; a crashed worker is replaced."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise MovescreenError(f"--workers must be at least 1, not {workers}.")
        self.workers = workers

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def run(self, tasks: Iterable[ClipTask],
            on_submit: Callable[[ClipTask], None] | None = None) -> Iterator[ClipOutcome]:
        todo = iter(tasks)
        pool = self._pool()
        pending: dict[Future[ClipOutcome], ClipTask] = {}
        try:
            while True:
                while len(pending) < 2 * self.workers:  # a short queue: memory stays flat
                    task = next(todo, None)
                    if task is None:
                        break
                    if on_submit is not None:
                        on_submit(task)
                    pending[pool.submit(run_clip, task)] = task
                if not pending:
                    return
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                broken = False
                for fut in finished:
                    task = pending.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        outcome = _lost(task, "a worker process died (out of memory or a "
                                              "crash); the clip will be retried on the next run")
                    yield outcome
                if broken:  # every task still in the dead pool is lost too
                    for task in pending.values():
                        yield _lost(task, "its worker pool broke; retried on the next run")
                    pending.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._pool()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Nothing to release: each run() owns its pool."""


class ClipWorker:
    """A Ray actor's body: one long-lived worker process that analyses clips."""

    def run(self, task: ClipTask) -> ClipOutcome:
        return run_clip(task)

    def pid(self) -> int:
        return os.getpid()


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MovescreenError('--engine ray needs Ray, an optional extra: '
                              'pip install "movescreen[ray]".') from None
    return ray


class RayRunner:
    """One actor per worker on a Ray cluster (``address``) or on a local Ray it starts.

    On a cluster the clips and the output folder must be on storage every node sees.
    """

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        self.ray = ray = import_ray()
        self._started = not ray.is_initialized()
        if self._started:
            env = {"env_vars": {"PYTHONPATH": os.environ.get("PYTHONPATH", "")}}
            ray.init(address=address, num_cpus=None if address else workers,
                     include_dashboard=False, log_to_driver=False, runtime_env=env)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = min(workers, cpus) if workers else cpus
        actor = ray.remote(num_cpus=1)(ClipWorker)
        self._actors = [actor.remote() for _ in range(self.workers)]

    def run(self, tasks: Iterable[ClipTask],
            on_submit: Callable[[ClipTask], None] | None = None) -> Iterator[ClipOutcome]:
        ray = self.ray
        todo = iter(tasks)
        free = list(self._actors)
        running: dict[Any, tuple[ClipTask, Any]] = {}
        while True:
            while free:
                task = next(todo, None)
                if task is None:
                    break
                if on_submit is not None:
                    on_submit(task)
                actor = free.pop()
                running[actor.run.remote(task)] = (task, actor)
            if not running:
                return
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                task, actor = running.pop(ref)
                try:
                    outcome = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    outcome = _lost(task, f"the Ray worker failed ({type(exc).__name__}); the "
                                          "clip will be retried on the next run")
                    actor = ray.remote(num_cpus=1)(ClipWorker).remote()
                free.append(actor)
                yield outcome

    def close(self) -> None:
        for actor in self._actors:
            self.ray.kill(actor)
        if self._started:
            self.ray.shutdown()


def make_runner(engine: Engine, workers: int | None, address: str | None = None) -> ClipRunner:
    """The runner for ``--engine``: local (default: one worker per core) or ray."""
    if engine == "ray":
        return RayRunner(workers, address)
    if address:
        raise MovescreenError("--address is for --engine ray.")
    return LocalRunner(workers or os.cpu_count() or 1)
