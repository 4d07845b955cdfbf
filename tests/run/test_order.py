"""The order in which ``run_jobs`` hands out jobs (:class:`pipeline.run.execute._Order`):
in order, and the jobs of ``then`` ahead of the rest once the results they need are in."""

from __future__ import annotations

from pipeline.run.execute import JobResult, _Order


def _result(name: str) -> JobResult:
    return JobResult(name=name, execute_seconds=0.0, render_seconds=0.0)


def _drain(order: _Order) -> list[str]:
    """Start the tasks one at a time, each finished (seen) before the next starts."""
    started: list[str] = []
    while (task := order.next()) is not None:
        started.append(task)
        order.seen(_result(task))
    return started


def test_then_goes_ahead_of_the_jobs_left_once_its_results_are_in():
    order = _Order(["section a", "section b", "company 1", "company 2"], ["summary"],
                   after=["section a", "section b"])
    assert _drain(order) == ["section a", "section b", "summary", "company 1", "company 2"]
    assert not order.left()


def test_then_waits_for_every_job_by_default():
    order = _Order(["a", "b"], ["summary"], after=None)
    first = order.next()
    order.running = 1  # "a" still running: "b" may start, the summary may not
    assert (first, order.next()) == ("a", "b")
    assert order.next() is None and order.left()
    order.running = 0
    assert order.next() == "summary"


def test_then_with_nothing_to_wait_for_starts_first():
    order = _Order(["company 1"], ["summary"], after=[])
    assert order.next() == "summary"


def test_a_result_that_never_comes_leaves_then_waiting():
    order = _Order(["a"], ["summary"], after=["a", "gone"])
    assert _drain(order) == ["a"]
    assert order.left()
