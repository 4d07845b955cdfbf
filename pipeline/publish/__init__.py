"""Publishing a wave's public site: a folder or a .zip to upload or send by e-mail.

Only the public site is copied: never ``confidential/`` (per-company reports), never raw or
processed data. Hidden files (staging leftovers, build records) are skipped too.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from pipeline.atomic import staged_folder
from pipeline.config import Paths, get_paths
from pipeline.errors import PipelineError

EXCLUDED_DIRS = ("confidential",)


def public_files(site: Path) -> list[Path]:
    """The files of a wave's site that may be published, relative to the site."""
    files = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if rel.parts[0] in EXCLUDED_DIRS:
            continue
        files.append(rel)
    return files


def publish_site(wave: str, destination: Path, paths: Paths | None = None) -> list[Path]:
    """Copy the public site of ``wave`` to ``destination`` (a folder, or a ``.zip`` file).

    An existing destination folder is replaced whole (atomically); an existing zip file is
    replaced. Returns the published files, relative to the site.
    """
    paths = paths or get_paths()
    site = paths.report_wave(wave)
    if not (site / "index.html").exists():
        raise PipelineError(f"{site} has no report: run `welfare run {wave}` first")
    files = public_files(site)
    destination = Path(destination)
    if destination.suffix.lower() == ".zip":
        destination.parent.mkdir(parents=True, exist_ok=True)
        tmp = destination.with_name(f".{destination.name}.tmp")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for rel in files:
                zf.write(site / rel, arcname=str(Path(wave) / rel))
        tmp.replace(destination)
        return files
    if destination.resolve() == site.resolve() or site.resolve() in destination.resolve().parents:
        raise PipelineError(f"destination {destination} is inside the site itself")
    with staged_folder(destination) as stage:
        for rel in files:
            target = stage / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(site / rel, target)
    return files
