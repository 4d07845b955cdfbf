"""The site's ``index.html``: the wave at a glance, the reports, the data-quality verdict.

The page stakeholders open first: tiles with the headline counts (and, when the analyses'
tables exist, the most felt need and the share with a good work-life fit), the first figure
of the first section, links to every section report (HTML and PDF), to the tables behind
the figures (``tables/*.csv``), to the data-quality report (with its verdict, and a notice
on the first screen when it has warnings), to the methods appendix and to the provenance
page. It never links ``confidential/`` (the per-company reports).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.analyse.analysis.context import headline_counts
from pipeline.i18n.formatting import Formatter
from pipeline.render.site.common import format_bytes, render_page, site_text
from pipeline.wave import WaveData

__all__ = ["MAX_WARNINGS_SHOWN", "TILES", "first_figure", "index_page", "quality_summary"]

#: Headline counts shown as tiles, in order.
TILES = ("n_companies", "n_employees", "n_municipalities", "n_network", "n_surveyed",
         "n_workers")

#: At most this many data-quality warnings are listed on the index (all are in the report).
MAX_WARNINGS_SHOWN = 10


def first_figure(executed: Path, lang: str = "it") -> tuple[str, str] | None:
    """The first PNG figure of an executed notebook, as a data URI, with its caption.

    Parameters
    ----------
    executed
        The executed notebook; a missing file gives ``None``.
    lang
        The caption's language when the output gives one per language.

    Returns
    -------
    tuple of str, or None
        ``(data URI, caption)``; ``None`` when the notebook has no PNG output.
    """
    if not Path(executed).is_file():
        return None
    import nbformat  # about a second to import: only when there is a notebook

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                png = data["image/png"]
                png = "".join(png) if isinstance(png, list) else str(png)
                caption = output.get("metadata", {}).get("caption", "")
                if isinstance(caption, dict):
                    caption = (caption.get(lang) or caption.get("it")
                               or next(iter(caption.values()), ""))
                return f"data:image/png;base64,{''.join(png.split())}", str(caption or "")
    return None


# --- tiles --------------------------------------------------------------------------------------

def _read_table(path: Path, needed: set[str]):
    """A published CSV table with at least the ``needed`` columns, else ``None``."""
    if not path.is_file():
        return None
    import pandas as pd

    try:
        df = pd.read_csv(path)
    except (ValueError, OSError):
        return None
    return df if needed <= set(df.columns) else None


def _overall(df, min_cell: int):
    """Rows of a tidy table for the whole population, with a publishable estimate."""
    import pandas as pd

    rows = df[df["group_var"].astype("str") == "all"]
    estimate = pd.to_numeric(rows["estimate"], errors="coerce")
    n = pd.to_numeric(rows["n"], errors="coerce")
    return rows[estimate.notna() & (n >= min_cell)].assign(estimate=estimate)


def _measure_label(code: str, lang: str) -> str:
    try:
        from pipeline.codebook import load_codebook

        return load_codebook().measure_label(code, lang)
    except (KeyError, ValueError):
        return code


def _result_tiles(tables_dir: Path, lang: str, min_cell: int) -> list[tuple[str, str]]:
    """Tiles from the analyses' tables, when they exist: the most felt need, the balance."""
    fmt = Formatter(lang)
    tiles = []
    needs = _read_table(tables_dir / "needs.csv", {"measure", "group_var", "estimate", "n"})
    if needs is not None:
        rows = _overall(needs, min_cell)
        if len(rows):
            top = rows.loc[rows["estimate"].idxmax()]
            measure = _measure_label(str(top["measure"]), lang)
            tiles.append((site_text("site.tile.top_need", lang, measure=measure),
                          fmt.percent(top["estimate"], 0)))
    balance = _read_table(tables_dir / "work_life_balance.csv",
                          {"indicator", "group_var", "estimate", "n"})
    if balance is not None:
        rows = _overall(balance, min_cell)
        rows = rows[rows["indicator"].astype("str") == "wlb_fit_good"]
        if len(rows):
            tiles.append((site_text("site.tile.wlb_fit_good", lang),
                          fmt.percent(rows["estimate"].iloc[0], 0)))
    return tiles


def _tiles(site: Path, data: WaveData, lang: str, min_cell: int) -> list[tuple[str, str]]:
    """The headline counts, then the results' tiles."""
    fmt = Formatter(lang)
    counts = headline_counts(data.tables)
    tiles = [(site_text(f"site.tile.{k}", lang), fmt.number(counts[k], 0))
             for k in TILES if k in counts]
    return tiles + _result_tiles(site / "tables", lang, min_cell)


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


def _section_rows(site: Path, sections: Sequence[Mapping[str, Any]],
                  lang: str) -> list[dict[str, Any]]:
    rows = []
    for s in sections:
        pdf = s.get("pdf")
        size = format_bytes((site / pdf).stat().st_size, lang) if pdf and (
            site / pdf).is_file() else None
        rows.append({"title": s["title"], "html": s["html"], "pdf": pdf, "pdf_size": size})
    return rows


def _figure(sections: Sequence[Mapping[str, Any]], lang: str) -> dict[str, Any]:
    """The first section's first figure, with its alternative text, caption and source."""
    figure = None
    if sections and sections[0].get("executed"):
        figure = first_figure(Path(sections[0]["executed"]), lang)
    if figure is None:
        return {"figure": None, "figure_alt": site_text("site.figure_alt", lang),
                "figure_caption": "", "figure_source": ""}
    return {"figure": figure[0], "figure_alt": figure[1] or site_text("site.figure_alt", lang),
            "figure_caption": figure[1], "figure_source": sections[0]["title"]}


def index_page(site: Path, data: WaveData, sections: Sequence[Mapping[str, Any]],
               common: dict[str, Any], quality: Mapping[str, Any] | None, min_cell: int,
               lang: str) -> str:
    """The site's ``index.html``.

    Parameters
    ----------
    site
        The language's site folder: section files, ``tables/``, the PDFs of the other pages.
    data
        The processed wave (headline counts).
    sections
        The section reports (see :func:`pipeline.render.site.write_site`).
    common
        What the frame of the page shows (see :func:`pipeline.render.site.write_site`).
    quality
        The data-quality gate's summary, or ``None`` (see :func:`quality_summary`).
    min_cell
        The smallest published cell: results' tiles rest on at least this many answers.
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
        tables = [(p.name, fmt.number(_csv_rows(p), 0)) for p in sorted(tables_dir.glob("*.csv"))]
    return render_page(
        "index.html.j2",
        **common,
        page="index",
        page_title=site_text("site.title", lang),
        tiles=_tiles(site, data, lang, min_cell),
        **_figure(sections, lang),
        sections=_section_rows(site, sections, lang),
        tables=tables,
        has_methods_pdf=(site / "methods.pdf").is_file(),
        has_provenance_pdf=(site / "provenance.pdf").is_file(),
        other_lang=_other_language(site, lang),
        **quality_summary(quality, site, lang),
    )
