"""One run per wave at a time: a lock file per wave, and one for ``welfare run --all``.

A lock is ``fcntl.flock`` on a file of ``data/work/locks/`` (:meth:`Paths.wave_lock`,
:meth:`Paths.all_lock`), held for the whole run. The operating system releases it when the
process ends, however it ends, so a killed run never leaves a stale lock: the file staying
behind means nothing. While a run holds it, the file says who that is (pid, start time,
command), so that a refused run can name it.

A busy lock is refused at once with :class:`BusyError` (the CLI exits with
:data:`BUSY_STATUS`), or waited for up to ``wait`` seconds. Locks are not re-entrant: a
process holding a wave's lock must not ask for it again.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.atomic import is_private, make_folder
from pipeline.config import PRIVATE_FILE_MODE, Paths
from pipeline.errors import PipelineError, display_path

#: Exit status of a command refused because another run holds its lock (``EX_TEMPFAIL``).
BUSY_STATUS = 75
#: How often a waiting run tries the lock again, in seconds.
POLL_SECONDS = 0.2

#: Descriptors of the locks this process holds: closed in forked children, whose copy of a
#: descriptor would otherwise keep the lock held after this process died.
_HELD: set[int] = set()


def _close_in_child() -> None:
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)


class BusyError(PipelineError):
    """Another run holds the lock: nothing was done (exit status :data:`BUSY_STATUS`)."""

    exit_status = BUSY_STATUS


def _holder(path: Path) -> dict[str, Any]:
    """What the lock file says about the run holding it (``{}`` when it says nothing yet)."""
    for _ in range(5):  # the holder writes it right after taking the lock
        try:
            value = json.loads(path.read_text(encoding="utf-8") or "null")
        except (OSError, ValueError):
            value = None
        if isinstance(value, dict):
            return value
        time.sleep(0.02)
    return {}


def describe_holder(holder: dict[str, Any]) -> str:
    """``welfare run --all (pid 4242, started 2024-05-02T10:00:00)``, or what is known."""
    details = [f"pid {holder['pid']}" if holder.get("pid") else "pid unknown"]
    if holder.get("started"):
        details.append(f"started {holder['started']}")
    return f"{holder.get('command') or 'another run'} ({', '.join(details)})"


def _command() -> str:
    """The command line of this process, ``welfare run --all`` rather than a script path."""
    argv = list(sys.argv) or ["python"]
    name = Path(argv[0]).name
    if name in ("cli.py", "__main__.py", "-m", "-c") or name.startswith("python"):
        name = "welfare"
    return " ".join([name, *argv[1:]])[:200]


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def hold(path: Path, what: str, *, wait: float | None = None,
         notify: Callable[[str], None] | None = None,
         create: bool = True) -> Iterator[dict[str, Any]]:
    """Hold the lock ``path`` for the body; ``what`` names it in messages (``wave 2014``).

    Parameters
    ----------
    wait
        Seconds to wait for a busy lock; ``None`` or ``0`` refuses at once.
    notify
        Called once with a line saying what the run waits for, when it starts waiting.
    create
        ``False``: when the lock file does not exist (no run ever wrote this wave), go on
        without a lock and write nothing (what a command that only reads needs).

    Raises
    ------
    BusyError
        The lock is held by another run (after ``wait`` seconds when given): one line
        naming ``what``, the holder (pid, start time, command) and the lock file.
    """
    if not create and not path.is_file():
        yield {}
        return
    fd, writable = _open(path)
    try:
        _acquire(fd, path, what, wait, notify)
        holder = {"pid": os.getpid(), "started": dt.datetime.now().isoformat(timespec="seconds"),
                  "command": _command()}
        if writable:
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(holder) + "\n").encode("utf-8"), 0)
        _HELD.add(fd)
        try:
            yield holder
        finally:
            _HELD.discard(fd)
            if writable:
                os.ftruncate(fd, 0)  # released: the next holder writes its own
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _open(path: Path) -> tuple[int, bool]:
    """The lock file, created with the mode of its folder (owner-only when private); another
    user's is opened read-only (it locks as well, the holder is not written)."""
    make_folder(path.parent)
    mode = PRIVATE_FILE_MODE if is_private(path) else 0o666
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, mode), True
    except PermissionError:
        try:
            return os.open(path, os.O_RDONLY), False
        except PermissionError:
            raise PipelineError(f"{display_path(path)}: cannot open this lock file (another "
                                "user's, not readable): ask its owner, or set "
                                "WELFARE_PRIVATE_MODE=0 for a folder shared by a group") from None


def _acquire(fd: int, path: Path, what: str, wait: float | None,
             notify: Callable[[str], None] | None) -> None:
    if _try_lock(fd):
        return
    where = f"lock file {display_path(path)}"
    if not wait or wait <= 0:
        raise BusyError(f"{what} is busy: {describe_holder(_holder(path))} holds it; try "
                        f"again when it has finished, or use --wait SECONDS ({where})")
    if notify is not None:
        notify(f"{what} is busy: {describe_holder(_holder(path))} holds it; waiting up to "
               f"{wait:g} s")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        if _try_lock(fd):
            return
    raise BusyError(f"{what} is still busy after {wait:g} s: {describe_holder(_holder(path))} "
                    f"holds it ({where})")


def wave_lock(paths: Paths, wave: str, *, wait: float | None = None,
              notify: Callable[[str], None] | None = None, create: bool = True) -> Any:
    """:func:`hold` the lock of one wave (checks the label before creating anything)."""
    return hold(paths.wave_lock(wave), f"wave {wave}", wait=wait, notify=notify,
                create=create)


def all_lock(paths: Paths, *, wait: float | None = None,
             notify: Callable[[str], None] | None = None) -> Any:
    """:func:`hold` the lock of ``welfare run --all``."""
    return hold(paths.all_lock(), "welfare run --all", wait=wait, notify=notify)
