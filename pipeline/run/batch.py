"""Notebooks run in-process: the company notebook company after company, and each section.

A wave has one confidential report per surveyed company, all from the same notebook
(``notebooks/company/company_report.py``). Run one papermill notebook each, every report
pays a kernel round trip for each cell and loads and scores the whole wave again. A batch
runs them in this process instead, one after the other:

* the notebook's code cells run in an IPython shell of this process
  (:class:`BatchShell`), with its display publisher, display hook and output streams
  collecting each cell's outputs as nbformat outputs, in order, and the figure formats a
  kernel's ``set_theme`` selects (the inline backend, SVG, tight bounding box, no date):
  the outputs are those of the kernel, byte for byte;
* every notebook starts with an empty namespace (``%reset -f``, as the warm kernel does)
  and gets its parameters as papermill gives them: a cell tagged ``injected-parameters``
  after the ``parameters`` cell, and papermill's metadata, so the executed notebook (in
  ``data/work``, owner-only) is the one papermill would write;
* a cell that runs longer than :data:`~pipeline.run.execute.CELL_TIMEOUT` fails, as in a
  kernel (:func:`_cell_time_limit`);
* what does not depend on the company (the wave's tables, codebook, maturity scores,
  survey design, previous wave) is computed once per batch
  (:func:`pipeline.notebook.open_company_wave` in
  :func:`~pipeline.analyse.analysis.company_wave.company_wave_batch`);
* each report is rendered from the notebook in memory (:func:`pipeline.render.report.
  render_node`): its own HTML and PDF, as before.

``welfare run`` runs each section (and the summary) the same way, as a batch of one
(:func:`pipeline.run.steps.build_notebooks`): in the worker process itself, which has the
libraries its parent loaded, rather than in a kernel that starts and imports them again
and receives every output over a socket. On the demo wave the five sections took 25 s in
one process this way against 31.5 s in a warm kernel, with the same HTML (but for the
random ids of cells and styled tables).

Each company keeps its own cache key, outputs and record (:mod:`pipeline.run.plan`):
a batch holds only the companies whose key changed. A failing cell stops the batch with
a :class:`~pipeline.run.execute.NotebookError` naming the company, the notebook and the
cell; its executed notebook is written with the error, for reading.

The notebooks still run alone, with papermill or in JupyterLab: nothing in them knows about
batches. ``benchmarks/bench_companies.py`` measures a batch against one notebook per
company.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import io
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat.v4 import new_output
from papermill.execute import prepare_notebook_metadata, remove_error_markers
from papermill.parameterize import parameterize_notebook
from papermill.utils import chdir
from traitlets import Type
from traitlets.config import Config, SingletonConfigurable

from pipeline.analyse.analysis.company_wave import company_wave_batch
from pipeline.atomic import make_folder, write_text_atomic
from pipeline.render.report import render_node
from pipeline.run.engine import ENGINE_NAME, KERNEL_NAME
from pipeline.run.execute import CELL_TIMEOUT, JobResult, NotebookError, _source
from pipeline.run.plan import NotebookJob
from pipeline.run.procs import close_figures, release_memory

#: What a kernel's ``set_theme`` configures for figures (:mod:`pipeline.analyse.plots.theme`).
_FIGURE_CONFIG = ("InlineBackend.figure_formats = ['svg']",
                  "InlineBackend.print_figure_kwargs = "
                  "{'bbox_inches': 'tight', 'metadata': {'Date': None}}")


@dataclass(frozen=True)
class NotebookBatch:
    """Notebooks run one after the other in one process (:func:`run_batch`): the company
    reports of a wave, or one section."""

    jobs: tuple[NotebookJob, ...]


# --- the outputs of a cell ----------------------------------------------------------------------

class _Publisher(DisplayPublisher):
    """``display()`` as a ``display_data`` output of the running cell."""

    outputs: list[Any] = []

    def publish(self, data: dict, metadata: dict | None = None, source: Any = None, *,
                transient: dict | None = None, update: bool = False, **kwargs: Any) -> None:
        self.outputs.append(new_output("display_data", data=data, metadata=metadata or {}))

    def clear_output(self, wait: bool = False) -> None:
        self.outputs.clear()


class _Hook(DisplayHook):
    """A cell's last expression as an ``execute_result`` output of the running cell."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict: dict, md_dict: dict | None = None) -> None:
        self.shell.display_pub.outputs.append(new_output(
            "execute_result", data=format_dict, metadata=md_dict or {},
            execution_count=None))  # the cell's, set when it is done

    def finish_displayhook(self) -> None:
        pass


