"""Figures of the measures, network and monitoring sections: stacked status bars, effect
dots with a zero line, a viability grid, and the network's activity over time.

Like the other plot modules: tidy tables in, a matplotlib figure out, labels passed in
already translated (no prose is written here).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from pipeline.analyse.plots.estimates import dot_ci
from pipeline.analyse.plots.theme import PALETTE

#: Colours of the adoption statuses (dark = for everyone, light = planned).
STATUS_COLORS = {"active_all": "#0b6e4f", "active_some": "#5fb49c", "planned": "#dcc48e"}
#: Colours of the viability statuses.
VIABILITY_COLORS = {"viable": "#1b7837", "uncertain": "#a6dba0", "no_interest": "#fee08b",
                    "too_small": "#e0e0e0", "withheld": "#ffffff"}


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
) -> Figure:
    """Horizontal stacked bars of shares (0-1) by status, one bar per ``label``.

    ``table`` has one row per label and status; bars appear in the order of first
    appearance, top to bottom. Suppressed (NA) shares are drawn as 0.
    """
    items = list(dict.fromkeys(table[label]))
    wide = table.pivot_table(index=label, columns=status, values=value, aggfunc="first")
    wide = wide.reindex(index=items, columns=list(statuses)).astype(float).fillna(0.0)
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(items) + 1.5))
    y = np.arange(len(items))[::-1]
    left = np.zeros(len(items))
    for st in statuses:
        ax.barh(y, wide[st], left=left, color=STATUS_COLORS.get(st, PALETTE[0]),
                label=(status_labels or {}).get(st, st), height=0.7)
        left += wide[st].to_numpy()
    ax.set_yticks(y, items)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(xlabel=xlabel, title=title)
    ax.grid(axis="y", visible=False)
    return _top_legend(fig, ax, ncol=len(statuses))


def effect_dots(
    table: pd.DataFrame,
    *,
    label: str,
    hue: str | None = None,
    hue_order: Sequence[str] | None = None,
    hue_labels: dict[str, str] | None = None,
    xlabel: str = "",
    title: str = "",
) -> Figure:
    """Differences with 95 % intervals (:func:`~pipeline.analyse.plots.estimates.dot_ci` on the
    outcome's own scale) with a vertical line at zero, "no difference"."""
    fig = dot_ci(table, label=label, hue=hue, hue_order=hue_order, hue_labels=hue_labels,
                 percent=False, xlabel=xlabel, title=title)
    ax = fig.axes[0]
    ax.axvline(0.0, color="#333333", linewidth=0.8, zorder=0)
    lo = np.nanmin(np.r_[table["ci_low"].to_numpy(dtype=float), 0.0])
    hi = np.nanmax(np.r_[table["ci_high"].to_numpy(dtype=float), 0.0])
    pad = 0.08 * (hi - lo if hi > lo else 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    return fig


def viability_grid(
    table: pd.DataFrame,
    *,
    row: str,
    col: str,
    status: str = "status",
    value: str = "users",
    row_order: Sequence[str] | None = None,
    col_order: Sequence[str] | None = None,
    row_labels: dict[str, str] | None = None,
    col_labels: dict[str, str] | None = None,
    status_labels: dict[str, str] | None = None,
    decimal: str = ".",
    title: str = "",
) -> Figure:
    """A grid of services x areas coloured by viability status, each cell showing ``value``
    (rounded to a whole number; blank when NA)."""
    rows = list(row_order or dict.fromkeys(table[row]))
    cols = list(col_order or dict.fromkeys(table[col]))
    cell = table.set_index([row, col])
    fig, ax = plt.subplots(figsize=(min(7.5, 1.7 + 0.95 * len(cols)), 0.45 * len(rows) + 1.9))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            if (r, c) not in cell.index:
                continue
            rec = cell.loc[(r, c)]
            st = rec[status]
            ax.add_patch(plt.Rectangle((j, len(rows) - 1 - i), 0.96, 0.9,
                                       facecolor=VIABILITY_COLORS.get(st, "#ffffff"),
                                       edgecolor="#999999", linewidth=0.5))
            v = rec[value]
            if pd.notna(v):
                ax.text(j + 0.48, len(rows) - 1 - i + 0.45, f"{v:,.0f}".replace(",", "\u2009"),
                        ha="center", va="center", fontsize=8)
    ax.set_xlim(0, len(cols))
    ax.set_ylim(0, len(rows))
    ax.set_xticks(np.arange(len(cols)) + 0.48,
                  [(col_labels or {}).get(c, c) for c in cols], rotation=30, ha="right",
                  fontsize=8)
    ax.set_yticks(np.arange(len(rows))[::-1] + 0.45,
                  [(row_labels or {}).get(r, r) for r in rows], fontsize=8)
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    present = [s for s in VIABILITY_COLORS if s in set(table[status])]
    return _top_legend(fig, ax, ncol=min(3, len(present)),
                       handles=[Patch(facecolor=VIABILITY_COLORS[s], edgecolor="#999999",
                                      label=(status_labels or {}).get(s, s)) for s in present])


def activity_chart(
    events: pd.DataFrame,
    members: pd.DataFrame | None = None,
    *,
    activity_labels: dict[str, str] | None = None,
    ylabel: str = "",
    members_label: str = "",
    title: str = "",
) -> Figure:
    """Events per quarter, stacked by activity type, with the members curve on the right.

    Quarters are drawn in the order of ``events`` (then any further ones of ``members``);
    ``events``: ``quarter, activity, events`` (:func:`pipeline.analyse.analysis.network.
    activity_by_quarter`); ``members``: ``quarter, members`` (optional).
    """
    wide = events.pivot_table(index="quarter", columns="activity", values="events",
                              aggfunc="sum", fill_value=0, sort=False)
    quarters = list(dict.fromkeys(events["quarter"]))  # in time order, as the tables are
    if members is not None and len(members):
        quarters += [q for q in members["quarter"] if q not in quarters]
    wide = wide.reindex(quarters, fill_value=0)
    kinds = list(dict.fromkeys(events["activity"]))
    x = np.arange(len(quarters))
    fig, ax = plt.subplots(figsize=(7.5, 4.0))
    bottom = np.zeros(len(quarters))
    for kind, color in zip(kinds, PALETTE, strict=False):
        ax.bar(x, wide[kind], bottom=bottom, color=color, width=0.75,
               label=(activity_labels or {}).get(kind, kind))
        bottom += wide[kind].to_numpy()
    ax.set_xticks(x, quarters, rotation=45, ha="right", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(ylabel=ylabel, title=title)
    ax.grid(axis="x", visible=False)
    handles, labels = ax.get_legend_handles_labels()
    if members is not None and len(members):
        ax2 = ax.twinx()
        m = members.set_index("quarter")["members"].reindex(quarters).ffill()
        (line,) = ax2.plot(x, m.to_numpy(dtype=float), color="#333333", marker="o",
                           markersize=3, linewidth=1.5, label=members_label)
        ax2.set_ylabel(members_label)
        ax2.set_ylim(0, max(1.0, float(np.nanmax(m.to_numpy(dtype=float)))) * 1.1)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        handles.append(line)
        labels.append(members_label)
    return _top_legend(fig, ax, handles, labels, ncol=3)


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
    xlabel: str = "",
    title: str = "",
) -> Figure:
    """Two shares (0-1) per row joined by a line: how widespread a need is against how
    widespread the measure already is, rows in table order. Rows with ``highlight`` true
    get a bold label; ``need_min``/``active_max`` draw the rule's thresholds as short
    ticks in the two series' colours."""
    items = list(table[label])
    y = np.arange(len(items))[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.34 * len(items) + 1.6))
    a = table[need].to_numpy(dtype=float)
    b = table[active].to_numpy(dtype=float)
    ax.hlines(y, np.minimum(a, b), np.maximum(a, b), color="#bbbbbb", linewidth=2, zorder=1)
    ax.scatter(a, y, color=PALETTE[1], s=30, zorder=3, label=need_label)
    ax.scatter(b, y, color=PALETTE[0], s=30, zorder=3, label=active_label)
    if need_min is not None:
        ax.axvline(need_min, color=PALETTE[1], linewidth=0.8, linestyle="--", zorder=0)
    if active_max is not None:
        ax.axvline(active_max, color=PALETTE[0], linewidth=0.8, linestyle="--", zorder=0)
    ax.set_yticks(y, items)
    if highlight is not None:
        for tick, hot in zip(ax.get_yticklabels(), table[highlight].astype(bool), strict=True):
            if hot:
                tick.set_fontweight("bold")
    ax.set_xlim(-0.02, 1.02)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(xlabel=xlabel, title=title)
    ax.grid(axis="y", visible=False)
    return _top_legend(fig, ax, ncol=2)


def _top_legend(fig: Figure, ax: Axes, *handles_labels: list, ncol: int,
                **legend: object) -> Figure:
    """``fig`` laid out, with ``ax``'s legend in small type in a row above the plot."""
    ax.legend(*handles_labels, ncol=ncol, frameon=False, loc="lower center",
              bbox_to_anchor=(0.5, 1.0), fontsize=8, **legend)
    fig.tight_layout()
    return fig


__all__ = ["activity_chart", "effect_dots", "gap_chart", "status_bars", "viability_grid"]
