"""A notebook made ready for a report: what is kept, numbering, captions.

:func:`prepare_notebook` is the first step of :func:`pipeline.render.html.render_html`.

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
report's language, else the Italian one, else the first one.

Alternative text and the figure's data
--------------------------------------
The image's alternative text is the output's metadata ``alt`` (a string or a
``{lang: text}`` mapping; :func:`pipeline.notebook.show_figure` sets a short description
with the key values), else the caption, else the label "Figura 1".

An output whose metadata has ``welfare_figure_data`` (:func:`pipeline.notebook.show_figure`
displays one after each figure: the figure's data in a collapsed ``<details>`` table) is
neither a figure nor a table: it is not numbered, and its summary ("Dati della figura")
takes the number of the figure before it ("Dati della figura 3").
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import nbformat

from pipeline.i18n.formatting import normalize_lang
from pipeline.i18n.text import text
from pipeline.render.labels import LABELS

__all__ = ["REMOVE_CELL_TAGS", "REMOVE_OUTPUT_TAGS", "UNNUMBERED_TAG", "prepare_notebook"]

log = logging.getLogger(__name__)

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
#: Metadata key of the output holding a figure's data (:func:`pipeline.notebook.show_figure`).
FIGURE_DATA = "welfare_figure_data"
_DATA_SUMMARY = re.compile(r'(<summary class="figure-data-summary">)(.*?)(</summary>)', re.DOTALL)


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
    if (output.get("metadata") or {}).get(FIGURE_DATA):
        return "figure_data"
    if any(m in data for m in _IMAGE_MIMES):
        return "figure"
    if "text/html" in data and _TABLE_TAG.search(_text(data["text/html"])):
        return "table"
    return None


def _keep(output: Any, dropped: dict[str, int]) -> bool:
    """Whether a report shows ``output``; counts the error and stderr outputs left out.

    Drops JavaScript and widget data from a display output it keeps.
    """
    otype = output.get("output_type")
    if otype == "error":
        dropped["error"] += 1
        return False
    if otype == "stream":
        if output.get("name") != "stdout":
            dropped["stderr"] += 1
            return False
        return True
    if otype not in ("display_data", "execute_result"):
        return False
    data = output.get("data", {})
    for mime in _DROPPED_MIMES:
        data.pop(mime, None)
    return bool(data) and not _is_noise(output)


def _number_data(output: Any, number: int, lang: str) -> None:
    """The summary of a figure's data table names its figure: "Dati della figura 3"."""
    html = output.get("data", {}).get("text/html")
    if html is None:
        return
    summary = text("chart.data_numbered", lang, number=number)
    output["data"]["text/html"] = _DATA_SUMMARY.sub(
        lambda m: m.group(1) + summary + m.group(3), _text(html), count=1)


def _number(cell: Any, counters: dict[str, int], words: dict[str, str], lang: str) -> None:
    """Number the figures and tables of a code cell's (kept) outputs, with their captions."""
    seen = {"figure": 0, "table": 0}
    for output in cell.outputs:
        kind = _kind(output)
        if kind == "figure_data":
            if counters["figure"]:
                _number_data(output, counters["figure"], lang)
            continue
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
        label = f"{words[kind]} {number}"
        alt = _localised((output.get("metadata") or {}).get("alt"), lang)
        output.setdefault("metadata", {})["welfare_report"] = {
            "kind": kind,
            "number": number,
            "label": label,
            "caption": caption,
            "alt": alt or caption or label,
            "id": f"{'fig' if kind == 'figure' else 'tab'}-{number}",
        }


def prepare_notebook(nb: nbformat.NotebookNode, lang: str = "it") -> nbformat.NotebookNode:
    """A copy of ``nb`` ready for the report template (``nb`` itself is not changed).

    Parameters
    ----------
    nb
        The executed notebook.
    lang
        ``"it"`` (default) or ``"en"``: the words of the labels ("Figura 3") and the
        captions chosen.

    Returns
    -------
    nbformat.NotebookNode
        The copy, without what a report must not show (see the module docstring); each
        figure or table output's metadata has a ``welfare_report`` entry: ``kind``,
        ``number``, ``label`` ("Figura 3"), ``caption``, ``alt`` and ``id`` (``fig-3``,
        ``tab-1``); a figure's data table names its figure ("Dati della figura 3").
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
        cell.outputs = [o for o in cell.get("outputs", []) if _keep(o, dropped)]
        if UNNUMBERED_TAG not in tags:
            _number(cell, counters, words, lang)
    nb.cells = cells
    if dropped["error"]:
        log.warning("report: %d error output(s) left out of the report", dropped["error"])
    if dropped["stderr"]:
        log.info("report: %d stderr output(s) left out of the report", dropped["stderr"])
    return nb
