"""What every figure carries besides its drawing: a source line, the marks of suppressed
values, and a text alternative with its data.

Each figure function of :mod:`pipeline.analyse.plots` ends with :func:`finish`, which
draws the "Fonte: ..." line under the plot and attaches a :class:`ChartInfo` to the
figure: the table of what is drawn (readable headers, values written by
:class:`~pipeline.i18n.formatting.Formatter`, suppressed values as ``n.d.``) and a short
description with the key data, for the image's ``alt``.
:func:`pipeline.notebook.show_figure` puts both in the report.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from pipeline.analyse.disclosure.cells import withheld_mask
from pipeline.analyse.plots.theme import FONT_SIZE, MUTED, SOURCE_SIZE, SUPPRESSED
from pipeline.i18n.formatting import NOT_AVAILABLE, Formatter
from pipeline.i18n.text import text

__all__ = ["ChartInfo", "chart_info", "describe", "finish", "interval_writer", "mark_suppressed",
           "nd", "source_line", "suppressed_handle", "suppressed_label", "top_legend",
           "value_writer", "withheld_values"]

#: Attribute of a :class:`~matplotlib.figure.Figure` that holds its :class:`ChartInfo`.
ATTRIBUTE = "welfare_chart"
#: Gid of a legend drawn above its plot (:func:`top_legend`).
TOP_LEGEND = "welfare-top-legend"
#: Average width of a character of the source line, in ems (DejaVu Sans is wide).
_CHAR_EM = 0.55


@dataclass(frozen=True)
class ChartInfo:
    """The text side of a figure.

    Attributes
    ----------
    kind
        What the figure is (``dots``, ``bars``, ``stacked``, ``diverging``, ``gap``,
        ``grid``, ``activity``, ``map``): ``chart.kind.<kind>`` in the catalogue.
    data
        What is drawn, one row per mark or group of marks: readable headers in the
        figure's language, every value a string as the report writes it; suppressed
        values ``n.d.`` / ``n/a``.
    alt
        A short description with the key data (highest and lowest value), for the image's
        alternative text.
    source
        The source line drawn under the figure, or ``None``.
    min_cell
        The disclosure threshold the figure was drawn with (its legend of suppressed
        values names it), or ``None``; the footnote of its data table names it too.
    """

    kind: str
    data: pd.DataFrame
    alt: str
    source: str | None = None
    min_cell: int | None = None


def chart_info(fig: object) -> ChartInfo | None:
    """The :class:`ChartInfo` a figure function attached to ``fig``, if any."""
    info = getattr(fig, ATTRIBUTE, None)
    return info if isinstance(info, ChartInfo) else None


def nd(lang: str) -> str:
    """How a suppressed value is written: ``n.d.`` / ``n/a``."""
    return text("chart.nd", lang)


def withheld_values(table: pd.DataFrame, column: str) -> np.ndarray:
    """Which values of ``column`` a figure draws as withheld (``n.d.``, hatched).

    With a ``suppressed`` column (a published table), the missing values of the rows it
    flags (:func:`pipeline.analyse.disclosure.withheld_mask`); a missing value in a row not
    flagged is not applicable (nothing drawn, ``—`` in the data table). Without one, every
    missing value: a figure's table comes from a published one, whose gaps are withheld.
    """
    if "suppressed" in table.columns:
        return withheld_mask(table)[column].to_numpy(dtype=bool)
    return table[column].isna().to_numpy(dtype=bool)


def suppressed_label(lang: str, min_cell: int | None = None) -> str:
    """The legend's words for a suppressed value (with the threshold when known)."""
    if min_cell is None:
        return text("chart.suppressed_any", lang)
    return text("chart.suppressed", lang, min_cell=min_cell)


def suppressed_handle(lang: str, min_cell: int | None = None, *, patch: bool = True) -> Artist:
    """A legend entry for suppressed values: a hatched patch (bars) or the words alone."""
    label = suppressed_label(lang, min_cell)
    if patch:
        return Patch(label=label, **SUPPRESSED)
    return Line2D([], [], linestyle="none", label=label)


def value_writer(lang: str, percent: bool, decimals: int | None = None):
    """A function writing one value of the figure's data table (missing: ``n.d.``)."""
    fmt = Formatter(lang)
    missing = nd(lang)

    def write(x: object) -> str:
        if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x):
            return missing
        if percent:
            return fmt.percent(float(x), 1 if decimals is None else decimals)
        return fmt.number(float(x), 2 if decimals is None else decimals)

    return write


def interval_writer(lang: str, percent: bool, decimals: int | None = None):
    """A function writing a 95 % interval ``low - high`` of an estimate.

    ``write(low, high, withheld=False)``: ``n.d.`` when the estimate is withheld; the em
    dash when a bound is missing but the estimate is shown (no interval exists, e.g. a
    share of 0 or 100 % with no spread: not applicable, not withheld).
    """
    one = value_writer(lang, percent, decimals)

    def write(low: object, high: object, withheld: bool = False) -> str:
        if withheld:
            return nd(lang)
        if pd.isna(low) or pd.isna(high):
            return NOT_AVAILABLE
        return f"{one(low)} \u2013 {one(high)}"

    return write


