"""The wave's site: ``reports/<wave>/index.html``, the methods appendix and the provenance page.

Three pages, written by :func:`write_site` into the (staging) site folder of one language:

``index.html`` (:mod:`pipeline.render.site.index`)
    The page stakeholders open first: what the wave found, in sentences linked to the
    sections that show it (:mod:`pipeline.render.site.findings`), the section reports, who
    took part, the data-quality verdict, the tables behind the figures, the pages below.
``methods.html`` + ``methods.pdf`` (:mod:`pipeline.render.site.methods`)
    The survey design as the pipeline builds it, with this wave's figures, how comparisons
    are tested and their measured size, the indicators and the suppression rule.
``provenance.html`` + ``provenance.pdf`` (:mod:`pipeline.render.site.provenance`)
    Run, code version, hashes of the raw input files, parameters, library versions.

Every page is self-contained (the report theme inlined, figures as data URIs, no script, no
link to anything outside the site): it opens offline and from an e-mail attachment, and
prints on A4 like the section reports. Every page of a synthetic wave carries the
"synthetic demo data" mark, on screen and on every printed page. Italian by default,
English with ``lang="en"``; the prose lives in ``pipeline/i18n/texts/site_texts.yaml``, the
markup in ``pipeline/render/templates/site/`` (:mod:`pipeline.render.site.common`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.atomic import write_text_atomic
from pipeline.config import min_cell as default_min_cell
from pipeline.i18n.formatting import Formatter, normalize_lang
from pipeline.i18n.text import text
from pipeline.render.labels import DEFAULT_PROMOTERS
from pipeline.render.site.common import (
    SITE_TEXTS_PATH,
    fieldwork,
    link_pages,
    page_style,
    prose,
    site_text,
    started,
    wave_nav,
    words,
)
from pipeline.render.site.index import index_page
from pipeline.render.site.methods import methods_page
from pipeline.render.site.provenance import LIBRARIES, library_versions, provenance_page
from pipeline.wave import WaveData, wave_title

__all__ = ["LIBRARIES", "SITE_TEXTS_PATH", "library_versions", "prose", "site_text",
           "write_site"]


def _run_parameters(run_info: Mapping[str, Any], data: WaveData,
                    lang: str) -> dict[str, Any]:
    """The run's parameters, with the wave, the language and ``min_cell`` always there."""
    parameters = dict(run_info.get("parameters") or {})
    parameters.setdefault("wave", data.wave)
    parameters.setdefault("lang", lang)
    parameters.setdefault("min_cell", default_min_cell())
    return parameters


def _common(data: WaveData, run_info: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """What the frame of every page shows: cover, navigation, footer, style."""
    date = Formatter(lang).date((started(run_info) or dt.datetime.now()).date())
    run_id = run_info.get("run_id")
    generated = site_text("site.generated_run" if run_id else "site.generated", lang,
                          date=date, run_id=run_id or "")
    return {
        "lang": lang,
        "t": words(lang),
        "css": page_style(lang, data.synthetic),
        "wave": wave_title({"label": data.wave, **data.meta}, lang),  # title, not the code
        "fieldwork": fieldwork(data.meta, lang),
        "date": date,
        "synthetic": data.synthetic,
        "synthetic_mark": text("synthetic_mark", lang),
        "site_title": site_text("site.title", lang),
        "promoters": " · ".join(DEFAULT_PROMOTERS),
        "generated": generated,
    }


def write_site(
    site: Path,
    data: WaveData,
    sections: Sequence[Mapping[str, Any]],
    *,
    lang: str = "it",
    run_info: Mapping[str, Any] | None = None,
    quality: Mapping[str, Any] | None = None,
    pdf: bool = True,
) -> dict[str, Path]:
    """Write the wave's site pages into ``site`` (the staging folder of one language).

    Parameters
    ----------
    site
        The folder of the language's site: section reports and ``tables/`` are already in
        it (the index lists the CSV files found in ``tables/``).
    data
        The processed wave (:func:`pipeline.wave.read_processed`): headline counts, the
        synthetic flag, fieldwork dates and, when ``run_info`` gives none, input hashes.
    sections
        The section reports in order: ``title``, ``html`` and ``pdf`` (file names relative to
        ``site``) and ``executed`` (the executed notebook; the index links its findings to
        the headings of the section that shows them).
    lang
        ``"it"`` (default) or ``"en"``.
    run_info
        ``run_id``, ``started`` (ISO), ``parameters`` (dict; ``min_cell`` is read from it),
        ``code_version`` (dict) and ``inputs`` (raw file name -> sha256), for the provenance
        page. Missing keys fall back to what the processed wave and the package know.
    quality
        Summary of the data-quality gate: ``passed``, ``n_checks``, ``warnings`` (one-line
        strings) and ``report`` (file name relative to ``site``, linked if it exists); or
        ``None`` when the wave was not checked.
    pdf
        Also print ``methods.pdf`` and ``provenance.pdf`` (WeasyPrint).

    Returns
    -------
    dict
        Paths written: ``index``, ``methods``, ``provenance`` and, with ``pdf``,
        ``methods_pdf`` and ``provenance_pdf``.
    """
    site = Path(site)
    lang = normalize_lang(lang)
    run_info = dict(run_info or {})
    parameters = _run_parameters(run_info, data, lang)
    min_cell = int(parameters["min_cell"])
    common = _common(data, run_info, lang)
    site.mkdir(parents=True, exist_ok=True)
    # Every page links every other page of the wave, in the order the index lists them.
    common["nav"] = wave_nav(sections, quality, site, lang)
    link_pages(site, common["nav"], common["t"]["nav"])
    written: dict[str, Path] = {}
    pages = {
        "methods": methods_page(data, common, min_cell, lang),
        "provenance": provenance_page(data, common, run_info, parameters, lang),
    }
    for name, page in pages.items():
        path = site / f"{name}.html"
        write_text_atomic(path, page)
        written[name] = path
        if pdf:
            from pipeline.render.pdf import html_to_pdf

            written[f"{name}_pdf"] = html_to_pdf(page, site / f"{name}.pdf", lang=lang)
    # The index last: it links the PDFs written above and the sections' files.
    index = site / "index.html"
    write_text_atomic(index, index_page(site, data, sections, common, quality, min_cell,
                                        lang))
    written["index"] = index
    return written
