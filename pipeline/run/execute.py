"""Executing notebooks in worker processes: in batches in the worker itself, or with papermill
in one warm kernel per worker.

A wave runs a handful of section notebooks and one company notebook per surveyed company.
``welfare run`` hands them to :func:`run_jobs` as batches (:mod:`pipeline.run.batch`): the
cells run in the worker process, with the parameters injected as papermill injects them.
A :class:`~pipeline.run.plan.NotebookJob` handed alone is executed as ``papermill --engine
welfare`` executes it: papermill injects the parameters (a cell tagged
``injected-parameters`` after the cell tagged ``parameters``) and runs the notebook through
its execution manager with the ``welfare`` engine (:mod:`pipeline.run.engine`), which
reuses one started kernel per worker process. The notebooks stay ordinary papermill
notebooks that also run by hand in JupyterLab.

The only difference with papermill's command line is the reading: the sources are jupytext
``.py`` files, read once per process, and only the parameters a notebook declares are
injected (the pipeline passes the same set to every notebook).

A killed run leaves nothing running: workers and kernels die with their parent, and the
next run removes the connection files of kernels that are gone (:mod:`pipeline.run.procs`).

The benchmark ``benchmarks/bench_pipeline.py`` measures what this saves against
papermill's command line with its own engine.
"""

from __future__ import annotations

import copy
import multiprocessing.util
import os
import time
from collections import deque
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jupytext
import nbformat
from papermill import inspect_notebook
from papermill.engines import papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.execute import (
    prepare_notebook_metadata,
    raise_for_execution_errors,
    remove_error_markers,
)
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from papermill.utils import chdir

from pipeline.atomic import make_folder, write_text_atomic
from pipeline.config import Paths
from pipeline.errors import PipelineError
from pipeline.render import render_notebook
from pipeline.run.engine import (
    ENGINE_NAME,
    KERNEL_NAME,
    START_TIMEOUT,
    set_connection_dir,
    shutdown_kernels,
    use_connection_dir,
    warm_kernel,
)
from pipeline.run.plan import NotebookJob
from pipeline.run.procs import (
    clear_stale_connection_files,
    die_with_parent,
    kernels_dir,
    share_cores,
)

#: Seconds a single cell may run before the notebook is declared stuck.
CELL_TIMEOUT = 1800
_KERNELSPEC = {"name": KERNEL_NAME, "language": "python", "display_name": "Python 3"}


class NotebookError(PipelineError):
    """A notebook failed: which notebook, which cell, which error, where the executed copy is."""


@dataclass
class JobResult:
    name: str
    execute_seconds: float
    render_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Source:
    """A notebook as papermill loads it, and the names of its ``parameters`` cell."""

    nb: Any
    declared: frozenset[str]


_SOURCES: dict[tuple[str, float], _Source] = {}


def _source(path: Path) -> _Source:
    """The notebook at ``path`` (``.ipynb`` or jupytext), read once per process and version."""
    key = (str(path), path.stat().st_mtime)
    if key not in _SOURCES:
        nb = (nbformat.read(path, as_version=4) if path.suffix == ".ipynb"
              else jupytext.read(path))
        nb.metadata.setdefault("kernelspec", dict(_KERNELSPEC))
        nb = load_notebook_node(nb)  # papermill's metadata on the notebook and its cells
        _SOURCES[key] = _Source(nb, frozenset(inspect_notebook(nb)))
    return _SOURCES[key]


def execute_notebook(source: Path, executed: Path, parameters: dict[str, Any],
                     cwd: Path) -> Any:
    """Execute ``source`` into ``executed`` as ``papermill --engine welfare`` does; return it.

    The steps of :func:`papermill.execute_notebook` after loading: parameters, metadata,
    the ``welfare`` engine in ``cwd``, papermill's error markers on a failure.

    Raises
    ------
    NotebookError
        A cell failed: the notebook, the cell (counted from 1, injected parameters
        included), the error and the executed notebook's path in one line.
    """
    template = _source(source)
    nb = copy.deepcopy(template.nb)
    values = {k: v for k, v in parameters.items() if k in template.declared}
    if values:
        nb = parameterize_notebook(nb, values, kernel_name=KERNEL_NAME, language="python",
                                   engine_name=ENGINE_NAME)
    nb = remove_error_markers(prepare_notebook_metadata(nb, str(source), str(executed)))
    make_folder(executed.parent)
    with chdir(str(cwd)):
        nb = papermill_engines.execute_notebook_with_engine(
            ENGINE_NAME, nb, kernel_name=KERNEL_NAME, input_path=str(source),
            output_path=None, progress_bar=False, log_output=False,
            start_timeout=START_TIMEOUT, execution_timeout=CELL_TIMEOUT)
    try:
        raise_for_execution_errors(nb, str(executed))
    except PapermillExecutionError as err:
        evalue = str(err.evalue).strip().splitlines()
        raise NotebookError(
            f"{source.name}, cell {err.cell_index + 1}: {err.ename}: "
            f"{evalue[-1] if evalue else ''} (executed notebook: {executed})") from None
    write_text_atomic(executed, nbformat.writes(nb))  # owner-only: it holds microdata
    return nb


def run_job(job: NotebookJob, cwd: Path) -> JobResult:
    """Execute a job and render it when asked."""
    t0 = time.perf_counter()
    execute_notebook(job.source, job.executed, job.parameters, cwd)
    t1 = time.perf_counter()
    if job.render is not None:
        render = dict(job.render)
        render_notebook(job.executed, render.pop("html_path"), render.pop("pdf_path"), **render)
    return JobResult(job.name, t1 - t0, time.perf_counter() - t1)


