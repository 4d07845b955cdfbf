"""An executed notebook to a self-contained, printable HTML report.

The HTML has no code, no prompts, no ``<script>``, no ``<link>``, no web font and no
reference to anything on the network: the theme (``templates/welfare_report/report.css``)
is inlined, images are data URIs. It opens offline in any browser and prints (or goes
through :func:`pipeline.render.pdf.html_to_pdf`) to A4.

What is left out of a report
----------------------------
* every code input and every prompt;
* ``stderr`` streams (Python warnings go there), error outputs and tracebacks, and the
  error cell papermill adds to a failed notebook;
* the text a cell returns by accident: ``[<matplotlib.lines.Line2D at 0x...>]``,
  ``<Axes: ...>``, ``Text(0.5, 1.0, '...')``, ``<Figure size 640x480 with 1 Axes>``;
* JavaScript and widget outputs (they need a browser runtime and the network);
* cells tagged ``remove-cell`` (also ``remove_cell``, ``hide-cell``), and the outputs of
  cells tagged ``remove-output`` (also ``remove_output``, ``hide-output``).

Figures, tables and captions
----------------------------
Every output holding an image (``image/png``, ``image/jpeg``, ``image/svg+xml``) is a
*figure*; every other output whose HTML holds a ``<table>`` (a pandas DataFrame or Styler)
is a *table*. Figures and tables are numbered separately in document order, "Figura 1",
"Tabella 1" in Italian, "Figure 1", "Table 1" in English; figure captions go below the
figure, table captions above the table. A cell tagged ``unnumbered`` gets no number (nor
caption) for its outputs.

A caption is taken from the first of:

1. the output's metadata ``caption``, set in the notebook with IPython::

       display(fig, metadata={"caption": "Distribuzione delle imprese per settore"})
       display(df, metadata={"caption": {"it": "Imprese per settore",
                                         "en": "Companies by sector"}})

   (``plt.close(fig)`` afterwards, or the inline backend shows the figure a second time);
2. the cell's metadata ``fig-cap`` (figures) / ``tbl-cap`` (tables) / ``caption`` (both):
   a string, a ``{"it": ..., "en": ...}`` mapping, or a list giving one caption per
   figure (or table) of the cell in order;
3. Quarto-style comment lines at the top of the code cell, one per figure/table in order::

       #| fig-cap: Distribuzione delle imprese per settore
       #| tbl-cap: "Imprese per settore"

A caption is plain text (escaped). A ``{lang: text}`` mapping gives the caption of the
report's language, else the Italian one, else the first one. The caption (or, without one,
the label "Figura 1") is also the image's alternative text.

Table of contents
-----------------
Generated from the ``h2`` and ``h3`` headings of the notebook's markdown (``##`` and
``###``), each given a unique ``id``; ``h3`` entries nest under the ``h2`` before them. In
the PDF each entry shows its page number. The notebook's ``#`` heading, if any, is not in
the table of contents (the cover carries the title).
"""

from __future__ import annotations

import copy
import datetime
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

import nbformat

from pipeline.config import TEMPLATES_DIR, is_demo_wave
from pipeline.i18n.formatting import format_date, normalize_lang
from pipeline.render.labels import DEFAULT_PROMOTERS, LABELS, labels
from pipeline.render.pdf import page_css

__all__ = ["TEMPLATE_DIR", "TEMPLATE_NAME", "prepare_notebook", "render_html"]

log = logging.getLogger(__name__)

TEMPLATE_DIR = TEMPLATES_DIR
TEMPLATE_NAME = "welfare_report"

#: ``text`` cells hold the sentences :func:`pipeline.i18n.text.say` shows, filled in.
REMOVE_CELL_TAGS = frozenset({"remove-cell", "remove_cell", "hide-cell", "papermill-error-cell-tag",
                              "text"})
REMOVE_OUTPUT_TAGS = frozenset({"remove-output", "remove_output", "hide-output"})
UNNUMBERED_TAG = "unnumbered"

_IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
_DROPPED_MIMES = (
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)
# One "accidental" repr: <... at 0x...>, <Axes: ...>, <Figure size ...>, Text(...), and
# lists or tuples of them.
_REPR_ITEM = r"(?:<[^<>\n]*>|Text\([^\n]*?\))"
_REPR_NOISE = re.compile(rf"^[\[\(\s]*{_REPR_ITEM}(?:\s*,\s*{_REPR_ITEM})*[\s,\]\)]*$", re.DOTALL)
_TABLE_TAG = re.compile(r"<table\b", re.IGNORECASE)
_CAPTION_LINE = re.compile(r"^\s*#\|\s*(fig-cap|tbl-cap|caption)\s*:\s*(.*?)\s*$")
_SAFE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_CSS_REMOTE_URL = re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//[^)]*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\b[^;]*;?", re.IGNORECASE)


# ---------------------------------------------------------------------------------------
# Notebook preparation: what is kept, numbering, captions
# ---------------------------------------------------------------------------------------


def _tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _is_noise(output: Any) -> bool:
    """True for an output whose only content is an accidental repr of a Python object."""
    data = output.get("data", {})
    if set(data) != {"text/plain"}:
        return False
    text = _text(data["text/plain"]).strip()
    return len(text) < 10_000 and bool(_REPR_NOISE.match(text))


def _localised(value: Any, lang: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        for key in (lang, "it"):
            if value.get(key):
                return str(value[key])
        return next((str(v) for v in value.values() if v), None)
    text = str(value).strip()
    return text or None


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _cell_captions(cell: Any, kind: str, lang: str) -> list[str | None]:
    """The captions a cell gives to its figures (``kind="figure"``) or tables, in order."""
    keys = ("fig-cap" if kind == "figure" else "tbl-cap", "caption")
    meta = cell.get("metadata", {})
    for key in keys:
        if key in meta:
            value = meta[key]
            items = value if isinstance(value, list) else [value]
            return [_localised(v, lang) for v in items]
    captions: list[str | None] = []
    for line in _text(cell.get("source", "")).splitlines():
        m = _CAPTION_LINE.match(line)
        if m is None:
            if line.strip() and not line.lstrip().startswith("#"):
                break  # only the comment block at the top of the cell
            continue
        if m.group(1) in keys:
            captions.append(_unquote(m.group(2)) or None)
    return captions


def _output_caption(output: Any, lang: str) -> str | None:
    meta = output.get("metadata", {}) or {}
    caption = _localised(meta.get("caption"), lang)
    if caption:
        return caption
    for mime in _IMAGE_MIMES + ("text/html",):
        sub = meta.get(mime)
        if isinstance(sub, dict) and sub.get("caption"):
            return _localised(sub["caption"], lang)
    return None


def _kind(output: Any) -> str | None:
    data = output.get("data", {})
    if any(m in data for m in _IMAGE_MIMES):
        return "figure"
    if "text/html" in data and _TABLE_TAG.search(_text(data["text/html"])):
        return "table"
    return None


def prepare_notebook(nb: nbformat.NotebookNode, lang: str = "it") -> nbformat.NotebookNode:
    """A copy of ``nb`` ready for the report template (``nb`` itself is not changed).

    Drops what a report must not show (see the module docstring), and writes in each
    figure or table output's metadata a ``welfare_report`` entry: ``kind``, ``number``,
    ``label`` ("Figura 3"), ``caption``, ``alt`` and ``id`` (``fig-3``, ``tab-1``).
    """
    lang = normalize_lang(lang)
    words = LABELS[lang]
    nb = copy.deepcopy(nb)
    counters = {"figure": 0, "table": 0}
    dropped = {"stderr": 0, "error": 0}
    cells = []
    for cell in nb.cells:
        tags = _tags(cell)
        if tags & REMOVE_CELL_TAGS:
            continue
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        if tags & REMOVE_OUTPUT_TAGS:
            cell.outputs = []
            continue
        kept = []
        for output in cell.get("outputs", []):
            otype = output.get("output_type")
            if otype == "error":
                dropped["error"] += 1
                continue
            if otype == "stream":
                if output.get("name") != "stdout":
                    dropped["stderr"] += 1
                    continue
                kept.append(output)
                continue
            if otype not in ("display_data", "execute_result"):
                continue
            data = output.get("data", {})
            for mime in _DROPPED_MIMES:
                data.pop(mime, None)
            if not data or _is_noise(output):
                continue
            kept.append(output)
        cell.outputs = kept
        if UNNUMBERED_TAG in tags:
            continue
        seen = {"figure": 0, "table": 0}
        for output in kept:
            kind = _kind(output)
            if kind is None:
                continue
            counters[kind] += 1
            number = counters[kind]
            caption = _output_caption(output, lang)
            if caption is None:
                captions = _cell_captions(cell, kind, lang)
                if seen[kind] < len(captions):
                    caption = captions[seen[kind]]
            seen[kind] += 1
            text = f"{words[kind]} {number}"
            output.setdefault("metadata", {})["welfare_report"] = {
                "kind": kind,
                "number": number,
                "label": text,
                "caption": caption,
                "alt": caption or text,
                "id": f"{'fig' if kind == 'figure' else 'tab'}-{number}",
            }
    nb.cells = cells
    if dropped["error"]:
        log.warning("report: %d error output(s) left out of the report", dropped["error"])
    if dropped["stderr"]:
        log.info("report: %d stderr output(s) left out of the report", dropped["stderr"])
    return nb


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def _exporter(lang: str):
    from nbconvert import HTMLExporter  # slow import: kept off import time

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_output_stdin=True,
        embed_images=True,
        language_code=lang,
    )
    return exporter


