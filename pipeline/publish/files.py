"""Which files of a wave's site a publish copies: the public ones, nothing else."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.config import CONFIDENTIAL_DIR

#: Folders of a site never published: ``confidential/``, where versions before the
#: project's ``confidential/`` tree kept the company reports (a run removes it).
EXCLUDED_DIRS = (CONFIDENTIAL_DIR,)


def public_files(site: Path) -> list[Path]:
    """The files of a wave's site that may be published, relative to the site.

    Regular files only: links (to files or folders) are never followed, so nothing outside
    the site can come in through one. Hidden files (staging leftovers, build records) and
    an older version's ``confidential/`` folders (at any depth: ``en/confidential/`` too)
    are skipped.
    """
    files = []
    excluded = {name.casefold() for name in EXCLUDED_DIRS}
    for top, dirs, names in os.walk(site, followlinks=False):
        rel_top = Path(top).relative_to(site)
        dirs[:] = sorted(d for d in dirs
                         if not d.startswith(".") and d.casefold() not in excluded)
        for name in sorted(names):
            path = Path(top) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            files.append(rel_top / name)
    return sorted(files)
