"""An executed notebook to a self-contained, printable HTML report.

The HTML has no code, no prompts, no ``<script>``, no ``<link>``, no web font and no
reference to anything on the network: the theme (``templates/welfare_report/report.css``)
is inlined, images are data URIs. It opens offline in any browser and prints (or goes
through :func:`pipeline.render.pdf.html_to_pdf`) to A4.

What is left out of a report, and how figures and tables are numbered and captioned,
is the work of :func:`pipeline.render.prepare.prepare_notebook` (see that module).

Sanitised by an allow-list
--------------------------
Everything the notebook put in the report passes through :func:`sanitize_fragment`, the
allow-list sanitiser ``nh3`` (ammonia) with :data:`ALLOWED_TAGS` and
:data:`ALLOWED_ATTRIBUTES`: each Markdown cell, Markdown output and HTML output on its own,
then the whole content of ``<main>`` with the figure and table wrappers. Whatever is not
listed is dropped: no ``on*`` attribute, no ``<script>``, ``<style>``, ``<iframe>``,
``<svg>`` or form, no ``javascript:`` URL, ``data:`` URLs only as the ``src`` of an
``<img>`` holding an image. The cover and the table of contents come from the template,
which escapes every value it inserts. Values of the data are also escaped where a notebook
puts them into Markdown (:func:`pipeline.render.escape.markdown_escape`).

Table of contents
-----------------
Generated from the ``h2`` and ``h3`` headings of the notebook's markdown (``##`` and
``###``), each given a unique ``id``; ``h3`` entries nest under the ``h2`` before them. In
the PDF each entry shows its page number. The notebook's ``#`` heading, if any, is not in
the table of contents (the cover carries the title).
"""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat
import nh3

from pipeline.config import TEMPLATES_DIR, is_demo_wave
from pipeline.i18n.formatting import Formatter, normalize_lang
from pipeline.render.labels import DEFAULT_PROMOTERS, LABELS, labels
from pipeline.render.pdf import page_css
from pipeline.render.prepare import prepare_notebook

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "TEMPLATE_DIR", "TEMPLATE_NAME",
           "prepare_notebook", "render_html", "sanitize_fragment"]

log = logging.getLogger(__name__)

TEMPLATE_DIR = TEMPLATES_DIR
TEMPLATE_NAME = "welfare_report"

_SAFE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

#: The elements a report's content may hold: Markdown (headings, paragraphs, lists,
#: emphasis, code, quotes, links, images, GFM tables, definition lists), the notebook's
#: cell and output wrappers (``div``, ``pre`` for printed text, ``span`` for colours and
#: captions), tables (pandas) and the figure and table wrappers of the template;
#: ``details``/``summary`` hold each figure's data table (:func:`pipeline.notebook.show_figure`).
ALLOWED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "pre", "code",
    "blockquote", "em", "strong", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small",
    "mark", "kbd", "abbr", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure",
    "figcaption", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr",
    "th", "td", "details", "summary",
})
#: The attributes each element may keep (``"*"``: every allowed element). No ``on*``
#: handler, no ``style`` except the alignment of table cells, no ``srcset``, no ``tabindex``.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"class", "id"}),
    "div": frozenset({"data-mime-type"}),
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "tr": frozenset({"style"}),
    "th": frozenset({"colspan", "rowspan", "style"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
    "abbr": frozenset({"title"}),
}
#: The only CSS properties kept in a ``style`` attribute (pandas aligns its headers).
_STYLE_PROPERTIES = frozenset({"text-align", "vertical-align"})
#: URL schemes of ``href`` and ``src``; relative URLs (``#fig-1``) are kept. ``data:`` is
#: narrowed to images by :func:`_only_image_data`.
_URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
#: Elements dropped with everything inside them (the others not allowed keep their text).
_DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "noframes",
    "object", "embed", "applet", "svg", "math", "video", "audio", "canvas", "map",
    "form", "select", "textarea", "button", "head", "title", "xmp", "noembed",
})
_IMAGE_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z",
                         re.IGNORECASE)
_CSS_REMOTE_URL = re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//[^)]*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.IGNORECASE)


@lru_cache(maxsize=4)  # one per language: its templates compiled once per process
def _exporter(lang: str) -> Any:
    from nbconvert import HTMLExporter  # slow import: kept off import time

    # sanitize_html: the template passes every Markdown cell, Markdown output and HTML
    # output through ``clean_html``, here the allow-list, one at a time: markup left open
    # in one output (an unclosed <style> or <table>) cannot swallow the rest of the report.
    return HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATE_DIR)],
                        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                        exclude_output_stdin=True, embed_images=True, language_code=lang,
                        sanitize_html=True, filters={"clean_html": sanitize_fragment})


def _slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    ascii_text = norm.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "sezione"


