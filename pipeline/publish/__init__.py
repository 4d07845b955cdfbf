"""Publishing a wave: its public site, or one company's confidential report.

``publish_site`` copies the public site (``reports/<wave>/``) to a folder or a .zip to
upload or send by e-mail, once it passed the disclosure checks
(:mod:`pipeline.publish.checks`: the wave's respondent ids and free-text answers, small
cells, cells an attacker recovers from the tables together): on any finding it refuses and
writes nothing. Only public files are copied (:func:`public_files`): never raw or
processed data, never a company report (they live apart, in ``confidential/<wave>/``:
:mod:`pipeline.publish.companies`); hidden files and links are skipped too.

``publish_company`` (:mod:`pipeline.publish.bundle`) writes one company's report, with a
README saying whom it is for, for that company only.

A publish cannot destroy: it writes a new or empty folder, or replaces a folder (or zip) an
earlier publish wrote, recognised by its marker ``.welfare-publish.json`` and holding nothing
else; never anything within the project's ``data/``, ``reports/``, ``confidential/`` or
``notebooks/``, nor the project folder, a folder containing it or the home folder
(``destination.check_destination``). A refusal names the destination and why, before
anything is written; a replacement is swapped in only once complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.config import Paths, get_paths
from pipeline.errors import PipelineError
from pipeline.publish.bundle import publish_company
from pipeline.publish.destination import PublishError, check_destination
from pipeline.publish.files import EXCLUDED_DIRS, public_files
from pipeline.publish.marker import MARKER
from pipeline.publish.write import Entry, write_publish

__all__ = ["EXCLUDED_DIRS", "MARKER", "DisclosureError", "PublishError", "public_files",
           "publish_company", "publish_site"]


def __getattr__(name: str) -> Any:
    # The checks read tables (pandas): imported when asked for, so that planning a run,
    # which names the company reports through pipeline.publish.companies, stays light.
    if name == "DisclosureError":
        from pipeline.publish.checks import DisclosureError

        return DisclosureError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def publish_site(wave: str, destination: Path, paths: Paths | None = None) -> list[Path]:
    """Copy the public site of ``wave`` to ``destination`` (a folder, or a ``.zip`` file).

    The destination is checked first (:func:`destination.check_destination`): a folder must be
    new, empty or an earlier publish; a zip must be new or an earlier publish. Then the site
    is checked (:func:`pipeline.publish.checks.publish_findings`). An earlier publish is
    replaced atomically: it stays whole until the new copy is complete. Returns the
    published files, relative to the site (the marker not included).

    Raises
    ------
    DisclosureError
        The site shows a respondent id, a free-text answer, a small cell or a recoverable
        cell: nothing was written; the error lists every finding.
    PublishError
        The destination is refused, or writing failed: nothing was written.
    """
    paths = paths or get_paths()
    site = paths.report_wave(wave)
    if not (site / "index.html").exists():
        raise PipelineError(f"{site} has no report: run `welfare run {wave}` first")
    dest = check_destination(Path(destination), paths)
    from pipeline.publish.checks import DisclosureError, publish_findings

    findings = publish_findings(wave, paths)
    if findings:
        raise DisclosureError(wave, findings, str(destination), paths.root)
    files = public_files(site)
    write_publish([Entry(rel, source=site / rel) for rel in files], wave, dest)
    return files
