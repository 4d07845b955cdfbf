"""What ``welfare publish`` checks before it writes: nothing personal, nothing recoverable.

Two checks run on the public site about to be copied, and any finding stops the publish
(:class:`DisclosureError`) before anything is written:

* :func:`site_findings`: :func:`pipeline.analyse.disclosure.scan_site` over the site's
  public files (:func:`pipeline.publish.files.public_files`), looking for the wave's own
  respondent ids and free-text answers (:func:`wave_secrets`, read from
  ``data/processed/<wave>/`` as the codebook marks them) and for small cells;
* :func:`table_findings`: the attacker's audit
  (:func:`pipeline.analyse.disclosure.audit.audit_tables`) of every ``tables/`` folder of
  the site (the Italian one and each language's): a withheld cell narrowed by what the
  tables publish, together, to an interval tighter than its protection range.

The PDFs are not read (their text is the HTML's, rendered); the tests scan their text too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from pipeline.analyse.disclosure import Finding, scan_site
from pipeline.codebook import load_codebook
from pipeline.config import DEFAULT_LANG, LANGUAGES, Paths, min_cell
from pipeline.publish.destination import PublishError
from pipeline.publish.files import public_files

__all__ = ["DisclosureError", "WaveSecrets", "publish_findings", "site_findings",
           "table_findings", "wave_secrets"]


@dataclass(frozen=True)
class WaveSecrets:
    """What a wave holds that no published file may show.

    Attributes
    ----------
    respondent_ids
        Values of the codebook's unpublished id columns (``type: id``, ``publish: false``:
        the workers' ``resp_id``).
    free_texts
        Values of its unpublished free-text columns (``type: text``, ``publish: false``:
        comments, proposals, details, company names).
    """

    respondent_ids: list[str]
    free_texts: list[str]


def wave_secrets(wave: str, paths: Paths) -> WaveSecrets:
    """The respondent ids and free-text answers of the processed wave, by the codebook.

    Raises
    ------
    PublishError
        The wave has no processed data to check the site against.
    """
    folder = paths.processed_wave(wave)
    if not (folder / "manifest.json").is_file():
        raise PublishError(f"cannot check the site of {wave}: {folder} has no processed data "
                           f"to check it against; run `welfare run {wave}` first")
    ids: list[str] = []
    texts: list[str] = []
    for table in load_codebook().tables.values():
        file = folder / f"{table.name}.parquet"
        if not file.is_file():
            continue
        present = set(pq.read_schema(file).names)
        columns = {name: col.type for name, col in table.all_columns().items()
                   if not col.publish and col.type in ("id", "text") and name in present}
        if not columns:
            continue
        data = pq.read_table(file, columns=sorted(columns)).to_pydict()
        for name, kind in columns.items():
            values = [str(v) for v in data[name] if v is not None and str(v).strip()]
            (ids if kind == "id" else texts).extend(values)
    return WaveSecrets(ids, texts)


def site_findings(wave: str, paths: Paths, *, cell: int | None = None,
                  site: Path | None = None) -> list[Finding]:
    """:func:`~pipeline.analyse.disclosure.scan_site` of the wave's public site.

    Parameters
    ----------
    cell
        The smallest count a published cell may show (default :func:`pipeline.config.min_cell`).
    site
        The site to scan (default ``reports/<wave>/``; a run passes its stage).

    Returns
    -------
    list of Finding
        Respondent ids, free-text answers and unsuppressed small cells found in the files
        a publish would copy (an older version's ``confidential/`` folder is not one).
    """
    site = paths.report_wave(wave) if site is None else site
    secrets = wave_secrets(wave, paths)
    public = {site / rel for rel in public_files(site)}
    found = scan_site(site, respondent_ids=secrets.respondent_ids,
                      free_texts=secrets.free_texts,
                      min_cell=min_cell() if cell is None else cell)
    return [f for f in found if Path(f.file) in public]


def table_folders(site: Path) -> list[Path]:
    """The ``tables/`` folders of a wave's site: the Italian one, each language's."""
    folders = [site / "tables", *(site / lang / "tables" for lang in LANGUAGES
                                  if lang != DEFAULT_LANG)]
    return [f for f in folders if f.is_dir() and not f.is_symlink()]


def table_findings(wave: str, paths: Paths, *, cell: int | None = None,
                   site: Path | None = None) -> list[Finding]:
    """The attacker's audit of every ``tables/`` folder of the wave's site (default
    ``reports/<wave>/``; a run passes its stage), knowing the wave's totals the index
    prints (companies mapped, in the network, surveyed:
    :func:`~pipeline.analyse.disclosure.structures.wave_totals` of the processed wave)."""
    from pipeline.analyse.disclosure.audit import audit_tables
    from pipeline.analyse.disclosure.structures import wave_totals

    folder = paths.processed_wave(wave)
    processed = {name: pd.read_parquet(folder / f"{name}.parquet")
                 for name in ("companies", "company_survey")
                 if (folder / f"{name}.parquet").is_file()}
    totals = wave_totals(processed)
    threshold = min_cell() if cell is None else cell
    site = paths.report_wave(wave) if site is None else site
    return [finding for tables in table_folders(site)
            for finding in audit_tables(tables, min_cell=threshold, totals=totals)]


def publish_findings(wave: str, paths: Paths) -> list[Finding]:
    """Every finding of both checks, the site's first."""
    return [*site_findings(wave, paths), *table_findings(wave, paths)]


class DisclosureError(PublishError):
    """The site about to be published shows what it must not: nothing was written.

    Its message is one line saying so, then one line per finding: ``file: kind: detail``
    (the file relative to the project).
    """

    def __init__(self, wave: str, findings: Sequence[Finding], destination: str,
                 root: Path) -> None:
        self.findings = list(findings)
        n = len(self.findings)
        head = (f"cannot publish {wave} to {destination}: the disclosure check found "
                f"{n} problem{'s' if n != 1 else ''} in the site; nothing was written")
        super().__init__("\n".join([head, *(finding_line(f, root) for f in self.findings)]))


def finding_line(finding: Finding, root: Path) -> str:
    """``file: kind: detail``, the file relative to ``root`` when it lies below it."""
    file = Path(finding.file)
    try:
        file = file.resolve().relative_to(root)
    except ValueError:
        pass
    detail = " ".join(str(finding.detail).split())
    return f"{file.as_posix()}: {finding.kind}: {detail}"