def _clean_css(css: str) -> str:
    css = _CSS_IMPORT.sub("", css)
    return _CSS_REMOTE_URL.sub("none", css)


# ---------------------------------------------------------------------------------------
# The exported HTML made self-contained
# ---------------------------------------------------------------------------------------


def _only_image_data(tag: str, attribute: str, value: str) -> str | None:
    """``data:`` URLs only as the source of an image, and only of an image type."""
    if value.lstrip()[:5].lower() != "data:":
        return value
    return value if tag == "img" and attribute == "src" and _IMAGE_DATA.match(value) else None


def sanitize_fragment(html: str) -> str:
    """``html``, a fragment (an output, a Markdown cell, a report's ``<main>``), through the
    allow-list.

    Only :data:`ALLOWED_TAGS` with their :data:`ALLOWED_ATTRIBUTES` are kept; the elements
    of ``_DROPPED_WITH_CONTENT`` go with their content, others not allowed leave their
    text. Comments are dropped; links are not given a ``rel``.
    """
    return nh3.clean(
        html, tags=set(ALLOWED_TAGS), clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_only_image_data, url_schemes=set(_URL_SCHEMES),
        filter_style_properties=set(_STYLE_PROPERTIES), strip_comments=True, link_rel=None)


def _sanitize_main(soup: Any) -> None:
    """The notebook's content (``<main>``) replaced by its sanitised version.

    Each Markdown and HTML output was already sanitised on its own (:func:`_exporter`); this
    pass covers what the template wrapped around them and any output it inserts as is.
    """
    from bs4 import BeautifulSoup

    main = soup.find("main")
    if main is None:  # not the report template: nothing of the notebook is kept unchecked
        raise ValueError("report template without <main>: the content cannot be sanitised")
    clean = sanitize_fragment(main.decode_contents())
    main.clear()
    main.append(BeautifulSoup(clean, "html.parser"))


def _note_images_not_embedded(soup: Any, words: dict[str, str]) -> None:
    """Images not embedded (not ``data:``) are left out with a visible note."""
    for img in soup.find_all("img"):
        src = str(img.get("src", ""))
        if not src.startswith("data:"):
            log.warning("report: image %r is not embedded and was left out", src[:80])
            note = soup.new_tag("span", attrs={"class": "missing-image"})
            alt = str(img.get("alt", "")).strip()
            note.string = f"[{words['image_omitted']}{': ' + alt if alt else ''}]"
            img.replace_with(note)


def _clean_attributes(soup: Any) -> None:
    """Remote URLs and imports out of the style sheets; no tab stops, no table borders."""
    for style in soup.find_all("style"):
        if style.string:
            style.string = _clean_css(style.string)
    for tag in soup.find_all(style=True):
        tag["style"] = _clean_css(str(tag["style"]))
    for tag in soup.find_all(attrs={"tabindex": True}):
        del tag["tabindex"]
    for table in soup.find_all("table"):
        table.attrs.pop("border", None)


def _scope_headers(soup: Any) -> None:
    """Every header cell says what it heads: ``scope="col"`` (``colgroup`` when it spans
    columns) in the table's head or in a row of header cells only, ``scope="row"`` in a body
    row (pandas' index).

    Screen readers announce a data cell with its headers; the tagged PDF
    (:mod:`pipeline.render.pdf`) links each data cell to its row and column headers from
    the same attribute. A ``scope`` the notebook gave is kept.
    """
    for th in soup.select("main th"):
        if th.get("scope"):
            continue
        row = th.find_parent("tr")
        header_row = row is not None and all(c.name == "th" for c in row.find_all(
            ["td", "th"], recursive=False))
        if th.find_parent("thead") is not None or header_row:
            th["scope"] = "colgroup" if str(th.get("colspan", "1")) != "1" else "col"
        else:
            th["scope"] = "row"


def _drop_empty(soup: Any) -> None:
    """Heading anchors (the "¶" links), and code cells left with nothing to show."""
    for a in soup.select("a.anchor-link"):
        a.decompose()
    for cell in soup.select("div.jp-CodeCell"):
        if not cell.select(".jp-OutputArea-output, figure"):
            cell.decompose()


# ---------------------------------------------------------------------------------------
# Table of contents
# ---------------------------------------------------------------------------------------


def _unique_id(text: str, used: set[str], seen_ids: set[str]) -> str:
    base = _slug(text)
    hid, n = base, 2
    while hid in used or hid in seen_ids:
        hid, n = f"{base}-{n}", n + 1
    return hid


