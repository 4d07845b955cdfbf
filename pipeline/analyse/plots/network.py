"""Figures of the measures, network and monitoring sections: stacked status bars, effect
dots with a zero line, needs against adoption; the viability grid and the network's
activity over time are in :mod:`~pipeline.analyse.plots.grid` (importable from here too).

Like the other plot modules: tidy tables in, a matplotlib figure out, labels passed in
already translated (no prose is written here). Differences are drawn so that **right is
better**: a difference where lower is better (work-to-family conflict) is turned round
with ``reverse=True`` and the axis label says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from pipeline.analyse.plots.axes import fit_labels, format_axis
from pipeline.analyse.plots.chart import (
    chart_info,
    describe,
    finish,
    mark_suppressed,
    nd,
    suppressed_handle,
    top_legend,
    value_writer,
)
from pipeline.analyse.plots.estimates import dot_ci, figure_height, row_height
from pipeline.analyse.plots.grid import VIABILITY_COLORS, activity_chart, viability_grid
from pipeline.analyse.plots.theme import FONT_SIZE, LABEL_SIZE, MUTED, PALETTE, WIDTH
from pipeline.i18n.text import text

__all__ = ["STATUS_COLORS", "VIABILITY_COLORS", "activity_chart", "effect_dots", "gap_chart",
           "status_bars", "viability_grid"]

#: Colours of the adoption statuses (dark = for everyone, light = planned).
STATUS_COLORS = {"active_all": "#0b6e4f", "active_some": "#5fb49c", "planned": "#dcc48e"}


def status_bars(
    table: pd.DataFrame,
    *,
    label: str,
    status: str = "status",
    value: str = "estimate",
    statuses: Sequence[str] = ("active_all", "active_some", "planned"),
    status_labels: dict[str, str] | None = None,
    xlabel: str = "",
    title: str = "",
    lang: str = "it",
    source: str | None = None,
    label_name: str | None = None,
    min_cell: int | None = None,
    wrap_width: int = 28,
) -> Figure:
    """Horizontal stacked bars of shares (0-1) by status, one bar per ``label``.

    ``table`` has one row per label and status; bars appear in the order of first
    appearance, top to bottom, statuses stacked in ``statuses`` order. A label whose
    shares are all suppressed (NA) is a hatched ``n.d.`` stub; a single NA share among
    published ones counts as 0.
    """
    items = list(dict.fromkeys(table[label]))
    wide = table.pivot_table(index=label, columns=status, values=value, aggfunc="first",
                             dropna=False)
    wide = wide.reindex(index=items, columns=list(statuses)).astype(float)
    hidden = wide.isna().all(axis=1).to_numpy()
    names = {st: (status_labels or {}).get(st, st) for st in statuses}
    shown = fit_labels(items, wrap_width)
    fig, ax = plt.subplots(figsize=(WIDTH, figure_height(len(items), row_height(shown), 1.6)))
    y = np.arange(len(items))[::-1]
    left = np.zeros(len(items))
    for st in statuses:
        part = wide[st].fillna(0.0).to_numpy()
        ax.barh(y, part, left=left, color=STATUS_COLORS.get(st, PALETTE[0]),
                label=names[st], height=0.7)
        left += part
    mark_suppressed(ax, list(y[hidden]), lang, stub=0.03)
    ax.set_yticks(y, shown, fontsize=LABEL_SIZE)
    ax.set_xlim(0, 1)
    format_axis(ax.xaxis, lang, "percent")
    ax.set(xlabel=xlabel, title=title)
    ax.grid(axis="y", visible=False)
    handles = ax.get_legend_handles_labels()[0]
    if hidden.any():
        handles.append(suppressed_handle(lang, min_cell))
    top_legend(ax, handles, ncol=2)
    one = value_writer(lang, percent=True)
    data = pd.DataFrame({label_name or text("chart.col.item", lang): [str(i) for i in items],
                         **{names[st]: [one(v) for v in wide[st]] for st in statuses}})
    total = wide.sum(axis=1, min_count=1)
    alt = describe("stacked", lang, what=" + ".join(names.values()), labels=items,
                   values=list(total), written=[one(v) for v in total])
    return finish(fig, kind="stacked", data=data, alt=alt, source=source,
                  min_cell=min_cell)


def reversed_rows(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``estimate`` and its interval turned round (``-x``; the bounds swap):
    a difference where lower is better, drawn so that right is better."""
    return table.assign(estimate=-table["estimate"], ci_low=-table["ci_high"],
                        ci_high=-table["ci_low"])


