"""Hashes that decide what must be redone: files, the package's code, JSON-able values.

Kept free of heavy imports so that a rerun with nothing to do stays fast.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.config import PACKAGE_DIR

_CODE_SUFFIXES = (".py", ".yaml", ".csv", ".j2", ".tpl", ".css", ".json", ".html")


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_value(value: Any) -> str:
    """SHA-256 of a JSON-serialisable value (keys sorted)."""
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def code_version() -> dict[str, str]:
    """The package version and one hash of every source, template and codebook file."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(PACKAGE_DIR)).encode())
            h.update(path.read_bytes())
    return {"package": __version__, "source_sha256": h.hexdigest()}


def folder_hashes(folder: Path) -> dict[str, str]:
    """``{file name: sha256}`` of the files directly in ``folder`` (hidden files skipped).

    A symbolic link is named, not followed (its target could be anything, a FIFO even):
    ingestion refuses it with its own message.
    """
    if not folder.is_dir():
        return {}
    return {p.name: ("symlink:" + os.readlink(p)) if p.is_symlink() else sha256_file(p)
            for p in sorted(folder.iterdir())
            if not p.name.startswith(".") and (p.is_symlink() or p.is_file())}
