"""The site's ``index.html``: what the wave found, the reports, who took part, the data quality.

The page stakeholders open first. It opens (after a data-quality notice, when there is
one) with the wave's findings in sentences, each with its numbers and intervals and a link
to the section that shows it (:mod:`pipeline.analyse.analysis.findings` computes them from
the published tables, :mod:`pipeline.render.site.findings` words them); then the section
reports (HTML and PDF), a few headline counts (who answered), the data-quality verdict
(with a link to its report), the tables behind the figures (``tables/*.csv``), the methods
appendix and the provenance page. It never links ``confidential/`` (the per-company
reports).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.analyse.analysis.context import headline_counts
from pipeline.analyse.analysis.findings import read_published, wave_findings
from pipeline.config import get_paths
from pipeline.i18n.formatting import Formatter
from pipeline.render.site.common import format_bytes, render_page, site_text
from pipeline.render.site.findings import finding_cards
from pipeline.wave import WaveData, read_manifest, wave_title

__all__ = ["MAX_WARNINGS_SHOWN", "TILES", "findings", "index_page", "previous_title",
           "quality_summary"]

#: Headline counts shown as tiles, in order: who answered, then the network and the
#: companies mapped (the findings come first; the sections give every other count).
TILES = ("n_workers", "n_surveyed", "n_network", "n_companies")

#: At most this many data-quality warnings are listed on the index (all are in the report).
MAX_WARNINGS_SHOWN = 10


# --- the findings and the tiles -----------------------------------------------------------------

def previous_title(data: WaveData, lang: str) -> str | None:
    """The previous wave's name (:func:`pipeline.wave.wave_title` of its processed
    ``wave.yaml``; its label when it was not processed here), or ``None``."""
    label = data.meta.get("previous_wave")
    if not label:
        return None
    try:
        manifest = read_manifest(get_paths(), str(label))
    except (OSError, ValueError):
        manifest = None
    return wave_title((manifest or {}).get("meta") or {"label": str(label)}, lang)


def findings(site: Path, data: WaveData, sections: Sequence[Mapping[str, Any]],
             min_cell: int, lang: str) -> list[dict[str, Any]]:
    """The findings the index opens with (:func:`pipeline.render.site.findings.finding_cards`
    of :func:`pipeline.analyse.analysis.findings.wave_findings` on ``site/tables``)."""
    found = wave_findings(read_published(site / "tables"), min_cell)
    return finding_cards(found, sections, site, lang, previous_title(data, lang),
                         meta=data.meta)


def _tiles(data: WaveData, lang: str) -> list[tuple[str, str]]:
    """The headline counts of :data:`TILES`."""
    fmt = Formatter(lang)
    counts = headline_counts(data.tables)
    return [(site_text(f"site.tile.{k}", lang), fmt.number(counts[k], 0))
            for k in TILES if k in counts]


# --- the data-quality verdict -------------------------------------------------------------------

def _quality_line(passed: bool, n: int, n_checks: str, lang: str) -> str:
    if not passed:
        return site_text("site.quality_failed", lang, n_checks=n_checks)
    if n == 0:
        return site_text("site.quality_passed", lang, n_checks=n_checks)
    key = "site.quality_warning_one" if n == 1 else "site.quality_warnings"
    return site_text(key, lang, n=Formatter(lang).number(n, 0), n_checks=n_checks)


def _quality_notice(passed: bool, n: int, lang: str) -> str | None:
    if not passed:
        return site_text("site.quality_notice_failed", lang)
    if n:
        key = "site.quality_notice_one" if n == 1 else "site.quality_notice"
        return site_text(key, lang, n=Formatter(lang).number(n, 0))
    return None


def quality_summary(quality: Mapping[str, Any] | None, site: Path, lang: str) -> dict[str, Any]:
    """What the index says about the data-quality gate.

    Parameters
    ----------
    quality
        The gate's summary (``passed``, ``n_checks``, ``warnings``, ``report``; see
        :meth:`pipeline.validate.result.ValidationResult.site_summary`), or ``None`` when
        the wave was not checked.
    site
        The language's site folder (the report is linked only if it is there).
    lang
        The language of the verdict and the notice.

    Returns
    -------
    dict
        The index template's ``quality_line``, ``quality_href``, ``quality_notice``,
        ``quality_failed``, ``warnings`` (at most :data:`MAX_WARNINGS_SHOWN`) and
        ``more_warnings``.
    """
    if quality is None:
        return {"quality_line": site_text("site.quality_none", lang), "quality_href": None,
                "quality_notice": None, "quality_failed": False, "warnings": [],
                "more_warnings": None}
    fmt = Formatter(lang)
    warnings = [str(w) for w in (quality.get("warnings") or [])]
    n_checks = fmt.number(int(quality.get("n_checks") or 0), 0)
    report = quality.get("report")
    passed = bool(quality.get("passed", True))
    n = len(warnings)
    more = None
    if n > MAX_WARNINGS_SHOWN:
        more = site_text("site.quality_more", lang, n=fmt.number(n - MAX_WARNINGS_SHOWN, 0))
    return {"quality_line": _quality_line(passed, n, n_checks, lang),
            "quality_href": str(report) if report and (site / str(report)).is_file() else None,
            "quality_notice": _quality_notice(passed, n, lang),
            "quality_failed": not passed, "warnings": warnings[:MAX_WARNINGS_SHOWN],
            "more_warnings": more}


# --- the page -----------------------------------------------------------------------------------

def _other_language(site: Path, lang: str) -> tuple[str, str, str] | None:
    """The index of the other language, when it exists (Italian at the root, English in en/)."""
    if lang == "it" and (site / "en" / "index.html").is_file():
        return "en/index.html", "en", site_text("site.other_language", "en")
    if lang != "it" and site.name == lang and (site.parent / "index.html").is_file():
        return "../index.html", "it", site_text("site.other_language", "it")
    return None


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return max(sum(1 for _ in csv.reader(f)) - 1, 0)


def _xlsx_copy(csv_path: Path) -> str | None:
    """The link, from the index, to a table's .xlsx copy (``tables/xlsx/<name>.xlsx``)."""
    copy = csv_path.parent / "xlsx" / f"{csv_path.stem}.xlsx"
    return f"tables/xlsx/{copy.name}" if copy.is_file() else None