def effect_dots(
    table: pd.DataFrame,
    *,
    label: str,
    hue: str | None = None,
    hue_order: Sequence[str] | None = None,
    hue_labels: dict[str, str] | None = None,
    xlabel: str = "",
    title: str = "",
    reverse: bool = False,
    lang: str = "it",
    source: str | None = None,
    label_name: str | None = None,
    hue_name: str | None = None,
    min_cell: int | None = None,
) -> Figure:
    """Differences with 95 % intervals (:func:`~pipeline.analyse.plots.estimates.dot_ci` on the
    outcome's own scale) with a vertical line at zero, "no difference".

    Parameters
    ----------
    reverse
        The difference is one where lower is better (less conflict): it is drawn turned
        round (:func:`reversed_rows`) so that right is better, as in every chart of
        differences; ``xlabel`` must say what the axis now measures ("reduction of ...").
    """
    rows = reversed_rows(table) if reverse else table
    fig = dot_ci(rows, label=label, hue=hue, hue_order=hue_order, hue_labels=hue_labels,
                 percent=False, xlabel=xlabel, title=title, lang=lang, source=None,
                 label_name=label_name, hue_name=hue_name, min_cell=min_cell)
    ax = fig.axes[0]
    ax.axvline(0.0, color="#333333", linewidth=1.0, zorder=1.5)
    lo = np.nanmin(np.r_[rows["ci_low"].to_numpy(dtype=float), 0.0])
    hi = np.nanmax(np.r_[rows["ci_high"].to_numpy(dtype=float), 0.0])
    pad = 0.08 * (hi - lo if hi > lo else 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    info = chart_info(fig)
    return finish(fig, kind=info.kind, data=info.data, alt=info.alt, source=source,
                  min_cell=min_cell)


def gap_chart(
    table: pd.DataFrame,
    *,
    label: str,
    need: str,
    active: str,
    need_label: str,
    active_label: str,
    highlight: str | None = None,
    need_min: float | None = None,
    active_max: float | None = None,
    need_min_label: str | None = None,
    active_max_label: str | None = None,
    xlabel: str = "",
    title: str = "",
    lang: str = "it",
    source: str | None = None,
    label_name: str | None = None,
    highlight_name: str | None = None,
    min_cell: int | None = None,
    wrap_width: int = 28,
) -> Figure:
    """Two shares (0-1) per row joined by a line: how widespread a need is (orange dots)
    against how widespread the measure already is (blue dots), rows in table order.

    Rows with ``highlight`` true get a bold label. ``need_min`` and ``active_max`` draw the
    rule's thresholds as dashed vertical lines in the two series' colours, above the grid
    and named in the legend (``need_min_label``, ``active_max_label``). A NA share is
    written ``n.d.``.
    """
    items = [str(v) for v in table[label]]
    shown = fit_labels(items, wrap_width)
    y = np.arange(len(items))[::-1]
    fig, ax = plt.subplots(figsize=(WIDTH, figure_height(len(items), row_height(shown), 2.0)))
    a = table[need].to_numpy(dtype=float)
    b = table[active].to_numpy(dtype=float)
    both = np.isfinite(a) & np.isfinite(b)
    ax.hlines(y[both], np.minimum(a, b)[both], np.maximum(a, b)[both], color="#bbbbbb",
              linewidth=2, zorder=2)
    ax.scatter(a, y, color=PALETTE[1], s=40, zorder=3, label=need_label)
    ax.scatter(b, y, color=PALETTE[0], s=40, zorder=3, label=active_label)
    handles = ax.get_legend_handles_labels()[0]
    for limit, color, name in ((need_min, PALETTE[1], need_min_label),
                               (active_max, PALETTE[0], active_max_label)):
        if limit is not None:
            ax.axvline(limit, color=color, linewidth=1.6, linestyle=(0, (5, 3)), zorder=2.5)
            if name:
                handles.append(Line2D([], [], color=color, linewidth=1.6,
                                      linestyle=(0, (5, 3)), label=name))
    gaps = y[~(np.isfinite(a) | np.isfinite(b))]
    for yy in gaps:
        ax.text(0.01, yy, nd(lang), transform=ax.get_yaxis_transform(), va="center",
                color=MUTED, fontsize=FONT_SIZE - 1, style="italic")
    if len(gaps):
        handles.append(suppressed_handle(lang, min_cell, patch=False))
    ax.set_yticks(y, shown, fontsize=LABEL_SIZE)
    if highlight is not None:
        for tick, hot in zip(ax.get_yticklabels(), table[highlight].astype(bool), strict=True):
            if hot:
                tick.set_fontweight("bold")
    ax.set_xlim(-0.02, 1.02)
    format_axis(ax.xaxis, lang, "percent")
    ax.set(xlabel=xlabel, title=title)
    ax.grid(axis="y", visible=False)
    top_legend(ax, handles, ncol=1)
    one = value_writer(lang, percent=True)
    data = pd.DataFrame({label_name or text("chart.col.item", lang): items,
                         need_label: [one(v) for v in a], active_label: [one(v) for v in b]})
    if highlight is not None:
        data[highlight_name or highlight] = [
            text("chart.yes" if hot else "chart.no", lang)
            for hot in table[highlight].astype(bool)]
    alt = describe("gap", lang, what=need_label, labels=items, values=list(a),
                   written=[one(v) for v in a])
    return finish(fig, kind="gap", data=data, alt=alt, source=source, min_cell=min_cell)
