"""A report's HTML to an A4 PDF with WeasyPrint: running header, "pagina X di Y", offline.

The page rules live in the HTML itself (``report.css`` plus :func:`page_css`, inlined by
:func:`pipeline.render.html.render_html`), so that a browser's print of the HTML and the PDF
agree. :func:`html_to_pdf` adds only two things on top:

* the footer in the language asked for (the ``lang`` argument, else the ``lang`` attribute
  of ``<html>``, else Italian);
* the DejaVu fonts that matplotlib ships, so the PDF's text has the same typeface as the
  figures, and looks the same whatever fonts the machine has.

The PDF is tagged, PDF/UA-1 (ISO 14289-1, WeasyPrint's ``pdf/ua-1`` variant,
:data:`PDF_VARIANT`): a structure tree (headings, paragraphs, lists, tables with their header
cells, figures with the ``alt`` of their image as ``/Alt``), the language of ``<html lang>``
as ``/Lang``, the ``<title>`` as the document's title (shown by the viewer in place of the
file name) and bookmarks from the headings (WeasyPrint's default ``bookmark-level`` of h1-h6;
the report's headings are h1 to h3). Public bodies in Italy publish documents that meet
WCAG 2.1 AA (L. 4/2004, EN 301 549); ``tests/render/test_pdf_ua.py`` checks every PDF of a
built site.

WeasyPrint never goes on the network here: only ``data:`` URLs and local files are fetched.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.atomic import write_bytes_atomic
from pipeline.i18n.formatting import normalize_lang
from pipeline.render.labels import label

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

__all__ = ["PDF_VARIANT", "html_to_pdf", "page_css"]

log = logging.getLogger(__name__)

_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z_-]+)", re.IGNORECASE)

#: Family name under which the PDF registers matplotlib's DejaVu fonts.
PDF_FONT_FAMILY = "Welfare Report Sans"
PDF_MONO_FAMILY = "Welfare Report Mono"

#: The PDF flavour WeasyPrint writes: tagged, accessible (PDF/UA-1, on PDF 1.7).
PDF_VARIANT = "pdf/ua-1"


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def _rule(selector: str, body: str) -> str:
    return selector + " { " + body + " }"


def _language_rules(lang: str, *, important: bool = False) -> list[str]:
    flag = " !important" if important else ""
    footer = label("page_of", lang)
    return [
        _rule("@page", _rule("@bottom-right", f"content: {footer}{flag};")),
        # every page names the wave by its title ("Rilevazione d'autunno 2014"), which says
        # what it is already: no "Rilevazione" label before it
        _rule("@media print",
              _rule(".cover-wave", f"string-set: report-wave content(text){flag};")),
    ]


def page_css(lang: str, *, synthetic: bool = False) -> str:
    """The paged-media rules that depend on the language and on synthetic data.

    The footer "pagina X di Y" / "page X of Y", the wave in the running header, and, for
    synthetic data, a mark printed on every page (the first included).
    """
    lang = normalize_lang(lang)
    rules = _language_rules(lang)
    if synthetic:
        mark = _css_string(label("synthetic", lang))
        box = _rule("@bottom-left",
                    f"content: {mark}; color: #6b2600; font-weight: bold; font-size: 8pt;")
        rules += [_rule("@page", box), _rule("@page :first", box)]
    return "\n".join(rules)


def _language_css(lang: str) -> str:
    """The language-dependent rules of :func:`page_css`, overriding those of the HTML."""
    return "\n".join(_language_rules(lang, important=True))


def html_lang(html: str) -> str | None:
    """The ``lang`` attribute of ``<html>`` normalised to ``"it"``/``"en"``, if any."""
    m = _HTML_LANG.search(html[:4096])
    if not m:
        return None
    try:
        return normalize_lang(m.group(1))
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _matplotlib_font_dir() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "mpl-data" / "fonts" / "ttf"
        if (folder / "DejaVuSans.ttf").is_file():
            return folder
    return None


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    """One WeasyPrint font configuration per process: the ``@font-face`` files load once.

    WeasyPrint reads ``@font-face`` rules only through a font configuration passed both to
    the stylesheet and to ``write_pdf``; without it the PDF takes whatever fonts the
    machine has, and prints differently from one machine to another.
    """
    import multiprocessing.util

    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    # WeasyPrint copies each @font-face file into a temporary folder that it removes only
    # when the configuration is collected, which a pool's worker never does (it leaves
    # through os._exit): 3 MB left in /tmp per worker and run. multiprocessing runs this
    # at the exit of the process that made it, main process or worker, and never in a
    # child forked afterwards (it checks the pid).
    multiprocessing.util.Finalize(None, _remove_font_folder, args=(config,), exitpriority=0)
    return config


def _remove_font_folder(config: FontConfiguration) -> None:
    folder = getattr(config, "_folder", None)  # WeasyPrint's own: where it copied the fonts
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _font_css() -> str:
    """``@font-face`` rules for matplotlib's DejaVu files, or nothing if they are missing."""
    folder = _matplotlib_font_dir()
    if folder is None:
        return ""
    faces = [
        (PDF_FONT_FAMILY, "DejaVuSans.ttf", "normal", "normal"),
        (PDF_FONT_FAMILY, "DejaVuSans-Bold.ttf", "bold", "normal"),
        (PDF_FONT_FAMILY, "DejaVuSans-Oblique.ttf", "normal", "italic"),
        (PDF_FONT_FAMILY, "DejaVuSans-BoldOblique.ttf", "bold", "italic"),
        (PDF_MONO_FAMILY, "DejaVuSansMono.ttf", "normal", "normal"),
        (PDF_MONO_FAMILY, "DejaVuSansMono-Bold.ttf", "bold", "normal"),
    ]
    rules = []
    for family, filename, weight, style in faces:
        path = folder / filename
        if path.is_file():
            rules.append(
                f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}");'
                f" font-weight: {weight}; font-style: {style}; }}"
            )
    if not rules:
        return ""
    # !important: a user stylesheet's normal rules lose to the report's own font stack.
    rules.append(
        f'html {{ font-family: "{PDF_FONT_FAMILY}", "DejaVu Sans", sans-serif !important; }}'
    )
    rules.append(
        f'code, pre, kbd, samp {{ font-family: "{PDF_MONO_FAMILY}", "DejaVu Sans Mono",'
        " monospace !important; }"
    )
    return "\n".join(rules)


