"""Publishing a wave's public site: a folder or a .zip to upload or send by e-mail.

Only the public site is copied: never ``confidential/`` (per-company reports), never raw or
processed data. Hidden files (staging leftovers, build records) and links are skipped too.

A publish cannot destroy: it writes a new or empty folder, or replaces a folder (or zip) an
earlier publish wrote, recognised by its marker ``.welfare-publish.json`` and holding nothing
else; never anything within the project's ``data/``, ``reports/`` or ``notebooks/``, nor the
project folder, a folder containing it or the home folder (``destination.check_destination``).
A refusal is one line naming the destination and why, before anything is written; a
replacement is swapped in only once complete.
"""

from __future__ import annotations

import os
import shutil
import uuid
import zipfile
from pathlib import Path

from pipeline.atomic import staged_folder
from pipeline.config import Paths, get_paths
from pipeline.errors import PipelineError
from pipeline.publish.destination import (
    Destination,
    PublishError,
    check_destination,
    recheck,
)
from pipeline.publish.marker import MARKER, marker_text

__all__ = ["EXCLUDED_DIRS", "MARKER", "PublishError", "public_files", "publish_site"]

EXCLUDED_DIRS = ("confidential",)


def public_files(site: Path) -> list[Path]:
    """The files of a wave's site that may be published, relative to the site.

    Regular files only: links (to files or folders) are never followed, so nothing outside
    the site and nothing under ``confidential/`` can come in through one.
    """
    files = []
    excluded = {name.casefold() for name in EXCLUDED_DIRS}
    for top, dirs, names in os.walk(site, followlinks=False):
        rel_top = Path(top).relative_to(site)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (rel_top == Path(".") and d.casefold() in excluded))
        for name in sorted(names):
            path = Path(top) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            files.append(rel_top / name)
    return sorted(files)


def _write_folder(site: Path, files: list[Path], wave: str, dest: Destination) -> None:
    with staged_folder(dest.real) as stage:
        for rel in files:
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(site / rel, target)
        (stage / MARKER).write_text(marker_text(wave, files), encoding="utf-8")
        recheck(dest)  # still new, empty or ours: else the stage goes, the destination stays


def _write_zip(site: Path, files: list[Path], wave: str, dest: Destination) -> None:
    dest.real.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.real.with_name(f".{dest.real.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for rel in files:
                zf.write(site / rel, arcname=f"{wave}/{rel.as_posix()}")
            zf.writestr(f"{wave}/{MARKER}", marker_text(wave, files))
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        recheck(dest)
        os.replace(tmp, dest.real)
    finally:
        tmp.unlink(missing_ok=True)


def publish_site(wave: str, destination: Path, paths: Paths | None = None) -> list[Path]:
    """Copy the public site of ``wave`` to ``destination`` (a folder, or a ``.zip`` file).

    The destination is checked first (:func:`destination.check_destination`): a folder must be
    new, empty or an earlier publish; a zip must be new or an earlier publish. An earlier
    publish is replaced atomically: it stays whole until the new copy is complete. Returns
    the published files, relative to the site (the marker not included).
    """
    paths = paths or get_paths()
    site = paths.report_wave(wave)
    if not (site / "index.html").exists():
        raise PipelineError(f"{site} has no report: run `welfare run {wave}` first")
    dest = check_destination(Path(destination), paths)
    files = public_files(site)
    write = _write_zip if dest.is_zip else _write_folder
    try:
        write(site, files, wave, dest)
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        raise dest.refuse(f"{err.strerror or err}{where}") from None
    return files