class _Stream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` as ``stream`` outputs, consecutive writes merged."""

    def __init__(self, name: str, publisher: _Publisher):
        self.name_ = name
        self.publisher = publisher

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if s:
            outputs = self.publisher.outputs
            if outputs and outputs[-1].output_type == "stream" and \
                    outputs[-1].name == self.name_:
                outputs[-1].text += s
            else:
                outputs.append(new_output("stream", name=self.name_, text=s))
        return len(s)


class BatchShell(InteractiveShell):
    """An IPython shell whose cells' outputs become a notebook's outputs."""

    display_pub_class = Type(_Publisher)
    displayhook_class = Type(_Hook)

    def enable_gui(self, gui: str | None = None) -> None:
        """No event loop: figures are shown inline, as in a kernel."""

    def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
        self.display_pub.outputs.append(new_output(
            "error", ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue),
            traceback=list(stb)))


_SHELL: BatchShell | None = None


def batch_shell() -> BatchShell:
    """This process's shell, with the inline figure backend set as in a kernel.

    It is made without taking IPython's singleton: a process that has a shell already (a
    JupyterLab kernel running ``welfare run --jobs 1``, the tests) keeps it;
    :func:`_the_shell` makes the batch's shell the current one only while a batch runs.
    """
    global _SHELL
    if _SHELL is None:
        config = Config()
        config.HistoryManager.enabled = False  # no history database in the user's home
        config.InteractiveShell.cache_size = 0  # no Out[] keeping the companies' results
        hook = sys.displayhook
        with _the_shell(None):
            shell = BatchShell(config=config, colors="nocolor")
            with _the_shell(shell):
                shell.enable_matplotlib("inline")
                for line in _FIGURE_CONFIG:
                    shell.run_line_magic("config", line)
        sys.displayhook = hook  # a shell installs its own at creation; cells trap it
        _SHELL = shell
    return _SHELL


def _singleton_classes() -> list[type]:
    """The classes whose ``instance()`` is the shell (as traitlets walks them)."""
    return [c for c in BatchShell.__mro__
            if issubclass(c, SingletonConfigurable) and c is not SingletonConfigurable]


@contextmanager
def _the_shell(shell: BatchShell | None) -> Iterator[None]:
    """IPython's current shell (what ``display`` and ``get_ipython`` find) is ``shell``
    in the block (none for ``None``); the one before it is back afterwards."""
    saved = {c: c.__dict__.get("_instance") for c in _singleton_classes()}
    for c in saved:
        c._instance = shell
    try:
        yield
    finally:
        for c, instance in saved.items():
            c._instance = instance


@contextmanager
def _cell_outputs(shell: BatchShell, outputs: list[Any]) -> Iterator[None]:
    """Send what the cell displays and prints to ``outputs``."""
    shell.display_pub.outputs = outputs
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (_Stream("stdout", shell.display_pub),
                              _Stream("stderr", shell.display_pub))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        shell.display_pub.outputs = []


class CellTimeoutError(TimeoutError):
    """A cell ran longer than the time a cell may take (raised in the cell)."""


@contextmanager
def _cell_time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the cell after ``seconds``, as papermill's kernel client does with
    ``execution_timeout``: the cell fails with :class:`CellTimeoutError`, and the batch
    with a :class:`~pipeline.run.execute.NotebookError` naming it. Only in the main
    thread (where Python delivers signals); elsewhere there is no limit. Code that holds
    the interpreter in C without checking for signals is interrupted when it returns."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise CellTimeoutError(f"the cell ran longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _clear_names(shell: BatchShell) -> None:
    """The previous notebook's names go, as ``%reset -f`` clears them in a warm kernel
    (imported modules stay), without its full garbage collection (0.2-0.5 s a company:
    the interpreter's own collector frees the cycles later)."""
    shell.user_ns.clear()
    shell.user_ns_hidden.clear()
    shell.init_user_ns()


# --- one notebook ----------------------------------------------------------------------------------

def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _parameterized(job: NotebookJob) -> Any:
    """The job's notebook with its parameters injected, as papermill prepares it."""
    template = _source(job.source)
    nb = copy.deepcopy(template.nb)
    values = {k: v for k, v in job.parameters.items() if k in template.declared}
    if values:
        nb = parameterize_notebook(nb, values, kernel_name=KERNEL_NAME, language="python",
                                   engine_name=ENGINE_NAME)
    return remove_error_markers(prepare_notebook_metadata(nb, str(job.source),
                                                          str(job.executed)))


def execute_in_shell(job: NotebookJob, shell: BatchShell) -> Any:
    """Run the job's notebook in ``shell`` and write it executed; return it.

    Raises
    ------
    NotebookError
        A cell failed: the company (the job's name), the notebook, the cell (counted from
        1, injected parameters included) and the error; the executed notebook, with the
        error as the cell's output, is written all the same.
    """
    nb = _parameterized(job)
    _clear_names(shell)
    close_figures()
    shell.execution_count = 1
    started, t0 = _now(), time.perf_counter()
    failed = None
    for index, cell in enumerate(nb.cells):
        cell_start, c0 = _now(), time.perf_counter()
        if cell.cell_type == "code" and failed is None:
            cell.outputs = []
            with _cell_outputs(shell, cell.outputs), _cell_time_limit(CELL_TIMEOUT):
                result = shell.run_cell(cell.source, store_history=True)
            cell.execution_count = result.execution_count
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = result.execution_count
            if not result.success:
                failed = (index, cell.outputs[-1] if cell.outputs
                          and cell.outputs[-1].output_type == "error" else None,
                          result.error_before_exec or result.error_in_exec)
        cell.metadata.papermill = {"start_time": cell_start, "end_time": _now(),
                                   "duration": time.perf_counter() - c0,
                                   "status": "failed" if failed and failed[0] == index
                                   else "pending" if failed else "completed",
                                   "exception": bool(failed and failed[0] == index)}
    nb.metadata.papermill.update(start_time=started, end_time=_now(),
                                 duration=time.perf_counter() - t0,
                                 exception=failed is not None)
    make_folder(job.executed.parent)
    write_text_atomic(job.executed, nbformat.writes(nb))  # owner-only: it holds microdata
    if failed is not None:
        index, output, error = failed
        ename = output.ename if output is not None else type(error).__name__
        lines = str(output.evalue if output is not None else error).strip().splitlines()
        raise NotebookError(
            f"{job.name}: {job.source.name}, cell {index + 1}: {ename}: "
            f"{lines[-1] if lines else ''} (executed notebook: {job.executed})")
    return nb


def run_notebook(job: NotebookJob, shell: BatchShell, cwd: Path) -> JobResult:
    """Execute one notebook (a company's report, a section) in ``shell`` (working directory
    ``cwd``), render it."""
    t0 = time.perf_counter()
    with chdir(str(cwd)):
        nb = execute_in_shell(job, shell)
    t1 = time.perf_counter()
    if job.render is not None:
        render = dict(job.render)
        render_node(nb, job.executed, render.pop("html_path"), render.pop("pdf_path"),
                    **render)
    return JobResult(job.name, t1 - t0, time.perf_counter() - t1)


_KEEP = ExitStack()


def keep_company_waves() -> None:
    """For the rest of this process (a worker), batches share the wave they load, and what
    the first report left alive stays out of the collector's way (:func:`_long_lived_after_first`)."""
    if not _KEEP._exit_callbacks:  # type: ignore[attr-defined]
        _KEEP.enter_context(company_wave_batch())
        _KEEP.enter_context(_long_lived_after_first())


def run_batch(batch: NotebookBatch, cwd: Path,
              on_done: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """Run and render every notebook of ``batch`` in this process, in order.

    For company reports, the wave's shared part is computed by the first report and reused
    by the others (:func:`~pipeline.analyse.analysis.company_wave.company_wave_batch`; in a
    worker, by its later batches too: :func:`keep_company_waves`). ``on_done`` is called
    after each. The last notebook's variables go when the batch ends, and the memory they
    held goes back to the system: a worker waiting for its next batch does not keep a
    section's tables of a million answers.
    """
    shell = batch_shell()
    results = []
    try:
        with _the_shell(shell), company_wave_batch(), _long_lived_after_first() as first_done:
            for job in batch.jobs:
                result = run_notebook(job, shell, cwd)
                first_done()
                results.append(result)
                if on_done:
                    on_done(result)
    finally:
        _clear_names(shell)
        release_memory()
    return results


#: Allocations between two collections of the youngest generation during a batch (Python's
#: default is 700): a report makes hundreds of thousands of short-lived objects, freed by
#: their reference counts, and each collection walked the objects of every library loaded.
GC_THRESHOLD = 20_000


_GC = {"depth": 0, "frozen": False}  # batches within a worker's own (keep_company_waves)


@contextmanager
def _long_lived_after_first() -> Iterator[Callable[[], None]]:
    """Keep the garbage collector off what outlives every report.

    Once the first report is done, what is alive (the libraries, the wave, the shell) stays
    for the whole batch: one full collection, then those objects are set aside
    (:func:`gc.freeze`) and the collector looks only at what the later reports make, less
    often (:data:`GC_THRESHOLD`). About a sixth of a report's time went to walking the
    libraries' objects again and again. Undone when the batch ends; in a worker
    (:func:`keep_company_waves`, which holds this for the process), when the process ends:
    its later batches find those objects set aside already, instead of walking them all
    again in one full collection each.
    """
    def first_done() -> None:
        if not _GC["frozen"]:
            gc.collect()
            gc.freeze()
            _GC["frozen"] = True

    outermost = _GC["depth"] == 0
    threshold = gc.get_threshold()
    if outermost:
        gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    _GC["depth"] += 1
    try:
        yield first_done
    finally:
        _GC["depth"] -= 1
        if outermost:
            gc.set_threshold(*threshold)
            if _GC["frozen"]:
                gc.unfreeze()
                _GC["frozen"] = False


def company_batches(jobs: list[NotebookJob], workers: int, size: int = 6,
                    ) -> list[NotebookBatch]:
    """``jobs`` in batches for ``workers`` processes, in order.

    One process: one batch (it reports each company as it is done). Several: batches of
    decreasing size, each at most ``size`` reports (a worker's batch reports back only when
    it is done) and about a quarter of what is left per worker, down to one report: the
    workers take the next batch as they come free (a worker keeps the wave it loaded for
    its next batches, so a small batch costs little more than its reports), and the last
    ones are small, so the workers finish together instead of one waiting for the other's
    last full batch. For 30 reports and 2 workers: 6, 6, 5, 4, 3, 2, 1, 1, 1, 1.
    """
    if not jobs:
        return []
    if workers <= 1:
        return [NotebookBatch(tuple(jobs))]
    batches = []
    start = 0
    while start < len(jobs):
        left = len(jobs) - start
        count = max(1, min(size, -(-left // (2 * workers))))
        batches.append(NotebookBatch(tuple(jobs[start:start + count])))
        start += count
    return batches