def describe(kind: str, lang: str, *, what: str, labels: Sequence[str],
             values: Sequence[float], written: Sequence[str]) -> str:
    """A short description of a figure with its key data, for the image's ``alt``.

    Parameters
    ----------
    kind
        The figure's kind (``chart.kind.<kind>`` in the catalogue).
    what
        What the values are (the axis label).
    labels, values, written
        One entry per mark: its label, its value (NaN when suppressed) and the value as
        written in the data table.

    Returns
    -------
    str
        "Grafico a punti ... Quota ...: il valore più alto è X (80 %); il più basso è Y
        (19 %)." and how many values are not published. Items whose values are written the
        same share the top (or bottom): a tie names them all ("i valori più alti sono X
        (53 %) e Z (53 %)").
    """
    kind_words = text(f"chart.kind.{kind}", lang)
    what = what.replace("\n", " ").strip() or text("chart.col.value", lang)
    vals = np.asarray(values, dtype=float)
    shown = np.flatnonzero(np.isfinite(vals))
    hidden = len(vals) - len(shown)
    fmt = Formatter(lang)

    def items(idx: Sequence[int]) -> str:
        return fmt.listing(text("chart.alt_item", lang, label=str(labels[i]).replace("\n", " "),
                                value=written[i]) for i in idx)

    if not len(shown):
        out = text("chart.alt_none", lang, kind=kind_words, what=what)
    elif len(shown) == 1:
        out = text("chart.alt_one", lang, kind=kind_words, what=what, top=items(shown))
    else:
        # ties as the reader sees them: values written the same
        top = [i for i in shown if written[i] == written[shown[np.argmax(vals[shown])]]]
        bottom = [i for i in shown if written[i] == written[shown[np.argmin(vals[shown])]]]
        if len(top) == len(shown):
            out = text("chart.alt_equal", lang, kind=kind_words, what=what,
                       value=written[top[0]])
        else:
            out = text("chart.alt", lang, kind=kind_words, what=what, top=items(top),
                       n_top=str(len(top)), bottom=items(bottom), n=str(len(bottom)))
    if hidden:
        out += " " + text("chart.alt_hidden", lang, n=fmt.number(hidden, 0))
    return out


def source_line(fig: Figure, source: str) -> None:
    """Draw ``source`` under everything else of ``fig``, the figure grown to make room.

    The figure is laid out first; its height grows by the source's lines and every axes
    (and figure-level text) moves up by as much, so the plot keeps its size. The line is
    wrapped to the figure's width and written small, in grey, from the left edge.
    """
    width, height = fig.get_size_inches()
    chars = max(40, int(width * 72 / (SOURCE_SIZE * _CHAR_EM)))
    lines = textwrap.wrap(source, chars, break_long_words=False) or [source]
    line_height = SOURCE_SIZE * 1.4 / 72
    extra = line_height * len(lines) + 0.15
    total = height + extra
    for ax in fig.axes:
        pos = ax.get_position(original=True)
        ax.set_position([pos.x0, (pos.y0 * height + extra) / total, pos.width,
                         pos.height * height / total], which="both")
    for txt in fig.texts:
        x, y = txt.get_position()
        txt.set_position((x, (y * height + extra) / total))
    fig.set_size_inches(width, total)
    fig.text(0.01, 0.06 / total, "\n".join(lines), ha="left", va="bottom",
             fontsize=SOURCE_SIZE, color=MUTED, linespacing=1.3, gid="welfare-source")


def finish(fig: Figure, *, kind: str, data: pd.DataFrame, alt: str,
           source: str | None = None, layout: bool = True,
           min_cell: int | None = None) -> Figure:
    """Lay ``fig`` out, draw its source line, attach its :class:`ChartInfo`.

    Parameters
    ----------
    kind, data, alt
        See :class:`ChartInfo`.
    source
        The "Fonte: ..." line (:meth:`pipeline.notebook.WaveContext.source`); ``None``
        draws none.
    layout
        Call ``tight_layout`` first (``False`` when the function placed its axes itself).
    min_cell
        The disclosure threshold the figure was drawn with (see :class:`ChartInfo`).
    """
    if layout:
        # the legends above the plots are left out of the layout, so that a legend wider
        # than its plot does not shrink it; they are back in for saving, which takes the
        # bounds of everything drawn (``bbox_inches="tight"``, the notebooks' setting)
        legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None
                   and ax.get_legend().get_gid() == TOP_LEGEND]
        for legend in legends:
            legend.set_in_layout(False)
        fig.tight_layout()
        for legend in legends:
            legend.set_in_layout(True)
    if source:
        source_line(fig, source)
    setattr(fig, ATTRIBUTE, ChartInfo(kind=kind, data=data.reset_index(drop=True), alt=alt,
                                      source=source, min_cell=min_cell))
    return fig


def top_legend(ax: Axes, handles: Sequence[Artist], *, ncol: int) -> None:
    """``handles`` in a legend above ``ax``, in at most ``ncol`` columns, centred on the
    plot (:func:`finish` lays the plot out without it)."""
    if not handles:
        return
    legend = ax.legend(handles=list(handles), ncol=max(1, ncol), frameon=False,
                       loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=FONT_SIZE,
                       handlelength=1.6, columnspacing=1.2)
    legend.set_gid(TOP_LEGEND)


def mark_suppressed(ax: Axes, positions: Sequence[float], lang: str, *, stub: float,
                    start: float = 0.0, height: float = 0.7, vertical: bool = False) -> None:
    """Draw each suppressed bar as a short hatched stub labelled ``n.d.``.

    A suppressed value is not a zero: the stub (``stub`` data units long from ``start``)
    and its label say that a value exists and is not published.
    """
    word = nd(lang)
    for p in positions:
        if vertical:
            ax.bar(p, stub, bottom=start, width=height, **SUPPRESSED)
            ax.text(p, start + stub * 1.15, word, ha="center", va="bottom", color=MUTED,
                    fontsize=FONT_SIZE - 1, style="italic")
        else:
            ax.barh(p, stub, left=start, height=height, **SUPPRESSED)
            ax.text(start + stub * 1.3, p, word, ha="left", va="center", color=MUTED,
                    fontsize=FONT_SIZE - 1, style="italic")

