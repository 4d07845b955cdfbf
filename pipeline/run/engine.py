"""papermill's ``welfare`` engine: notebook after notebook in one started kernel per process.

papermill's own engine starts a new kernel for every notebook and pays the imports of
pandas, scipy and seaborn each time (about 2 s). This engine keeps one kernel per process
(and working directory) and runs the notebooks one after another in it, with ``%reset -f``
after each (and before the next when one failed half-way): variables are cleared and their
memory handed back to the system, imported modules stay. Everything else is papermill's:
parameters, the execution manager (cell metadata, timings, saving), its notebook client
and its errors. It is registered with papermill
(``[project.entry-points."papermill.engine"]`` in ``pyproject.toml``), so
``papermill --engine welfare in.ipynb out.ipynb -p wave demo-2013`` runs a notebook
exactly as ``welfare run`` does (:mod:`pipeline.run.execute`).

A kernel is shut down when its process exits (or by :func:`shutdown_kernels`). A kernel
whose process is killed dies with it (:mod:`pipeline.run.procs`: a parent-death signal on
Linux, ipykernel's poller of ``JPY_PARENT_PID`` elsewhere). Its connection file goes to
the folder set by :func:`use_connection_dir` (``welfare run``: the project's
``data/work/kernels``), or to the temporary folder as jupyter_client's default.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def __getattr__(name: str) -> Any:
    # papermill imports the entry points of its engines while it imports itself: when this
    # module is imported before papermill, papermill asks for the engine before the class
    # below exists. It gets nothing then; the end of this module registers the engine.
    if name == "WarmKernelEngine":
        return None
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


from jupyter_client.manager import KernelManager  # noqa: E402
from papermill.clientwrap import PapermillNotebookClient  # noqa: E402
from papermill.engines import Engine, papermill_engines  # noqa: E402
from papermill.log import logger  # noqa: E402
from papermill.utils import merge_kwargs, remove_args  # noqa: E402

from pipeline.run.procs import (  # noqa: E402
    CLOSE_FIGURES,
    RELEASE,
    connection_file,
    kernel_launch_options,
)

ENGINE_NAME = "welfare"
KERNEL_NAME = "python3"
#: What clears the previous notebook's variables (imported modules stay).
RESET = "%reset -f"
#: Seconds a kernel may take to start, and to clear the previous notebook's variables.
START_TIMEOUT = 120


class WarmKernel:
    """One started kernel that runs notebook after notebook."""

    def __init__(self, kernel_name: str, cwd: Path, start_timeout: float = START_TIMEOUT,
                 connection_dir: Path | None = None):
        self.cwd = Path(cwd)
        where = ({} if connection_dir is None
                 else {"connection_file": str(connection_file(connection_dir))})
        self.km = KernelManager(kernel_name=kernel_name, **where)
        self.km.start_kernel(cwd=str(self.cwd), **kernel_launch_options())
        self.kc = self.km.client()
        self.kc.start_channels()
        self.notebooks = 0
        #: True when no notebook's variables are left (just started, or reset after one).
        self.clean = True
        try:
            self.kc.wait_for_ready(timeout=start_timeout)
        except BaseException:
            self.close()
            raise

    def alive(self) -> bool:
        return self.km.is_alive()

    def reset(self, timeout: float = START_TIMEOUT) -> None:
        """Clear the last notebook's variables and close its figures before the next one
        starts (:data:`~pipeline.run.procs.CLOSE_FIGURES`), and hand
        the memory they held back to the system (an idle kernel does not keep a wave of
        1,000,000 answers while the other workers run)."""
        msg_id = self.kc.execute(f"{RESET}\n{CLOSE_FIGURES}\n{RELEASE}", store_history=False)
        while True:  # the notebook client ignores this request's messages on IOPub
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{RESET} failed in the kernel: {reply['content']}")
        self.clean = True

    def close(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


#: The started kernels of this process, by kernel name and working directory.
_KERNELS: dict[tuple[str, str], WarmKernel] = {}
_OWNER = os.getpid()
#: Where kernels started from now on write their connection files (None: jupyter's default).
_CONNECTION_DIR: Path | None = None


@contextmanager
def use_connection_dir(folder: Path | None) -> Iterator[None]:
    """Kernels started in the block write their connection files in ``folder``."""
    global _CONNECTION_DIR
    previous, _CONNECTION_DIR = _CONNECTION_DIR, folder
    try:
        yield
    finally:
        _CONNECTION_DIR = previous


def set_connection_dir(folder: Path | None) -> None:
    """For the rest of this process, kernels write their connection files in ``folder``."""
    global _CONNECTION_DIR
    _CONNECTION_DIR = folder


def _own_kernels() -> dict[tuple[str, str], WarmKernel]:
    """This process's kernels: a forked worker does not inherit its parent's."""
    global _OWNER
    if _OWNER != os.getpid():
        _KERNELS.clear()
        _OWNER = os.getpid()
    return _KERNELS


def warm_kernel(kernel_name: str, cwd: str | Path,
                start_timeout: float = START_TIMEOUT) -> WarmKernel:
    """The started kernel of this process for ``kernel_name`` in ``cwd`` (started if need be)."""
    kernels = _own_kernels()
    key = (kernel_name, str(Path(cwd).resolve()))
    kernel = kernels.get(key)
    if kernel is not None and not kernel.alive():  # died with the previous notebook
        del kernels[key]
        kernel.close()
        kernel = None
    if kernel is None:
        kernel = kernels[key] = WarmKernel(kernel_name, Path(key[1]), start_timeout,
                                           _CONNECTION_DIR)
    return kernel


def shutdown_kernels() -> None:
    """Shut down every kernel this process started."""
    kernels = _own_kernels()
    while kernels:
        _, kernel = kernels.popitem()
        kernel.close()


atexit.register(shutdown_kernels)


class WarmKernelEngine(Engine):
    """papermill engine executing in this process's warm kernel (see the module)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: float = START_TIMEOUT,
                                 execution_timeout: float | None = None,
                                 **kwargs: Any) -> Any:
        """Execute ``nb_man.nb`` in the warm kernel for the current working directory.

        The arguments are those of papermill's ``nbclient`` engine, which this one follows
        but for the kernel: started once per process, reset after every notebook.
        """
        kernel = warm_kernel(kernel_name, os.getcwd(), max(start_timeout, START_TIMEOUT))
        if not kernel.clean:  # the previous notebook failed before its reset
            kernel.reset()
        kernel.clean = False
        kernel.notebooks += 1
        # As papermill's nbclient engine: drop what nbclient does not know, rename the rest.
        kwargs = remove_args(["input_path"], **kwargs)
        client_kwargs = merge_kwargs(
            remove_args(["timeout", "startup_timeout"], **kwargs),
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
            log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        client = PapermillNotebookClient(nb_man, km=kernel.km, **client_kwargs)
        client.kc = kernel.kc
        executed = client.execute(cleanup_kc=False)
        kernel.reset()  # the notebook's tables do not wait in memory for the next notebook
        return executed


papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
