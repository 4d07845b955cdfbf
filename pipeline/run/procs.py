"""The processes of a run die with it, and their connection files do not outlive them.

``welfare run --jobs N`` starts N worker processes (:mod:`pipeline.run.execute`) and each
worker starts one kernel (:mod:`pipeline.run.engine`). A run killed with SIGKILL (by hand,
by a timeout, by the system running out of memory) runs no clean-up code, so:

- each child asks Linux to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG,
  SIGKILL)``): a worker as the pool starts it (:func:`die_with_parent`), a kernel between
  fork and exec (:func:`kernel_launch_options`, passed to ``Popen`` by jupyter_client).
  Linux sends the signal when the *thread* that started the child ends, so only children
  started from a main thread ask for it; elsewhere, and on other systems, a kernel still
  ends within a second of its parent through ipykernel's own poller (``JPY_PARENT_PID``);
- the kernels' connection files (address, ports and key of a kernel) go to one folder of
  the project (:func:`kernels_dir`), named after the process that started the kernel
  (:func:`connection_file`), and a run removes those whose process is gone
  (:func:`clear_stale_connection_files`) before it starts its own kernels.

Only the standard library is imported here: papermill imports the engine, and with it this
module, while it imports itself.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.config import Paths

#: ``prctl`` option: the signal the calling process gets when its parent (thread) dies.
PR_SET_PDEATHSIG = 1
#: A connection file written by :func:`connection_file`: owner's pid and start time.
CONNECTION_FILE = re.compile(r"^kernel-(\d+)-(\d+)-[0-9a-f]+\.json$")


def kernels_dir(paths: Paths) -> Path:
    """Where a run's kernels write their connection files (:attr:`Paths.kernels_dir`)."""
    return paths.kernels_dir


# --- memory ------------------------------------------------------------------------------------

#: Python code that hands the memory a finished step freed back to the system (a kernel runs
#: it after every notebook; :func:`release_memory` does the same in this process).
RELEASE = ("import gc as _gc, ctypes as _ct, sys as _sys\n"
           "_gc.collect()\n"
           "if 'pyarrow' in _sys.modules: _sys.modules['pyarrow'].default_memory_pool()"
           ".release_unused()\n"
           "try: _ct.CDLL(None).malloc_trim(0)\n"
           "except (OSError, AttributeError): pass\n"
           "del _gc, _ct, _sys")


def release_memory() -> None:
    """Give back to the system the memory of objects already freed (Python's collector,
    pyarrow's pool, glibc's heap).

    After the ingest of 1,000,000 answers the run's process keeps about a gigabyte of freed
    heap that the worker processes it forks next would share and partly copy: released
    first, it is not counted three times.
    """
    exec(RELEASE, {})


# --- figures --------------------------------------------------------------------------------

#: Python code that closes every open matplotlib figure (pyplot is not imported if nothing
#: imported it). A kernel runs it between notebooks, :func:`close_figures` before each
#: notebook run in this process: the inline backend shows every open figure at the end of a
#: cell, so a figure left open by the previous notebook (one that failed before showing it),
#: or inherited from the process that forked a worker, would be published in the next
#: report, unlabelled, and perhaps in a public page when it came from a company's.
CLOSE_FIGURES = ("import sys as _sys\n"
                 "if 'matplotlib.pyplot' in _sys.modules: "
                 "_sys.modules['matplotlib.pyplot'].close('all')\n"
                 "del _sys")


def close_figures() -> None:
    """Close every open matplotlib figure of this process (:data:`CLOSE_FIGURES`)."""
    exec(CLOSE_FIGURES, {})


# --- cores ----------------------------------------------------------------------------------

#: Environment variables that size the thread pools of the numerical libraries (OpenBLAS,
#: OpenMP, MKL), read as a process loads them.
NATIVE_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def share_cores(workers: int) -> int:
    """Give this worker process, and the kernels it starts, its share of the cores.

    Each of ``workers`` processes gets ``cores // workers`` threads (at least one) for
    NumPy's and SciPy's linear algebra. By default each process sizes OpenBLAS's pool to
    every core, so that N workers on N cores run N x N threads that wait for each other
    (OpenBLAS's threads spin while they wait): on 2 cores, 2 workers of a cold demo run
    spent 3-4 s more processor time and finished 2-3 s later. The variables go to the
    kernels this process starts (a variable the user set is kept); NumPy, already loaded
    by the parent before the fork, is limited through ``threadpoolctl``. Returns the threads.
    """
    threads = max(1, (os.cpu_count() or 1) // max(1, workers))
    for var in NATIVE_THREAD_VARS:
        os.environ.setdefault(var, str(threads))
    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits

        given = os.environ["OPENBLAS_NUM_THREADS"]
        threadpool_limits(limits=int(given) if given.isdigit() and int(given) else threads)
    return threads


# --- parent-death signal ----------------------------------------------------------------------

def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` (Linux only), or ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()


def can_die_with_parent() -> bool:
    """Whether a child started from this thread can be killed with its parent."""
    return _PRCTL is not None and threading.current_thread() is threading.main_thread()


def die_with_parent(parent: int) -> bool:
    """Ask for SIGKILL when this process's parent dies; exit now if ``parent`` is gone already.

    Called first thing in a child (a pool worker's initializer). ``parent`` is the pid of
    the process that started it: a parent that died before the request was made sends no
    signal, so its absence is checked after. Returns whether the request was made (Linux).
    """
    if _PRCTL is None:
        return False
    if _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent and not process_alive(parent):
        os._exit(1)
    return True


def kernel_launch_options() -> dict[str, Any]:
    """Extra ``Popen`` arguments for a kernel started now: dies with this process (Linux).

    The function runs in the kernel's process between fork and exec, where nothing but
    what it was given is safe to call: the ``prctl`` function found at import, and ``os``.
    Empty off the main thread (the kernel would die with that thread, not the process).
    """
    if not can_die_with_parent():
        return {}
    prctl, parent, getppid, exit_now = _PRCTL, os.getpid(), os.getppid, os._exit
    option, kill = PR_SET_PDEATHSIG, int(signal.SIGKILL)

    def arm() -> None:
        prctl(option, kill, 0, 0, 0)
        if getppid() != parent:  # the parent died between fork and prctl
            exit_now(1)

    return {"preexec_fn": arm}


# --- which processes live ---------------------------------------------------------------------

def process_start(pid: int) -> int:
    """When process ``pid`` started (clock ticks since boot; Linux), or 0 when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) "
    return int(fields[19])


def process_alive(pid: int, start: int = 0) -> bool:
    """Whether process ``pid`` runs (a zombie does not), and started at ``start`` if given."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        stat = ""
    if stat:
        fields = stat[stat.rindex(")") + 2:].split()
        return fields[0] not in ("Z", "X") and (not start or int(fields[19]) == start)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- connection files -------------------------------------------------------------------------

def connection_file(folder: Path) -> Path:
    """A new connection file's path in ``folder``, named after this process (created 0700)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    pid = os.getpid()
    return folder / f"kernel-{pid}-{process_start(pid)}-{uuid.uuid4().hex[:12]}.json"


def clear_stale_connection_files(folder: Path) -> list[Path]:
    """Remove the connection files in ``folder`` whose owner process is gone; return them.

    Files of a live process (another run's kernels) and files not named by
    :func:`connection_file` are left alone.
    """
    removed = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.iterdir()):
        match = CONNECTION_FILE.match(path.name)
        if match is None or process_alive(int(match[1]), int(match[2])):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