def _slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    ascii_text = norm.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "sezione"


def _clean_css(css: str) -> str:
    css = _CSS_IMPORT.sub("", css)
    return _CSS_REMOTE_URL.sub("none", css)


def _finish(html: str, lang: str) -> str:
    """Make the exported HTML self-contained and add the table of contents."""
    from bs4 import BeautifulSoup, Comment  # nbconvert's own dependency

    soup = BeautifulSoup(html, "html.parser")
    words = LABELS[lang]

    # Anything that would load or run something.
    for tag in soup.find_all(["script", "link", "iframe", "object", "embed", "base"]):
        tag.decompose()
    for tag in soup.find_all(["video", "audio", "source", "track"]):
        tag.decompose()
    for img in soup.find_all("img"):
        img.attrs.pop("srcset", None)
        src = str(img.get("src", ""))
        if not src.startswith("data:"):
            log.warning("report: image %r is not embedded and was left out", src[:80])
            note = soup.new_tag("span", attrs={"class": "missing-image"})
            alt = str(img.get("alt", "")).strip()
            note.string = f"[{words['image_omitted']}{': ' + alt if alt else ''}]"
            img.replace_with(note)
    for style in soup.find_all("style"):
        if style.string:
            style.string = _clean_css(style.string)
    for tag in soup.find_all(style=True):
        tag["style"] = _clean_css(str(tag["style"]))
    for tag in soup.find_all(attrs={"tabindex": True}):
        del tag["tabindex"]
    for table in soup.find_all("table"):
        table.attrs.pop("border", None)

    # Heading anchors (the "¶" links), and code cells left with nothing to show.
    for a in soup.select("a.anchor-link"):
        a.decompose()
    for cell in soup.select("div.jp-CodeCell"):
        if not cell.select(".jp-OutputArea-output, figure"):
            cell.decompose()

    # Table of contents from the h2/h3 of the body.
    main = soup.find("main")
    entries: list[tuple[int, str, str]] = []
    used: set[str] = {str(t["id"]) for t in soup.find_all(id=True)}
    if main is not None:
        seen_ids: set[str] = set()
        for heading in main.find_all(["h2", "h3"]):
            text = " ".join(heading.get_text(" ", strip=True).split())
            if not text:
                continue
            hid = str(heading.get("id") or "")
            # nbconvert percent-encodes accents ("Citt%C3%A0"): such ids break links in
            # some viewers and WeasyPrint's page references, so they get an ASCII slug.
            if not _SAFE_ID.fullmatch(hid) or hid in seen_ids:
                base = _slug(text)
                hid, n = base, 2
                while hid in used or hid in seen_ids:
                    hid, n = f"{base}-{n}", n + 1
                heading["id"] = hid
            seen_ids.add(hid)
            used.add(hid)
            entries.append((int(heading.name[1]), hid, text))
    nav = soup.find("nav", class_="toc")
    if nav is not None:
        placeholder = nav.find(string=lambda s: isinstance(s, Comment))
        if not entries:
            nav.decompose()
        else:
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
            if placeholder is not None:
                placeholder.replace_with(top)
            else:
                nav.append(top)
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
        "date_text": format_date(date or datetime.date.today(), lang),
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
