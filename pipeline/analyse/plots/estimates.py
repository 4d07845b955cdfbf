"""Estimates with confidence intervals, and diverging Likert bars.

Like the other plot modules: tidy tables in, a matplotlib figure out, labels passed in
already translated; ``lang`` writes the ticks and the data table, ``source`` the line
under the plot (:func:`pipeline.analyse.plots.chart.finish`).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pipeline.analyse.plots.axes import fit_labels, format_axis
from pipeline.analyse.plots.chart import (
    describe,
    finish,
    interval_writer,
    mark_suppressed,
    nd,
    suppressed_handle,
    top_legend,
    value_writer,
    withheld_values,
)
from pipeline.analyse.plots.theme import FONT_SIZE, LABEL_SIZE, MAX_HEIGHT, MUTED, PALETTE, WIDTH
from pipeline.i18n.formatting import NOT_AVAILABLE
from pipeline.i18n.text import text

__all__ = ["diverging_likert", "dot_ci", "figure_height", "row_height"]

#: Colours of a four-point scale, low (red) to high (blue): ColorBrewer RdBu, print safe.
LIKERT4 = ("#b2182b", "#ef8a62", "#67a9cf", "#2166ac")


def row_height(labels: Sequence[str], groups: int = 1) -> float:
    """Inches per row of a horizontal chart: room for wrapped labels and grouped marks."""
    lines = max((str(lab).count("\n") + 1 for lab in labels), default=1)
    return max(0.36 + 0.12 * (groups - 1), 0.17 * lines + 0.1)


def figure_height(rows: int, per_row: float, extra: float) -> float:
    """Height of a chart of ``rows`` rows, inches, at most
    :data:`~pipeline.analyse.plots.theme.MAX_HEIGHT` (rows then come a little closer)."""
    return min(MAX_HEIGHT, rows * per_row + extra)


def _interval(part: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    est = part["estimate"].to_numpy(dtype=float)
    # a zero-width interval can sit a rounding error off its estimate: never below 0
    lo = np.clip(np.nan_to_num(est - part["ci_low"].to_numpy(dtype=float), nan=0.0), 0, None)
    hi = np.clip(np.nan_to_num(part["ci_high"].to_numpy(dtype=float) - est, nan=0.0), 0, None)
    return est, lo, hi


def _dot_data(table: pd.DataFrame, label: str, hue: str | None, groups: list,
              names: dict, headers: tuple[str, str, str], percent: bool,
              lang: str, decimals: int | None) -> tuple[pd.DataFrame, list[str], list[float]]:
    """The data table of :func:`dot_ci` (one row per label and group, as drawn), with each
    row's name and value for the description."""
    one = value_writer(lang, percent, decimals)
    span = interval_writer(lang, percent, decimals)
    withheld = withheld_values(table, "estimate")
    rows, named, values = [], [], []
    keys = zip(table[label], table[hue], strict=True) if hue is not None else table[label]
    first: dict = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)  # the first row of each label (and group), as drawn
    for lab in dict.fromkeys(table[label]):
        for g in groups:
            i = first.get((lab, g) if g is not None else lab)
            if i is None:
                continue
            r = table.iloc[i]
            hidden = bool(withheld[i])
            row = {headers[0]: str(lab)}
            if g is not None:
                row[headers[1]] = str(names.get(g, g))
            row[headers[2]] = (nd(lang) if hidden else NOT_AVAILABLE if pd.isna(r["estimate"])
                               else one(r["estimate"]))
            row[text("chart.col.interval", lang)] = span(r["ci_low"], r["ci_high"],
                                                         withheld=hidden)
            rows.append(row)
            named.append(str(lab) if g is None else f"{lab}, {names.get(g, g)}")
            values.append(float(r["estimate"]) if pd.notna(r["estimate"]) else np.nan)
    return pd.DataFrame(rows), named, values


