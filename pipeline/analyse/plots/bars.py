"""Bar charts of tidy count and share tables.

Each bar carries its value written at its end (readable on a phone without the axis); a
suppressed value (fewer answers than the disclosure threshold, NA in the published table)
is a hatched stub labelled ``n.d.``, never a missing or zero bar, and the legend says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pipeline.analyse.plots.axes import fit_labels, format_axis, wrap_all
from pipeline.analyse.plots.chart import (
    describe,
    finish,
    mark_suppressed,
    suppressed_handle,
    top_legend,
    value_writer,
)
from pipeline.analyse.plots.estimates import figure_height, row_height
from pipeline.analyse.plots.theme import FONT_SIZE, LABEL_SIZE, PALETTE, WIDTH
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import text

__all__ = ["count_bars", "share_bars"]


def share_bars(table: pd.DataFrame, *, label: str, value: str = "share", xlabel: str = "",
               title: str = "", lang: str = "it", source: str | None = None,
               label_name: str | None = None, count: str | None = None,
               count_name: str | None = None, min_cell: int | None = None,
               wrap_width: int = 28) -> Figure:
    """Horizontal bars of shares (0-1), one bar per row of ``table``, in table order.

    Parameters
    ----------
    table
        ``label`` and ``value`` (a share; NA when suppressed), optionally ``count``.
    xlabel
        What the shares are (axis label, header of the data table's share column).
    count, count_name
        A column of counts shown in the data table too, with its header.
    lang, source, label_name, min_cell
        Language of ticks and data, source line, header of the label column, disclosure
        threshold (for the legend of ``n.d.`` bars).
    """
    labels = [str(v) for v in table[label]]
    shares = table[value].to_numpy(dtype=float)
    shown = fit_labels(labels, wrap_width)
    fig, ax = plt.subplots(figsize=(WIDTH, figure_height(len(labels), row_height(shown), 1.3)))
    y = np.arange(len(labels))[::-1]
    ok = np.isfinite(shares)
    ax.barh(y[ok], shares[ok], color=PALETTE[0], height=0.7)
    top = float(np.nanmax(shares)) if ok.any() else 0.5
    right = min(1.0, top * 1.18) if top > 0 else 1.0
    ax.set_xlim(0, right)
    fmt = Formatter(lang)
    for yy, v in zip(y[ok], shares[ok], strict=True):
        ax.text(v + right * 0.01, yy, fmt.percent(v, 0), va="center", ha="left",
                fontsize=FONT_SIZE - 1)
    mark_suppressed(ax, list(y[~ok]), lang, stub=right * 0.03)
    ax.set_yticks(y, shown, fontsize=LABEL_SIZE)
    format_axis(ax.xaxis, lang, "percent")
    ax.set(xlabel=xlabel, ylabel="", title=title)
    ax.grid(axis="y", visible=False)
    if not ok.all():
        top_legend(ax, [suppressed_handle(lang, min_cell)], ncol=1)
    one = value_writer(lang, percent=True)
    name = label_name or text("chart.col.item", lang)
    what = xlabel or text("chart.col.value", lang)
    data = pd.DataFrame({name: labels})
    if count is not None:
        counts = value_writer(lang, percent=False, decimals=0)
        data[count_name or count] = [counts(v) for v in table[count]]
    data[what] = [one(v) for v in shares]
    alt = describe("bars", lang, what=what, labels=labels, values=list(shares),
                   written=list(data[what]))
    return finish(fig, kind="bars", data=data, alt=alt, source=source, min_cell=min_cell)


def count_bars(table: pd.DataFrame, *, x: str, hue: str | None = None, value: str = "n",
               order: Sequence[str] | None = None, hue_order: Sequence[str] | None = None,
               ylabel: str = "", title: str = "", lang: str = "it",
               source: str | None = None, x_labels: dict[str, str] | None = None,
               x_name: str | None = None, min_cell: int | None = None) -> Figure:
    """Vertical bars of counts, optionally split by ``hue`` (side by side).

    Parameters
    ----------
    table
        ``x``, ``value`` (a count; NA when suppressed) and ``hue``.
    order, hue_order
        The categories' natural order (size classes, maturity classes 1W-5W); default the
        order of first appearance. A category of ``order`` absent from ``table`` counts 0.
    x_labels
        Readable names of the ``x`` categories (ticks and data table).
    ylabel
        What is counted (axis label; header of the data table's count column without
        ``hue``).
    lang, source, x_name, min_cell
        Language of ticks and data, source line, header of the category column,
        disclosure threshold (for the legend of ``n.d.`` bars).
    """
    cats = list(order or dict.fromkeys(table[x]))
    groups = list(hue_order or (dict.fromkeys(table[hue]) if hue else [None]))
    names = {c: (x_labels or {}).get(c, str(c)) for c in cats}
    cell = {(r[x], r[hue] if hue else None): r[value] for _, r in table.iterrows()}
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2))
    width = 0.8 / len(groups)
    fmt = Formatter(lang)
    top = np.nanmax([float(v) for v in cell.values() if pd.notna(v)] or [1.0])
    hidden: list[float] = []
    for k, (g, color) in enumerate(zip(groups, PALETTE, strict=False)):
        xs = np.arange(len(cats)) - 0.4 + width * (k + 0.5)
        vals = np.array([float(cell.get((c, g), 0.0)) if pd.notna(cell.get((c, g), 0.0))
                         else np.nan for c in cats])
        ok = np.isfinite(vals)
        ax.bar(xs[ok], vals[ok], width=width * 0.92, color=color, label=g)
        for xx, v in zip(xs[ok], vals[ok], strict=True):
            ax.text(xx, v + top * 0.01, fmt.number(v, 0), ha="center", va="bottom",
                    fontsize=FONT_SIZE - 1)
        hidden += [xx for xx, c in zip(xs, cats, strict=True) if (c, g) in cell and
                   pd.isna(cell[(c, g)])]
    mark_suppressed(ax, hidden, lang, stub=top * 0.04, height=width * 0.92, vertical=True)
    ax.set_xticks(np.arange(len(cats)), wrap_all([names[c] for c in cats], 10))
    ax.set_ylim(0, top * 1.15)
    ax.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
    format_axis(ax.yaxis, lang, "number", decimals=0)
    ax.set(xlabel="", ylabel=ylabel, title=title)
    ax.grid(axis="x", visible=False)
    handles = ax.get_legend_handles_labels()[0] if hue else []
    if hidden:
        handles.append(suppressed_handle(lang, min_cell))
    top_legend(ax, handles, ncol=min(3, len(handles)))
    counts = value_writer(lang, percent=False, decimals=0)
    header = x_name or text("chart.col.item", lang)
    what = ylabel or text("chart.col.value", lang)
    data = pd.DataFrame({header: [names[c] for c in cats]})
    for g in groups:
        data[what if g is None else str(g)] = [counts(cell.get((c, g), 0)) for c in cats]
    pairs = [(c, g) for c in cats for g in groups if (c, g) in cell]
    alt = describe("bars", lang, what=what,
                   labels=[names[c] if g is None else f"{names[c]}, {g}" for c, g in pairs],
                   values=[float(cell[p]) if pd.notna(cell[p]) else np.nan for p in pairs],
                   written=[counts(cell[p]) for p in pairs])
    return finish(fig, kind="bars", data=data, alt=alt, source=source, min_cell=min_cell)
