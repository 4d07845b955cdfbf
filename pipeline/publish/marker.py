"""The marker a publish leaves in what it writes, so that only its own output is ever replaced.

A published folder holds ``.welfare-publish.json``; a published zip holds it under its one
top folder (``<wave>/.welfare-publish.json``), so an unpacked zip is a published folder too.
The marker carries the wave, the time and the list of published files (relative, POSIX), and
nothing else: no path of the project, no name of the destination.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: The marker's file name, in a published folder and in a published zip's top folder.
MARKER = ".welfare-publish.json"
#: What the marker's ``tool`` says; a marker saying anything else is not ours.
TOOL = "welfare publish"
#: A marker larger than this is not one publish wrote (its file list is a few KB).
MAX_MARKER_BYTES = 4 * 1024 * 1024


def marker_text(wave: str, files: Iterable[Path]) -> str:
    """The marker of a publish of ``wave`` holding ``files`` (relative to the site)."""
    record = {
        "tool": TOOL,
        "format": 1,
        "wave": wave,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [Path(rel).as_posix() for rel in files],
    }
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def parse_marker(data: bytes) -> dict[str, Any] | None:
    """The marker's record, or ``None`` when ``data`` is not a marker a publish wrote."""
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("tool") != TOOL:
        return None
    files = record.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return record


def folder_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a published folder, or ``None`` (missing, a link, unreadable, not ours)."""
    path = folder / MARKER
    try:
        st = path.lstat()
        if not path.is_file() or path.is_symlink() or st.st_size > MAX_MARKER_BYTES:
            return None
        return parse_marker(path.read_bytes())
    except OSError:
        return None


def folder_entries(folder: Path) -> list[str]:
    """Every file (and link, and other non-folder entry) below ``folder``, relative, POSIX.

    Links are listed, never followed.
    """
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        rel_top = Path(top).relative_to(folder)
        # a link to a folder is listed by os.walk among dirs and never entered: count it
        links = [d for d in dirs if (Path(top) / d).is_symlink()]
        found.extend((rel_top / name).as_posix() for name in [*files, *links])
    return sorted(found)


def zip_marker(path: Path) -> tuple[dict[str, Any], list[str]] | None:
    """A published zip's marker and the entries not listed in it, or ``None`` if not ours."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            tops = {info.filename.split("/", 1)[0] for info in infos}
            if len(tops) != 1:
                return None
            top = tops.pop()
            info = next((i for i in infos if i.filename == f"{top}/{MARKER}"), None)
            if info is None or info.file_size > MAX_MARKER_BYTES:
                return None
            record = parse_marker(zf.read(info))
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return None
    if record is None:
        return None
    listed = {f"{top}/{rel}" for rel in record["files"]} | {f"{top}/{MARKER}"}
    extra = [i.filename for i in infos if not i.is_dir() and i.filename not in listed]
    return record, extra