def dot_ci(
    table: pd.DataFrame,
    *,
    label: str,
    hue: str | None = None,
    hue_order: Sequence[str] | None = None,
    hue_labels: dict[str, str] | None = None,
    percent: bool = True,
    xlabel: str = "",
    title: str = "",
    lang: str = "it",
    source: str | None = None,
    label_name: str | None = None,
    hue_name: str | None = None,
    sections: str | None = None,
    min_cell: int | None = None,
    decimals: int | None = None,
    wrap_width: int = 28,
) -> Figure:
    """Horizontal dots with 95 % interval whiskers, one row per ``label``.

    Parameters
    ----------
    table
        ``label``, ``estimate``, ``ci_low``, ``ci_high`` (and ``hue``); rows appear in
        table order, top to bottom. A withheld row (:func:`~.chart.withheld_values`: the
        estimate NA in a row flagged ``suppressed``, or any NA estimate of a table without
        the flag) is written ``n.d.`` at its place, never left out silently; a missing
        interval of a shown estimate reads ``—`` in the data table.
    hue, hue_order, hue_labels
        Groups drawn side by side at each row, the first on top, in ``hue_order``.
    percent
        Estimates are shares 0-1 (axis 0-100 %); else numbers on the axis the data need.
    xlabel
        What the values are; also the header of the value column of the data table.
    lang
        Language of the ticks and of the data table.
    source
        The source line under the plot.
    label_name, hue_name
        Headers of the label and group columns of the data table.
    sections
        A column whose changes (e.g. from gender to age bands) get a thin separating line.
    min_cell
        The disclosure threshold, for the legend of suppressed rows.
    decimals
        Decimals of the data table's values (default 1 for percentages, 2 for numbers; 0
        for estimated counts of people).
    """
    labels = list(dict.fromkeys(table[label]))
    groups = list(hue_order or (dict.fromkeys(table[hue]) if hue else [None]))
    names = hue_labels or {}
    shown = fit_labels(labels, wrap_width)
    height = figure_height(len(labels), row_height(shown, len(groups)),
                           1.3 + (0.35 if hue else 0.0))
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    # the first group on top of its row, as it reads in the legend
    offsets = np.linspace(0.18, -0.18, len(groups)) if len(groups) > 1 else [0.0]
    ypos = {lab: len(labels) - 1 - i for i, lab in enumerate(labels)}
    missing: list[float] = []
    for g, off, color in zip(groups, offsets, PALETTE, strict=False):
        part = table if g is None else table[table[hue] == g]
        y = part[label].map(ypos).to_numpy(dtype=float) + off
        est, lo, hi = _interval(part)
        ok = np.isfinite(est)
        missing += list(y[withheld_values(part, "estimate")])
        ax.errorbar(est[ok], y[ok], xerr=[lo[ok], hi[ok]], fmt="o", color=color, ecolor=color,
                    capsize=2, markersize=6, linewidth=1.4,
                    label=None if g is None else names.get(g, g))
    ax.set_yticks(list(ypos.values()), shown, fontsize=LABEL_SIZE)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    if sections is not None:
        section = table.drop_duplicates(label).set_index(label)[sections]
        for above, below in zip(labels, labels[1:], strict=False):
            if section.get(above) != section.get(below):
                ax.axhline(ypos[below] + 0.5, color="#bbbbbb", linewidth=0.8)
    if percent:
        ax.set_xlim(0, 1)
    format_axis(ax.xaxis, lang, "percent" if percent else "number")
    for y in missing:
        ax.text(0.01, y, nd(lang), transform=ax.get_yaxis_transform(), ha="left",
                va="center", color=MUTED, fontsize=FONT_SIZE - 1, style="italic")
    ax.set(xlabel=xlabel, title=title)
    ax.grid(axis="y", visible=False)
    handles = ax.get_legend_handles_labels()[0] if hue else []
    if missing:
        handles.append(suppressed_handle(lang, min_cell, patch=False))
    top_legend(ax, handles, ncol=len(handles) if len(handles) <= 3 else 2)
    headers = (label_name or text("chart.col.item", lang), hue_name or
               text("chart.col.group", lang), xlabel or text("chart.col.value", lang))
    data, named, values = _dot_data(table, label, hue, groups, names, headers, percent, lang,
                                    decimals)
    alt = describe("dots", lang, what=xlabel, labels=named, values=values,
                   written=list(data[headers[2]]))
    return finish(fig, kind="dots", data=data, alt=alt, source=source, min_cell=min_cell)


def diverging_likert(
    table: pd.DataFrame,
    *,
    label: str,
    categories: Sequence[int],
    category_labels: dict[int, str],
    title: str = "",
    lang: str = "it",
    source: str | None = None,
    label_name: str | None = None,
    min_cell: int | None = None,
    wrap_width: int = 28,
) -> Figure:
    """Diverging stacked bars: low categories to the left of zero, high ones to the right.

    ``table`` has one row per item and category with ``category`` and ``estimate`` (share
    of the item's valid answers), items in table order, categories in ``categories``
    order (the scale's own). An even number of categories is split in the middle. An item
    whose shares are all suppressed (NA) is drawn as a hatched ``n.d.`` stub.
    """
    items = list(dict.fromkeys(table[label]))
    wide = table.pivot_table(index=label, columns="category", values="estimate",
                             aggfunc="first", dropna=False).reindex(items)
    wide = wide.reindex(columns=list(categories)).astype(float)
    hidden = wide.isna().all(axis=1)
    half = len(categories) // 2
    low, high = list(categories)[:half], list(categories)[half:]
    colors = dict(zip(categories, LIKERT4 if len(categories) == 4 else plt.get_cmap("RdBu")(
        np.linspace(0.1, 0.9, len(categories))), strict=False))
    shown = fit_labels(items, wrap_width)
    fig, ax = plt.subplots(figsize=(WIDTH, figure_height(len(items), row_height(shown), 2.0)))
    y = np.arange(len(items))[::-1]
    filled = wide.fillna(0.0)
    left = -filled[low].sum(axis=1).to_numpy()
    for cat in low + high:
        if cat == high[0]:
            left = np.zeros(len(items))
        ax.barh(y, filled[cat], left=left, color=colors[cat], label=category_labels[cat])
        left = left + filled[cat].to_numpy()
    mark_suppressed(ax, list(y[hidden.to_numpy()]), lang, stub=0.06, start=0.0)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, shown, fontsize=LABEL_SIZE)
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1.0, -0.5, 0.0, 0.5, 1.0])
    format_axis(ax.xaxis, lang, "abs_percent")
    ax.set(title=title, xlabel="")
    ax.grid(axis="y", visible=False)
    handles = ax.get_legend_handles_labels()[0]
    if hidden.any():
        handles.append(suppressed_handle(lang, min_cell))
    top_legend(ax, handles, ncol=2)
    one = value_writer(lang, percent=True)
    name = label_name or text("chart.col.item", lang)
    data = pd.DataFrame({name: [str(i) for i in items],
                         **{category_labels[c]: [one(v) for v in wide[c]] for c in categories}})
    top_share = wide[high].sum(axis=1, min_count=1)
    what = " + ".join(category_labels[c] for c in high)
    alt = describe("diverging", lang, what=what, labels=items, values=list(top_share),
                   written=[one(v) for v in top_share])
    return finish(fig, kind="diverging", data=data, alt=alt, source=source,
                  min_cell=min_cell)

