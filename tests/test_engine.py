"""Executors: results in submission order, progress back to the caller, errors re-raised."""

import os
import threading
import time

import pytest

from movescreen.engine import InlineExecutor, ProcessExecutor, ThreadExecutor, make_executor
from movescreen.errors import MovescreenError

EXECUTORS = [InlineExecutor, lambda: ThreadExecutor(2), lambda: ProcessExecutor(2)]


def count_to(n: int, report) -> tuple[int, int]:
    """A job: report progress n times, return (n squared, the worker's process id)."""
    for k in range(1, n + 1):
        report(k, n)
    return n * n, os.getpid()


def refuse(n: int, report) -> int:
    raise MovescreenError(f"job {n}: bad clip")


@pytest.mark.parametrize("make", EXECUTORS)
def test_results_come_back_in_submission_order_with_progress(make):
    events = []
    with make() as ex:
        out = ex.map(count_to, [3, 1, 2], events.append)
    assert [r for r, _ in out] == [9, 1, 4]
    finals = {e.job: e for e in events if e.done == e.total}
    assert {j: (e.done, e.total) for j, e in finals.items()} == {0: (3, 3), 1: (1, 1), 2: (2, 2)}


def test_process_pool_runs_jobs_in_other_processes_and_is_reusable():
    with ProcessExecutor(2) as ex:
        first = ex.map(count_to, [1, 2])
        second = ex.map(count_to, [3])
    pids = {pid for _, pid in first + second}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert second[0][0] == 9


@pytest.mark.parametrize("make", EXECUTORS)
def test_a_failing_job_raises_its_own_error(make):
    with make() as ex, pytest.raises(MovescreenError, match="job 2: bad clip"):
        ex.map(refuse, [2])


def test_make_executor_never_starts_more_workers_than_jobs():
    assert isinstance(make_executor(4, jobs=1), InlineExecutor)
    assert isinstance(make_executor(1, jobs=8), InlineExecutor)
    threads = make_executor(8, jobs=2)
    assert isinstance(threads, ThreadExecutor) and threads.workers == 2
    pool = make_executor(8, jobs=3, processes=True)
    assert isinstance(pool, ProcessExecutor) and pool.workers == 3


def meet(barrier: threading.Barrier, report) -> int:
    """A job that can only finish while another job runs at the same time."""
    report(0, 1)
    return barrier.wait(timeout=10)


def test_thread_jobs_run_at_the_same_time_and_progress_arrives_in_the_calling_thread():
    barrier = threading.Barrier(2)
    callers = set()
    out = ThreadExecutor(2).map(meet, [barrier, barrier],
                                lambda e: callers.add(threading.get_ident()))
    assert sorted(out) == [0, 1] and not barrier.broken
    assert callers == {threading.get_ident()}


def report_until_cancelled(n: int, report) -> int:
    if n == 0:
        time.sleep(0.2)
        raise MovescreenError("job 0: bad clip")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # stopped by report() once job 0 has failed
        report(0, None)
        time.sleep(0.01)
    return n


def test_a_failing_thread_job_cancels_the_others_at_their_next_report():
    start = time.monotonic()
    with pytest.raises(MovescreenError, match="job 0: bad clip"):
        ThreadExecutor(2).map(report_until_cancelled, [0, 1])
    assert time.monotonic() - start < 10  # the long job did not run to its end