def _section_rows(site: Path, sections: Sequence[Mapping[str, Any]],
                  lang: str) -> list[dict[str, Any]]:
    rows = []
    for s in sections:
        pdf = s.get("pdf")
        size = format_bytes((site / pdf).stat().st_size, lang) if pdf and (
            site / pdf).is_file() else None
        rows.append({"title": s["title"], "html": s["html"], "pdf": pdf, "pdf_size": size})
    return rows


def index_page(site: Path, data: WaveData, sections: Sequence[Mapping[str, Any]],
               common: dict[str, Any], quality: Mapping[str, Any] | None, min_cell: int,
               lang: str) -> str:
    """The site's ``index.html``.

    Parameters
    ----------
    site
        The language's site folder: section files, ``tables/``, the PDFs of the other pages.
    data
        The processed wave (headline counts; ``meta``: the previous wave the changes are
        measured against).
    sections
        The section reports (see :func:`pipeline.render.site.write_site`): ``name`` (the
        notebook, which findings link to), ``title``, ``html``, ``pdf``.
    common
        What the frame of the page shows (see :func:`pipeline.render.site.write_site`).
    quality
        The data-quality gate's summary, or ``None`` (see :func:`quality_summary`).
    min_cell
        The smallest published cell: no finding states a share resting on fewer answers.
    lang
        The language of the page, whose sections' titles are given in ``sections``.

    Returns
    -------
    str
        ``index.html``: written last, as it links the other pages' PDFs.
    """
    fmt = Formatter(lang)
    tables_dir = site / "tables"
    tables = []
    if tables_dir.is_dir():
        tables = [(p.name, fmt.number(_csv_rows(p), 0), _xlsx_copy(p))
                  for p in sorted(tables_dir.glob("*.csv"))]
    return render_page(
        "index.html.j2",
        **common,
        page="index",
        page_title=site_text("site.title", lang),
        findings=findings(site, data, sections, min_cell, lang),
        t_findings={k: site_text(f"site.findings.{k}", lang) for k in (
            "title", "intro", "more")} | {"who_took_part": site_text("site.who_took_part", lang)},
        tiles=_tiles(data, lang),
        sections=_section_rows(site, sections, lang),
        tables=tables,
        t_open_data={"xlsx": site_text("site.col_xlsx", lang),
                     "package": site_text("site.tables_package", lang)},
        has_datapackage=(tables_dir / "datapackage.json").is_file(),
        has_methods_pdf=(site / "methods.pdf").is_file(),
        has_provenance_pdf=(site / "provenance.pdf").is_file(),
        other_lang=_other_language(site, lang),
        **quality_summary(quality, site, lang),
    )
