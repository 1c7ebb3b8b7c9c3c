"""Executors: results in submission order, progress back to the caller, errors re-raised."""

import os

import pytest

from movescreen.engine import InlineExecutor, ProcessExecutor, make_executor
from movescreen.errors import MovescreenError


def count_to(n: int, report) -> tuple[int, int]:
    """A job: report progress n times, return (n squared, the worker's process id)."""
    for k in range(1, n + 1):
        report(k, n)
    return n * n, os.getpid()


def refuse(n: int, report) -> int:
    raise MovescreenError(f"job {n}: bad clip")


@pytest.mark.parametrize("make", [InlineExecutor, lambda: ProcessExecutor(2)])
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


@pytest.mark.parametrize("make", [InlineExecutor, lambda: ProcessExecutor(2)])
def test_a_failing_job_raises_its_own_error(make):
    with make() as ex, pytest.raises(MovescreenError, match="job 2: bad clip"):
        ex.map(refuse, [2])


def test_make_executor_never_starts_more_workers_than_jobs():
    assert isinstance(make_executor(4, jobs=1), InlineExecutor)
    assert isinstance(make_executor(1, jobs=8), InlineExecutor)
    pool = make_executor(8, jobs=2)
    assert isinstance(pool, ProcessExecutor) and pool.workers == 2
