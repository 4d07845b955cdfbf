"""Where a publish may write: a new or empty place, or what an earlier publish wrote.

Every check runs on the destination as given and on its real location (links resolved), and
compares folders both by path and by identity (device and inode), so a link, a bind mount or
a case-insensitive file system does not lead a publish into the project. Nothing here writes.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Paths
from pipeline.errors import PipelineError, display_path
from pipeline.publish.marker import MARKER, folder_entries, folder_marker, zip_marker

#: The project's folders a publish never writes into, and never contains.
PROTECTED = ("data", "reports", "confidential", "notebooks")
#: How many unexpected files a refusal names.
NAMED = 3


class PublishError(PipelineError):
    """A destination a publish refuses; raised before anything is written or deleted."""


@dataclass(frozen=True)
class Destination:
    """A checked destination.

    Parameters
    ----------
    given
        The destination as the user wrote it (named in every message).
    real
        Its real location, links resolved: where the publish writes.
    is_zip
        A ``.zip`` file rather than a folder.
    """

    given: Path
    real: Path
    is_zip: bool

    @property
    def name(self) -> str:
        """The destination as given, followed by its real location when a link leads away."""
        lexical = Path(os.path.abspath(self.given))
        if lexical == self.real:
            return str(self.given)
        return f"{self.given} (resolves to {display_path(self.real)})"

    def refuse(self, why: str) -> PublishError:
        return PublishError(f"cannot publish to {self.name}: {why}")


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _chain(path: Path) -> list[Path]:
    """``path`` and every folder above it."""
    return [path, *path.parents]


def _within(candidates: list[Path], folder: Path) -> bool:
    """Whether any of ``candidates`` is ``folder`` or lies below it (by path or identity)."""
    for candidate in candidates:
        if candidate == folder or folder in candidate.parents:
            return True
    ident = _identity(folder)
    if ident is None:
        return False
    return any(_identity(p) == ident for c in candidates for p in _chain(c))


def _same(candidates: list[Path], folder: Path) -> bool:
    """Whether any of ``candidates`` is ``folder`` itself (by path or identity)."""
    if folder in candidates:
        return True
    ident = _identity(folder)
    return ident is not None and any(_identity(c) == ident for c in candidates)


def _real(path: Path) -> Path:
    """``path`` with its links resolved; as it is when they cannot be (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _home() -> Path | None:
    try:
        return _real(Path.home())
    except (RuntimeError, KeyError, OSError):
        return None


def _check_project(dest: Destination, paths: Paths) -> None:
    """Refuse the project folder, the home folder, their ancestors and the protected trees."""
    candidates = [dest.real, Path(os.path.abspath(dest.given))]
    root = paths.root
    if _same(candidates, root):
        raise dest.refuse("it is the project folder itself")
    home = _home()
    if home is not None and _same(candidates, home):
        raise dest.refuse("it is your home folder")
    trees = [(f"{name}/", root / name) for name in PROTECTED]
    trees += [("data/raw/", paths.raw), ("data/processed/", paths.processed),
              ("data/work/", paths.work)]
    for label, tree in trees:
        for folder in dict.fromkeys((tree, _real(tree))):
            if _within(candidates, folder):
                raise dest.refuse(
                    f"it is within the project's {label} folder (publish never writes there)")
    holders = [("project folder", root), *((f"project's {lb} folder", t) for lb, t in trees)]
    for label, holder in holders:
        holder = _real(holder)
        if any(_within([holder], c) for c in candidates):
            raise dest.refuse(f"it contains the {label} ({display_path(holder)})")


def _check_folder(dest: Destination) -> None:
    """A folder destination: missing, empty, or a published folder holding nothing else."""
    real = dest.real
    if not os.path.lexists(real):
        return
    if not real.is_dir():
        raise dest.refuse("it exists and is not a folder (a zip destination must end in .zip)")
    try:
        if next(real.iterdir(), None) is None:
            return
    except OSError as err:
        raise dest.refuse(f"the folder cannot be read ({err.strerror})") from None
    record = folder_marker(real)
    if record is None:
        raise dest.refuse(
            f"the folder is not empty and was not written by welfare publish (no valid {MARKER}); "
            "give a new or empty folder")
    listed = set(record["files"]) | {MARKER}
    extra = [rel for rel in folder_entries(real) if rel not in listed]
    if extra:
        raise dest.refuse(_extra_files(extra))


def _check_zip(dest: Destination) -> None:
    """A zip destination: missing, or a zip a publish wrote holding nothing else."""
    real = dest.real
    if not os.path.lexists(real):
        return
    if real.is_dir():
        raise dest.refuse("it is a folder, not a .zip file")
    found = zip_marker(real) if real.is_file() and zipfile.is_zipfile(real) else None
    if found is None:
        raise dest.refuse(
            "the file exists and is not a zip written by welfare publish; "
            "give a new file name or move the file away")
    if found[1]:
        raise dest.refuse(_extra_files(found[1]))


def _extra_files(extra: list[str]) -> str:
    shown = ", ".join(extra[:NAMED]) + (f" and {len(extra) - NAMED} more" if len(extra) > NAMED
                                       else "")
    return (f"it holds files an earlier publish did not write ({shown}); "
            "move them away or give another destination")


def resolve_destination(destination: Path) -> Destination:
    """The destination with its real location; a link that cannot be resolved is refused."""
    given = Path(destination)
    is_zip = given.suffix.lower() == ".zip"
    try:
        real = Path(os.path.abspath(given)).resolve(strict=False)
    except (OSError, RuntimeError) as err:
        raise PublishError(f"cannot publish to {given}: its links cannot be resolved ({err})"
                           ) from None
    return Destination(given, real, is_zip)


def check_destination(destination: Path, paths: Paths) -> Destination:
    """The destination, checked: raises :class:`PublishError` when publishing could destroy.

    Refused: the project folder, any folder containing it, the home folder, anything within
    the project's ``data/``, ``reports/``, ``confidential/`` or ``notebooks/``; a folder that
    is neither new, empty nor an earlier publish (``.welfare-publish.json``) holding only
    what it published;
    an existing file as a zip destination unless a publish wrote it.
    """
    dest = resolve_destination(destination)
    _check_project(dest, paths)
    recheck(dest)
    return dest


def recheck(dest: Destination) -> None:
    """Check the destination's contents again (right before the swap)."""
    if dest.is_zip:
        _check_zip(dest)
    else:
        _check_folder(dest)