# --- worker processes ---------------------------------------------------------------------------

_CWD: Path | None = None


def _worker_init(cwd: str, parent: int, connection_dir: str, kernel: bool = True,
                 workers: int = 1) -> None:
    global _CWD
    die_with_parent(parent)  # before anything else: a killed run takes its workers along
    share_cores(workers)  # before the kernel starts: it inherits the limits
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    _CWD = Path(cwd)
    set_connection_dir(Path(connection_dir))
    if kernel:  # only notebooks run alone need one
        warm_kernel(KERNEL_NAME, _CWD)  # started while the batch is being handed out
    multiprocessing.util.Finalize(None, shutdown_kernels, exitpriority=10)


def _run_task(task: Any, cwd: Path,
              on_done: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """A notebook run alone in a warm kernel (:class:`NotebookJob`) or notebooks run in
    this process (:class:`pipeline.run.batch.NotebookBatch`): its results, one per
    notebook."""
    if isinstance(task, NotebookJob):
        result = run_job(task, cwd)
        if on_done:
            on_done(result)
        return [result]
    from pipeline.run.batch import run_batch

    return run_batch(task, cwd, on_done)


def _worker_run(task: Any) -> list[JobResult]:
    assert _CWD is not None
    if not isinstance(task, NotebookJob):
        from pipeline.run.batch import keep_company_waves

        keep_company_waves()  # the worker's later batches reuse the wave the first loaded
    return _run_task(task, _CWD)


class _Order:
    """Which task goes next: ``tasks`` in order, and ``then`` ahead of those not yet started
    as soon as every result named in ``after`` is in (``after`` None: once every task of
    ``tasks`` is done)."""

    def __init__(self, tasks: list[Any], then: Sequence[Any],
                 after: Collection[str] | None) -> None:
        self.pending: deque[Any] = deque(tasks)
        self.then = list(then)
        self.after = None if after is None else set(after)
        self.running = 0

    def seen(self, result: JobResult) -> None:
        if self.after is not None:
            self.after.discard(result.name)

    def next(self) -> Any | None:
        """The task to start now, or None (nothing ready)."""
        if self.then and (not self.after if self.after is not None
                          else not self.pending and not self.running):
            self.pending.extendleft(reversed(self.then))
            self.then = []
        return self.pending.popleft() if self.pending else None

    def left(self) -> bool:
        return bool(self.pending or self.then or self.running)

    def check_done(self) -> None:
        """Raise when jobs are left, waiting for results that never came."""
        if self.left():
            raise RuntimeError("jobs left waiting for results that never came: "
                               + ", ".join(sorted(self.after or ())))


def _run_here(order: _Order, cwd: Path,
              on_done: Callable[[JobResult], None] | None) -> list[JobResult]:
    """One worker: this process, its kernel shut down at the end of the batch."""
    results = []

    def done(result: JobResult) -> None:
        order.seen(result)
        if on_done:
            on_done(result)

    try:
        while (task := order.next()) is not None:
            results += _run_task(task, cwd, done)
    finally:
        shutdown_kernels()
    order.check_done()
    return results


def run_jobs(jobs: list[Any], *, workers: int, cwd: Path,
             on_done: Callable[[JobResult], None] | None = None,
             connection_dir: Path | None = None, then: Sequence[Any] = (),
             after: Collection[str] | None = None) -> list[JobResult]:
    """Execute (and render) ``jobs`` with ``workers`` processes; results in completion order.

    A job is a notebook run alone in the warm kernel of its process
    (:class:`~pipeline.run.plan.NotebookJob`) or notebooks run in the process itself
    (:class:`pipeline.run.batch.NotebookBatch`, one result per notebook: ``welfare run``
    runs every notebook so, and starts no kernel).
    ``cwd`` is the notebooks' working directory, the project's root. The kernels' connection
    files go to ``connection_dir`` (default: the ``data/work/kernels`` of the project at
    ``cwd``), cleared first of those left by kernels that are gone.
    ``then`` are jobs that need the results named in ``after`` (by default every job's):
    they start once ``on_done`` has seen all of those, ahead of the jobs not yet started
    (the summary, which reads the sections' tables, runs beside the company reports).
    At most ``workers`` jobs are handed out at a time, so that one can go ahead of the rest.
    The first failure stops the batch and is raised (a :class:`NotebookError`).
    """
    folder = connection_dir if connection_dir is not None else kernels_dir(Paths(cwd))
    clear_stale_connection_files(folder)
    if not jobs and not then:
        return []
    order = _Order(jobs, then, after)
    workers = max(1, min(workers, len(jobs) + len(then)))
    if workers == 1:
        with use_connection_dir(folder):
            return _run_here(order, cwd, on_done)
    results: list[JobResult] = []
    kernel = any(isinstance(job, NotebookJob) for job in [*jobs, *then])
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                             initargs=(str(cwd), os.getpid(), str(folder), kernel,
                                       workers)) as pool:
        running: set[Future[list[JobResult]]] = set()
        try:
            while True:
                while len(running) < workers and (task := order.next()) is not None:
                    running.add(pool.submit(_worker_run, task))
                order.running = len(running)
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    running.discard(future)
                    for result in future.result():
                        results.append(result)
                        order.seen(result)
                        if on_done:
                            on_done(result)
                order.running = len(running)
        except BaseException:
            for f in running:
                f.cancel()
            raise
    order.check_done()
    return results
