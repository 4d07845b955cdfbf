"""Atomic replacement of files and folders: a reader sees the old or the new, never a mix.

Who may read what is written is decided here too, by one rule: a file or folder in a
private tree (:func:`pipeline.config.private_root`: processed data, ``data/work``, the
confidential reports) is created owner-only (0600, 0700), anything else gets the umask's
default like any new file. Each writer takes ``private``: None (default) asks that rule
about the path, True / False decide for it; ``WELFARE_PRIVATE_MODE=0`` makes all public.
"""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from pipeline.config import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, private_mode, private_root

# --- who may read it: owner-only in a private tree ----------------------------------------------

def is_private(path: Path, private: bool | None = None) -> bool:
    """Whether ``path`` is made owner-only: ``private`` if given (and private mode on), else
    whether it lies in a private tree (:func:`pipeline.config.private_root`)."""
    if private is None:
        return private_root(path) is not None
    return private and private_mode()


def _owner_only(path: Path, mode: int) -> None:
    """Set ``path``'s mode to ``mode`` when this user owns it (another's is left alone)."""
    st = path.stat()
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) != mode:
        os.chmod(path, mode)


def make_folder(path: Path, *, private: bool | None = None) -> Path:
    """``mkdir -p path``; the folders of a private tree on the way are owner-only (0700).

    With ``private`` None, every folder from the top of the private tree down to ``path``
    is made, or tightened when it exists (e.g. ``data/processed`` from an older version);
    True makes only ``path`` itself owner-only.
    """
    path = Path(path)
    chain: list[Path] = []
    if private is None:
        folder = path
        while folder.parent != folder and is_private(folder):
            chain.insert(0, folder)
            folder = folder.parent
    elif is_private(path, private):
        chain = [path]
    if not chain:
        path.mkdir(parents=True, exist_ok=True)
        return path
    chain[0].parent.mkdir(parents=True, exist_ok=True)
    for folder in chain:
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        _owner_only(folder, PRIVATE_DIR_MODE)
    return path


def open_append(path: Path, *, private: bool | None = None) -> TextIO:
    """Open ``path`` to append UTF-8 text (a log), created owner-only when private."""
    path = Path(path)
    make_folder(path.parent)
    owner_only = is_private(path, private)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                 PRIVATE_FILE_MODE if owner_only else 0o666)
    if owner_only:
        os.fchmod(fd, PRIVATE_FILE_MODE)  # also a log an older version left readable
    return os.fdopen(fd, "a", encoding="utf-8")


def _umask() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def settle_modes(tree: Path, dest: Path | None = None, *, private: bool | None = None) -> None:
    """Give each folder and file of ``tree`` the mode it must have once at ``dest``.

    Owner-only in a private tree (see :func:`is_private`; ``dest`` defaults to ``tree``),
    the umask's default elsewhere: a private file copied into a public site (the
    data-quality page) becomes readable, a confidential report copied in does not.
    Symbolic links are left alone.
    """
    dest = Path(dest or tree)
    public = ~_umask()
    for folder, _dirs, files in os.walk(tree):
        rel = Path(folder).relative_to(tree)
        entries = [(Path(folder), dest / rel, True)]
        entries += [(Path(folder) / f, dest / rel / f, False) for f in files]
        for path, final, is_dir in entries:
            if path.is_symlink():
                continue
            if is_private(final, private):
                mode = PRIVATE_DIR_MODE if is_dir else PRIVATE_FILE_MODE
            else:
                mode = (0o777 if is_dir else 0o666) & public
            _owner_only(path, mode)


# --- all or nothing ---------------------------------------------------------------------------

