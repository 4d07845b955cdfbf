"""Executing notebooks in batches, reusing one started kernel per worker process.

papermill starts a new kernel for every notebook and pays the imports of pandas, scipy and
seaborn each time (about 2 s). A wave runs a handful of section notebooks and one company
notebook per surveyed company, so the pipeline keeps one kernel per worker process and runs
the notebooks one after another in it, with ``%reset -f`` in between: variables are
cleared, imported modules stay. Parameters are injected as papermill does (a cell tagged
``injected-parameters`` after the cell tagged ``parameters``), so notebooks stay ordinary
papermill notebooks that also run by hand in JupyterLab.

The benchmark ``benchmarks/bench_pipeline.py`` measures what this saves against
papermill's command line.
"""

from __future__ import annotations

import copy
import multiprocessing.util
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError

KERNEL_NAME = "python3"
#: Seconds a single cell may run before the notebook is declared stuck.
CELL_TIMEOUT = 1800


class NotebookError(PipelineError):
    """A notebook failed: which notebook, which cell, which error, where the executed copy is."""


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute (and optionally render).

    Attributes
    ----------
    source
        The notebook: a jupytext ``.py`` file or an ``.ipynb``.
    executed
        Where the executed notebook (with outputs) is written.
    parameters
        Values for the names of the ``parameters`` cell (others are ignored).
    render
        Keyword arguments of :func:`pipeline.render.render_notebook` (``html_path``,
        ``pdf_path`` and the cover), or ``None`` to only execute.
    name
        A label for progress messages.
    """

    source: Path
    executed: Path
    parameters: dict[str, Any]
    render: dict[str, Any] | None = None
    name: str = ""


@dataclass
class JobResult:
    name: str
    execute_seconds: float
    render_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


def _read_notebook(path: Path) -> Any:
    import jupytext
    import nbformat

    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    return jupytext.read(path)


_TEMPLATES: dict[tuple[str, float], Any] = {}


def _template(path: Path) -> Any:
    key = (str(path), path.stat().st_mtime)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _read_notebook(path)
    return _TEMPLATES[key]


def declared_parameters(nb: Any) -> set[str]:
    """Names assigned in the notebook's cell tagged ``parameters``."""
    import re

    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]+)?=", cell.source, re.MULTILINE))
    return set()


def parameterize(nb: Any, parameters: dict[str, Any]) -> Any:
    """A copy of ``nb`` with an ``injected-parameters`` cell after its ``parameters`` cell."""
    import nbformat

    nb = copy.deepcopy(nb)
    declared = declared_parameters(nb)
    values = {k: v for k, v in parameters.items() if k in declared}
    index = next((i for i, c in enumerate(nb.cells)
                  if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    source = "# Parameters\n" + "\n".join(f"{k} = {v!r}" for k, v in values.items())
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(
        source, metadata={"tags": ["injected-parameters"]}))
    nb.metadata.setdefault("papermill", {})["parameters"] = values
    nb.metadata.setdefault("kernelspec", {"name": KERNEL_NAME, "language": "python",
                                          "display_name": "Python 3"})
    return nb


class KernelRunner:
    """One started kernel that executes notebook after notebook."""

    def __init__(self, cwd: Path) -> None:
        from jupyter_client.manager import KernelManager

        self.cwd = Path(cwd)
        self.km = KernelManager(kernel_name=KERNEL_NAME)
        self.km.start_kernel(cwd=str(self.cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self.runs = 0

    def execute(self, job: NotebookJob) -> Any:
        """Execute ``job`` in this kernel; write and return the executed notebook."""
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        nb = parameterize(_template(job.source), job.parameters)
        # Clear the previous notebook's variables; imported modules stay warm.
        nb.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
        client = NotebookClient(nb, km=self.km, kernel_name=KERNEL_NAME,
                                timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(self.cwd)}})
        client.kc = self.kc
        job.executed.parent.mkdir(parents=True, exist_ok=True)
        try:
            client.execute(cleanup_kc=False)
        except CellExecutionError as err:
            nb.cells.pop(0)
            nbformat.write(nb, job.executed)
            failed = next((i for i, c in enumerate(nb.cells) if any(
                o.get("output_type") == "error" for o in c.get("outputs", []))), None)
            ename = getattr(err, "ename", "Error")
            evalue = str(getattr(err, "evalue", "")).strip().splitlines()
            cell = "?" if failed is None else failed + 1
            raise NotebookError(
                f"{job.source.name}, cell {cell}: {ename}: {evalue[-1] if evalue else ''} "
                f"(executed notebook: {job.executed})") from None
        finally:
            self.runs += 1
        nb.cells.pop(0)
        nbformat.write(nb, job.executed)
        return nb

    def close(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


def run_job(runner: KernelRunner, job: NotebookJob) -> JobResult:
    """Execute a job and render it when asked."""
    t0 = time.perf_counter()
    runner.execute(job)
    t1 = time.perf_counter()
    if job.render is not None:
        from pipeline.render import render_notebook

        render = dict(job.render)
        render_notebook(job.executed, render.pop("html_path"), render.pop("pdf_path"), **render)
    return JobResult(job.name, t1 - t0, time.perf_counter() - t1)


# --- worker processes ---------------------------------------------------------------------------

_RUNNER: KernelRunner | None = None


def _worker_init(cwd: str) -> None:
    global _RUNNER
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    _RUNNER = KernelRunner(Path(cwd))
    multiprocessing.util.Finalize(None, _RUNNER.close, exitpriority=10)


def _worker_run(job: NotebookJob) -> JobResult:
    assert _RUNNER is not None
    return run_job(_RUNNER, job)


def run_jobs(jobs: list[NotebookJob], *, workers: int, cwd: Path,
             on_done: Callable[[JobResult], None] | None = None) -> list[JobResult]:
    """Execute (and render) ``jobs`` with ``workers`` kernels; results in completion order.

    The first failure stops the batch and is raised (a :class:`NotebookError`).
    """
    results: list[JobResult] = []
    if not jobs:
        return results
    workers = max(1, min(workers, len(jobs)))
    if workers == 1:
        runner = KernelRunner(cwd)
        try:
            for job in jobs:
                result = run_job(runner, job)
                results.append(result)
                if on_done:
                    on_done(result)
        finally:
            runner.close()
        return results
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                             initargs=(str(cwd),)) as pool:
        futures = [pool.submit(_worker_run, job) for job in jobs]
        try:
            for future in as_completed(futures):
                result = future.result()
                results.append(result)
                if on_done:
                    on_done(result)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return results

