"""Writing a publish: a folder swapped in whole, or a zip renamed into place.

A publish is a list of :class:`Entry`: a file to copy or a text written for the publish (a
README), each at its path relative to the published folder. The marker
(:mod:`pipeline.publish.marker`) lists them. Written only to a checked destination
(:mod:`pipeline.publish.destination`), checked again right before the swap.
"""

from __future__ import annotations

import os
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.atomic import staged_folder
from pipeline.config import PRIVATE_FILE_MODE, private_mode
from pipeline.publish.destination import Destination, recheck
from pipeline.publish.marker import MARKER, marker_text


@dataclass(frozen=True)
class Entry:
    """One published file: ``rel`` in the publish, copied from ``source`` (a file) or
    holding ``text``."""

    rel: Path
    source: Path | None = None
    text: str | None = None


def _write_folder(entries: list[Entry], wave: str, dest: Destination, private: bool) -> None:
    with staged_folder(dest.real, private=private or None) as stage:
        for entry in entries:
            target = stage / entry.rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if entry.source is not None:
                shutil.copy2(entry.source, target)
            else:
                target.write_text(entry.text or "", encoding="utf-8")
        (stage / MARKER).write_text(marker_text(wave, [e.rel for e in entries]),
                                    encoding="utf-8")
        recheck(dest)  # still new, empty or ours: else the stage goes, the destination stays


def _write_zip(entries: list[Entry], wave: str, dest: Destination, private: bool) -> None:
    dest.real.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.real.with_name(f".{dest.real.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        if private and private_mode():  # owner-only from its creation
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for entry in entries:
                arcname = f"{wave}/{entry.rel.as_posix()}"
                if entry.source is not None:
                    zf.write(entry.source, arcname=arcname)
                else:
                    zf.writestr(arcname, entry.text or "")
            zf.writestr(f"{wave}/{MARKER}", marker_text(wave, [e.rel for e in entries]))
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        recheck(dest)
        os.replace(tmp, dest.real)
    finally:
        tmp.unlink(missing_ok=True)


def write_publish(entries: list[Entry], wave: str, dest: Destination, *,
                  private: bool = False) -> None:
    """Write ``entries`` to the checked ``dest`` (a folder or a zip with one top folder,
    ``<wave>/``), all or nothing; ``private`` makes the files owner-only (a company's
    bundle), else they get the umask's default.

    Raises
    ------
    PublishError
        The destination changed meanwhile, or writing failed (disk full...): the
        destination is left as it was.
    """
    write = _write_zip if dest.is_zip else _write_folder
    try:
        write(entries, wave, dest, private)
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        raise dest.refuse(f"{err.strerror or err}{where}") from None
