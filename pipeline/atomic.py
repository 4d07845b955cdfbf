"""Atomic replacement of files and folders: a reader sees the old or the new, never a mix."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def recover(dest: Path) -> None:
    """Tidy what an interrupted :func:`staged_folder` left beside ``dest``.

    A leftover backup is put back when ``dest`` itself is missing (the kill fell between the
    two renames); leftover staging folders are removed.
    """
    parent = dest.parent
    if not parent.is_dir():
        return
    for leftover in parent.glob(f".{dest.name}.old-*"):
        if not dest.exists():
            leftover.rename(dest)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in parent.glob(f".{dest.name}.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def staged_folder(dest: Path) -> Iterator[Path]:
    """Build a folder in a staging place and swap it into ``dest`` only on success.

    Yields the staging folder (next to ``dest``, so the final renames stay on one file
    system). If the body raises, or the process dies, ``dest`` is left exactly as it was.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    recover(dest)
    token = uuid.uuid4().hex[:8]
    stage = dest.parent / f".{dest.name}.tmp-{token}"
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    backup = dest.parent / f".{dest.name}.old-{token}"
    if dest.exists():
        os.replace(dest, backup)
    os.replace(stage, dest)
    shutil.rmtree(backup, ignore_errors=True)