def html_to_pdf(
    html: str,
    pdf_path: Path,
    *,
    base_url: Path | None = None,
    lang: str | None = None,
) -> Path:
    """Print ``html`` to a tagged (PDF/UA-1) A4 PDF at ``pdf_path``; return ``pdf_path``.

    Parameters
    ----------
    html
        A report from :func:`pipeline.render.html.render_html` (any HTML works; the running
        header is then empty).
    pdf_path
        Destination. Written through a temporary file in the same folder and renamed, so a
        reader never sees half a PDF and a failed run leaves the previous PDF in place.
    base_url
        Folder that relative file references are resolved against (the report's own images
        are data URIs and need none). Nothing outside ``data:`` and ``file:`` is fetched.
    lang
        Language of the footer; default: the ``lang`` attribute of ``<html>``, else Italian.
    """
    from weasyprint import CSS, HTML  # slow import: PDF only
    from weasyprint.urls import URLFetcher

    pdf_path = Path(pdf_path)
    lang = normalize_lang(lang) if lang is not None else (html_lang(html) or "it")
    font_config = _font_config()
    extra = [
        CSS(string=_font_css(), font_config=font_config),
        CSS(string=_language_css(lang)),
    ]
    document = HTML(
        string=html,
        base_url=str(Path(base_url).resolve()) + os.sep if base_url is not None else None,
        url_fetcher=URLFetcher(allowed_protocols={"data", "file"}),
    )
    data = document.write_pdf(stylesheets=extra, pdf_variant=PDF_VARIANT,
                              font_config=font_config)
    write_bytes_atomic(pdf_path, data)
    return pdf_path