def write_bytes_atomic(path: Path, data: bytes, *, private: bool | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    ``private`` (default: where ``path`` is, see :func:`is_private`) makes the file
    owner-only from its creation, and its folders in a private tree too.
    """
    tmp = _written_beside(path, data, private)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _written_beside(path: Path, data: bytes, private: bool | None) -> Path:
    """``data`` written whole and synced to a new temporary file beside ``path`` (same
    folder, so a rename or link is atomic), owner-only from its creation when private."""
    make_folder(path.parent)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    owner_only = is_private(path, private)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                 PRIVATE_FILE_MODE if owner_only else 0o666)
    try:
        if owner_only:
            os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_text_atomic(path: Path, text: str, *, private: bool | None = None) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), private=private)


def write_once(path: Path, data: bytes, *, private: bool | None = None) -> bytes:
    """Create ``path`` holding ``data`` unless it exists; return what ``path`` holds.

    The file is written whole under a temporary name, then linked to ``path``, which fails
    when ``path`` exists: of two processes creating it at once one wins and both return
    the winner's content; a reader never sees it half written. ``private`` as in
    :func:`write_bytes_atomic`.
    """
    path = Path(path)
    if path.is_file():
        return path.read_bytes()
    tmp = _written_beside(path, data, private)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def _start_time(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, Linux), ``"0"`` when unknown.

    With the pid it names a process for good: a pid reused later has another start time.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def _owner() -> str:
    """This process as the owner of a staging folder: ``<pid>-<start time>``."""
    pid = os.getpid()
    return f"{pid}-{_start_time(pid)}"


#: The staging folders and backups this process is using right now.
_ACTIVE: set[Path] = set()


def _owner_alive(leftover: Path, kind: str) -> bool:
    """Whether the process that made ``leftover`` (``.<dest>.<kind>-<pid>-<start>-<token>``)
    still runs. Names without an owner (older versions) have none alive."""
    tail = leftover.name.rsplit(f".{kind}-", 1)[-1].split("-")
    if len(tail) != 3 or not tail[0].isdigit():
        return False
    pid, start = int(tail[0]), tail[1]
    if pid == os.getpid():
        return leftover in _ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return start == "0" or _start_time(pid) in (start, "0")


def recover(dest: Path) -> None:
    """Tidy what an interrupted :func:`staged_folder` left beside ``dest``.

    Only what a dead process left is touched: a staging folder or backup whose owner
    (pid and start time, in its name) still runs belongs to a build in progress. A stale
    backup is put back when ``dest`` itself is missing (the kill fell between the two
    renames); stale staging folders are removed.
    """
    parent = dest.parent
    if not parent.is_dir():
        return
    for leftover in parent.glob(f".{dest.name}.old-*"):
        if _owner_alive(leftover, "old"):
            continue
        if not dest.exists():
            leftover.rename(dest)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in parent.glob(f".{dest.name}.tmp-*"):
        if not _owner_alive(leftover, "tmp"):
            shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def staged_folder(dest: Path, *, private: bool | None = None) -> Iterator[Path]:
    """Build a folder in a staging place and swap it into ``dest`` only on success.

    Yields the staging folder (next to ``dest``, so the final renames stay on one file
    system), named after this process (``.<dest>.tmp-<pid>-<start time>-<token>``) so that
    another process clears it only once this one is dead. If the body raises, or the
    process dies, ``dest`` is left exactly as it was. Before the swap every entry gets the
    mode of its final place (:func:`settle_modes`; ``private`` as there).
    """
    make_folder(dest.parent)
    recover(dest)
    token = f"{_owner()}-{uuid.uuid4().hex[:8]}"
    stage = dest.parent / f".{dest.name}.tmp-{token}"
    backup = dest.parent / f".{dest.name}.old-{token}"
    _ACTIVE.update((stage, backup))
    try:
        make_folder(stage, private=private)
        try:
            yield stage
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        settle_modes(stage, dest, private=private)
        if dest.exists():
            os.replace(dest, backup)
        os.replace(stage, dest)
        shutil.rmtree(backup, ignore_errors=True)
    finally:
        _ACTIVE.difference_update((stage, backup))