def _headings(soup: Any) -> list[tuple[int, str, str]]:
    """``(level, id, text)`` of the h2 and h3 headings of ``<main>``, each with a safe,
    unique id."""
    main = soup.find("main")
    entries: list[tuple[int, str, str]] = []
    if main is None:
        return entries
    used: set[str] = {str(t["id"]) for t in soup.find_all(id=True)}
    seen_ids: set[str] = set()
    for heading in main.find_all(["h2", "h3"]):
        text = " ".join(heading.get_text(" ", strip=True).split())
        if not text:
            continue
        hid = str(heading.get("id") or "")
        # nbconvert percent-encodes accents ("Citt%C3%A0"): such ids break links in
        # some viewers and WeasyPrint's page references, so they get an ASCII slug.
        if not _SAFE_ID.fullmatch(hid) or hid in seen_ids:
            hid = _unique_id(text, used, seen_ids)
            heading["id"] = hid
        seen_ids.add(hid)
        used.add(hid)
        entries.append((int(heading.name[1]), hid, text))
    return entries


def _toc_list(soup: Any, entries: list[tuple[int, str, str]]) -> Any:
    """The ``<ol>`` of the entries, h3 entries nested under the h2 before them."""
    top = soup.new_tag("ol")
    current_sub = None
    last_item = None
    for level, hid, text in entries:
        item = soup.new_tag("li")
        link = soup.new_tag("a", href=f"#{hid}")
        link.string = text
        item.append(link)
        if level == 3 and last_item is not None:
            if current_sub is None:
                current_sub = soup.new_tag("ol")
                last_item.append(current_sub)
            current_sub.append(item)
        else:
            top.append(item)
            if level == 2:
                last_item, current_sub = item, None
    return top


def _add_toc(soup: Any) -> None:
    """Fill the template's ``<nav class="toc">`` (or remove it when there is no heading)."""
    from bs4 import Comment

    entries = _headings(soup)
    nav = soup.find("nav", class_="toc")
    if nav is None:
        return
    placeholder = nav.find(string=lambda s: isinstance(s, Comment))
    if not entries:
        nav.decompose()
    elif placeholder is not None:
        placeholder.replace_with(_toc_list(soup, entries))
    else:
        nav.append(_toc_list(soup, entries))


def _finish(html: str, lang: str) -> str:
    """Sanitise the notebook's content, make the HTML self-contained, add the contents."""
    from bs4 import BeautifulSoup  # nbconvert's own dependency

    soup = BeautifulSoup(html, "html.parser")
    _note_images_not_embedded(soup, LABELS[lang])
    _sanitize_main(soup)
    _clean_attributes(soup)
    _scope_headers(soup)
    _drop_empty(soup)
    _add_toc(soup)
    return str(soup)


def render_html(
    nb: nbformat.NotebookNode,
    *,
    title: str,
    wave: str,
    lang: str = "it",
    synthetic: bool = False,
    subtitle: str | None = None,
    date: datetime.date | None = None,
    promoters: list[str] | None = None,
    resources_dir: Path | None = None,
) -> str:
    """The report of an executed notebook, as one self-contained HTML document.

    Parameters
    ----------
    nb
        The executed notebook (not changed).
    title, subtitle
        Cover title (also the running header of the printed pages) and optional subtitle.
    wave
        Wave label, on the cover and in the running header.
    lang
        ``"it"`` (default) or ``"en"``: the cover, captions, table of contents and footer
        labels. The notebook's own text is not translated.
    synthetic
        Mark the report as synthetic demo data: a banner on the cover, a strip at the top
        of the screen and a mark on every printed page. A wave whose label starts with
        ``demo`` (:func:`pipeline.config.is_demo_wave`) is always marked, whatever this says.
    date
        Date on the cover (default: today), written in words ("24 novembre 2026").
    promoters
        Names on the cover (default: :data:`pipeline.render.labels.DEFAULT_PROMOTERS`);
        an empty list prints none.
    resources_dir
        Folder that relative image paths in markdown cells are read from and embedded
        (default: the current folder). Images that cannot be embedded are left out with a
        visible note.

    Returns
    -------
    str
        The HTML document: the theme inlined, figures as data URIs, nothing fetched.
    """
    lang = normalize_lang(lang)
    synthetic = bool(synthetic) or is_demo_wave(str(wave))
    words = labels(lang)
    prepared = prepare_notebook(nb, lang)
    report = {
        "lang": lang,
        "title": str(title),
        "subtitle": subtitle,
        "wave": str(wave),
        "date_text": Formatter(lang).date(date or datetime.date.today()),
        "promoters": list(DEFAULT_PROMOTERS if promoters is None else promoters),
        "synthetic": synthetic,
        "labels": words,
        "page_css": page_css(lang, synthetic=synthetic),
    }
    resources = {
        "report": report,
        "metadata": {
            "name": str(title),
            "path": str(Path(resources_dir).resolve()) if resources_dir else str(Path.cwd()),
        },
    }
    body, _ = _exporter(lang).from_notebook_node(prepared, resources=resources)
    return _finish(body, lang)
