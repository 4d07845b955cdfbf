"""What every page of the wave's site shares: texts, prose, templates, style, dates.

The pages' markup lives in ``pipeline/render/templates/site/*.html.j2`` and their style
in ``site.css`` next to them (after the report theme, ``welfare_report/report.css``); the
prose lives in ``pipeline/i18n/texts/site_texts.yaml``. Templates are autoescaped: values
of the wave are data, never markup.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from pipeline.atomic import write_text_atomic
from pipeline.config import TEMPLATES_DIR, TEXTS_DIR
from pipeline.i18n.formatting import Formatter, normalize_lang
from pipeline.i18n.text import text
from pipeline.render.pdf import page_css

__all__ = ["SITE_TEMPLATES", "SITE_TEXTS_PATH", "WAVE_NAV_MARK", "date_time", "fieldwork",
           "format_bytes", "link_pages", "nav_html", "page_style", "prose", "render_page",
           "site_text", "started", "wave_nav", "words"]

SITE_TEXTS_PATH = TEXTS_DIR / "site_texts.yaml"
SITE_TEMPLATES = TEMPLATES_DIR / "site"
REPORT_CSS_PATH = TEMPLATES_DIR / "welfare_report" / "report.css"
SITE_CSS_PATH = SITE_TEMPLATES / "site.css"

#: Words of the page frame and the index, ``site.<key>`` in the catalogue (``t`` in templates).
WORDS = ("wave", "fieldwork", "date", "nav", "glance", "sections", "col_html", "col_pdf",
         "no_sections", "confidential", "quality_title", "quality_link",
         "tables", "tables_intro", "col_file", "col_rows", "col_size", "no_tables", "about",
         "methods_link", "provenance_link", "facts_title", "run_title", "code_title",
         "inputs_title", "params_title", "libs_title", "col_library", "col_version")


# --- texts ------------------------------------------------------------------------------------

def site_text(key: str, lang: str = "it", **values: Any) -> str:
    """The text ``key`` of the site in ``lang``, with ``values`` filled in.

    Parameters
    ----------
    key
        A key of the catalogue (the site's prose is in ``site_texts.yaml``, which the common
        catalogue of :mod:`pipeline.i18n.text` reads with the other ``*texts*.yaml``).
    lang
        Anything :func:`pipeline.i18n.formatting.normalize_lang` accepts.
    **values
        The placeholders' values, already formatted.

    Returns
    -------
    str
        The text, stripped.
    """
    return text(key, normalize_lang(lang), **values)


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def _inline(escaped: str) -> str:
    return _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", escaped))


def prose(source: str) -> Markup:
    """A text of the catalogue as HTML: paragraphs, ``- `` lists, ``**bold**``, ```code```.

    Parameters
    ----------
    source
        The text, as the catalogue holds it. It is escaped first: the catalogue cannot
        inject markup.

    Returns
    -------
    markupsafe.Markup
        ``<p>`` and ``<ul>`` blocks, one per line.
    """
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in source.strip().splitlines():
        line = html_lib.escape(raw.rstrip(), quote=False)
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("- "):
            if para:
                flush()
            items.append(stripped[2:])
        elif items and raw.startswith("  "):
            items[-1] += " " + stripped  # continuation of a list item
        else:
            if items:
                flush()
            para.append(stripped)
    flush()
    return Markup("\n".join(blocks))


def words(lang: str) -> dict[str, Any]:
    """The words of the page frame and of the index (``t`` in the templates).

    Parameters
    ----------
    lang
        The language of the words: ``"it"`` or ``"en"``.

    Returns
    -------
    dict
        ``{key: text}`` for :data:`WORDS`; ``tables_intro`` is prose (Markup).
    """
    found: dict[str, Any] = {k: site_text(f"site.{k}", lang) for k in WORDS}
    found["tables_intro"] = prose(found["tables_intro"])
    return found


# --- templates and style ------------------------------------------------------------------------

@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(SITE_TEMPLATES),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def render_page(template: str, **context: Any) -> str:
    """A page of the site from its template in ``templates/site/``.

    Parameters
    ----------
    template
        The template's file name, e.g. ``"index.html.j2"``.
    **context
        The template's values (escaped unless Markup).

    Returns
    -------
    str
        The rendered template.
    """
    return _environment().get_template(template).render(**context)


def page_style(lang: str, synthetic: bool) -> str:
    """The style sheet inlined in every page: the report theme, the site's rules and the
    paged-media rules of the language (:func:`pipeline.render.pdf.page_css`).

    Parameters
    ----------
    lang
        The language of the printed footer and running header.
    synthetic
        Whether the printed pages carry the synthetic-data mark.

    Returns
    -------
    str
        CSS.
    """
    return "\n".join([REPORT_CSS_PATH.read_text(encoding="utf-8"),
                      SITE_CSS_PATH.read_text(encoding="utf-8"),
                      page_css(lang, synthetic=synthetic)])


# --- navigation between the pages of the wave -------------------------------------------------

#: Where a page rendered outside the site's templates (a section report, the summary, the
#: data-quality page) gets the wave's navigation: the site fills it in (:func:`link_pages`).
WAVE_NAV_MARK = "<!--welfare:wave-nav-->"
_WAVE_NAV_END = "<!--/welfare:wave-nav-->"
_WAVE_NAV = re.compile(re.escape(WAVE_NAV_MARK) + "(?:.*?" + re.escape(_WAVE_NAV_END) + ")?",
                       re.DOTALL)


def wave_nav(sections: Sequence[Mapping[str, Any]], quality: Mapping[str, Any] | None,
             site: Path, lang: str) -> list[tuple[str, str]]:
    """The pages of the wave's site in reading order, as ``(href, label)``.

    The index first, then the section reports and the summary in the order the index lists
    them (``sections``, the same list), the methods and provenance pages, and the
    data-quality report when the site has it.

    Parameters
    ----------
    sections
        The section reports (``html`` file name relative to ``site``, ``title``), as given
        to :func:`pipeline.render.site.write_site`.
    quality
        The data-quality summary (``report``: its file name), or ``None``.
    site
        The folder of the language's site (a quality report not in it is not linked).
    lang
        The language of the labels.

    Returns
    -------
    list of tuple
        ``(href, label)``; hrefs are relative to the site's folder, where every page is.
    """
    nav = [("index.html", site_text("site.nav.index", lang))]
    nav += [(str(s["html"]), str(s["title"])) for s in sections if s.get("html")]
    nav += [("methods.html", site_text("site.nav.methods", lang)),
            ("provenance.html", site_text("site.nav.provenance", lang))]
    report = (quality or {}).get("report")
    if report and (Path(site) / str(report)).is_file():
        nav.append((str(report), site_text("site.quality_title", lang)))
    return nav


def nav_html(nav: Sequence[tuple[str, str]], current: str, label: str) -> str:
    """The navigation landmark of a page: every page of the wave, ``current`` marked.

    Parameters
    ----------
    nav
        ``(href, label)`` from :func:`wave_nav`.
    current
        The href of the page the navigation is on (``aria-current="page"``).
    label
        The landmark's accessible name ("Pagine del sito").

    Returns
    -------
    str
        ``<nav class="site-nav">`` with a list of links (escaped).
    """
    return render_page("wave_nav.html.j2", nav=nav, current=current, label=label)


def link_pages(site: Path, nav: Sequence[tuple[str, str]], label: str) -> list[Path]:
    """Give every page of ``nav`` that carries :data:`WAVE_NAV_MARK` the wave's navigation.

    Section reports and the summary are rendered by nbconvert, one notebook at a time, and
    the data-quality page by the gate: none of them knows the other pages. The site, which
    does, fills the navigation in after the mark (replacing what an earlier run filled in,
    so a reused report is linked to the pages of this run). Their PDFs are printed
    before and do not carry it.

    Parameters
    ----------
    site
        The folder of the language's site.
    nav
        ``(href, label)`` from :func:`wave_nav`.
    label
        The landmark's accessible name.

    Returns
    -------
    list of pathlib.Path
        The pages changed.
    """
    changed = []
    for href, _ in nav:
        path = Path(site) / href
        if not path.is_file():
            continue
        page = path.read_text(encoding="utf-8")
        if WAVE_NAV_MARK not in page:
            continue
        block = WAVE_NAV_MARK + nav_html(nav, href, label) + _WAVE_NAV_END
        linked = _WAVE_NAV.sub(lambda _m, b=block: b, page, count=1)
        if linked != page:
            write_text_atomic(path, linked)
            changed.append(path)
    return changed


# --- sizes and dates ----------------------------------------------------------------------------

def format_bytes(size: Any, lang: str) -> str:
    """A file size as a reader writes it: ``850 B``, ``12 kB``, ``1,4 MB``.

    Parameters
    ----------
    size
        Bytes, or ``None`` (written ``—``).
    lang
        The decimal point's language: ``"it"`` (``1,4 MB``) or ``"en"`` (``1.4 MB``).

    Returns
    -------
    str
        The size with its unit.
    """
    if size is None:
        return "—"
    size = int(size)
    if size < 1000:
        return f"{size} B"
    fmt = Formatter(lang)
    if size < 1_000_000:
        return f"{fmt.number(size / 1000, 0)} kB"
    return f"{fmt.number(size / 1_000_000, 1)} MB"


def started(run_info: Mapping[str, Any] | None) -> dt.datetime | None:
    """When the run started, from its ``started`` (ISO), or ``None``.

    Parameters
    ----------
    run_info
        The run's record (see :func:`pipeline.render.site.write_site`), or ``None``.

    Returns
    -------
    datetime.datetime or None
        ``None`` when missing or not an ISO time.
    """
    value = (run_info or {}).get("started")
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def date_time(moment: dt.datetime, lang: str) -> str:
    """A moment in words: ``24 novembre 2026, 10:10``.

    Parameters
    ----------
    moment
        The time.
    lang
        The language of the month's name.

    Returns
    -------
    str
        Date in words, then hours and minutes.
    """
    return f"{Formatter(lang).date(moment.date())}, {moment:%H:%M}"


def fieldwork(meta: Mapping[str, Any], lang: str) -> str | None:
    """The fieldwork dates of the wave in words, or ``None`` when unknown or unreadable.

    Parameters
    ----------
    meta
        The wave's ``wave.yaml`` (``fieldwork_start``, ``fieldwork_end``, ISO dates).
    lang
        The language of the months and of "from ... to ...".

    Returns
    -------
    str or None
        ``dal 7 ottobre 2013 al 29 novembre 2013``, or one date when only one is known.
    """
    start, end = meta.get("fieldwork_start"), meta.get("fieldwork_end")
    fmt = Formatter(lang)
    try:
        if start and end:
            return site_text("site.fieldwork_range", lang, start=fmt.date(str(start)),
                             end=fmt.date(str(end)))
        if start or end:
            return fmt.date(str(start or end))
    except (TypeError, ValueError):
        return None
    return None
