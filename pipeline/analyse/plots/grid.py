"""The viability grid of the shared services and the network's activity over time.

Like the other plot modules: tidy tables in, a matplotlib figure out, labels passed in
already translated; ``lang`` writes the numbers, ``source`` the line under the plot.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from pipeline.analyse.plots.axes import format_axis, wrap_all
from pipeline.analyse.plots.chart import describe, finish, nd, top_legend
from pipeline.analyse.plots.theme import FONT_SIZE, PALETTE, SUPPRESSED, WIDTH
from pipeline.i18n.formatting import NOT_AVAILABLE, Formatter
from pipeline.i18n.text import text

__all__ = ["VIABILITY_COLORS", "activity_chart", "viability_grid"]

#: Colours of the viability statuses; ``withheld`` (too few companies to publish) is drawn
#: hatched grey (:data:`~pipeline.analyse.plots.theme.SUPPRESSED`).
VIABILITY_COLORS = {"viable": "#1b7837", "uncertain": "#a6dba0", "no_interest": "#fee08b",
                    "too_small": "#e0e0e0", "withheld": SUPPRESSED["facecolor"]}
#: Statuses whose cells carry white numbers (dark fill).
_DARK = {"viable"}


def _cell_style(st: object) -> dict:
    if st == "withheld":
        return dict(SUPPRESSED)
    return {"facecolor": VIABILITY_COLORS.get(str(st), "#ffffff"), "edgecolor": "#999999",
            "linewidth": 0.5}


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
    decimal: str | None = None,
    title: str = "",
    lang: str = "it",
    source: str | None = None,
    row_name: str | None = None,
) -> Figure:
    """A grid of services x areas coloured by viability status, each cell showing ``value``
    (a whole number; ``n.d.`` in a withheld cell, drawn hatched).

    ``decimal`` is ignored (kept for old callers): numbers are written in ``lang``. The
    data table has one row per service, one column per area, each cell "users (status)",
    ``n.d.`` when withheld, ``—`` for a service and area not in ``table``.
    """
    del decimal
    rows = list(row_order or dict.fromkeys(table[row]))
    cols = list(col_order or dict.fromkeys(table[col]))
    rnames = {r: (row_labels or {}).get(r, str(r)) for r in rows}
    cnames = {c: (col_labels or {}).get(c, str(c)) for c in cols}
    snames = {s: (status_labels or {}).get(s, s) for s in VIABILITY_COLORS}
    cell = table.set_index([row, col])
    fmt = Formatter(lang)
    shown_rows = wrap_all(rnames.values(), 24)
    lines = max(s.count("\n") + 1 for s in shown_rows) if rows else 1
    fig, ax = plt.subplots(figsize=(min(WIDTH, 2.6 + 0.9 * len(cols)),
                                    (0.22 * lines + 0.25) * len(rows) + 2.4))
    written: dict[str, list[str]] = {cnames[c]: [] for c in cols}
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            if (r, c) not in cell.index:  # no such service in that area: not applicable
                written[cnames[c]].append(NOT_AVAILABLE)
                continue
            rec = cell.loc[(r, c)]
            st, v = rec[status], rec[value]
            ax.add_patch(Rectangle((j, len(rows) - 1 - i), 0.96, 0.9, **_cell_style(st)))
            words = nd(lang) if st == "withheld" or pd.isna(v) else fmt.number(v, 0)
            ax.text(j + 0.48, len(rows) - 1 - i + 0.45, words, ha="center", va="center",
                    fontsize=FONT_SIZE - 1, color="white" if st in _DARK else "#1f2328",
                    style="italic" if words == nd(lang) else "normal")
            # a withheld cell is "n.d." (the legend and caption say why)
            written[cnames[c]].append(words if st == "withheld"
                                      else f"{words} ({snames.get(st, st)})")
    ax.set_xlim(0, len(cols))
    ax.set_ylim(0, len(rows))
    # area names are long and the columns narrow: slanted, each on one line
    ax.set_xticks(np.arange(len(cols)) + 0.48, list(cnames.values()), fontsize=FONT_SIZE - 1,
                  rotation=35, ha="right", rotation_mode="anchor")
    ax.set_yticks(np.arange(len(rows))[::-1] + 0.45, shown_rows, fontsize=FONT_SIZE - 1)
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    present = [s for s in VIABILITY_COLORS if s in set(table[status])]
    top_legend(ax, [Patch(label=snames[s], **_cell_style(s)) for s in present], ncol=1)
    data = pd.DataFrame({row_name or text("chart.col.service", lang): list(rnames.values()),
                         **written})
    counts = table[status].value_counts()
    listing = fmt.listing(f"{snames[s]} {fmt.number(counts[s], 0)}" for s in present)
    alt = text("chart.alt_counts", lang, kind=text("chart.kind.grid", lang),
               what=text("chart.col.status", lang), counts=listing)
    return finish(fig, kind="grid", data=data, alt=alt, source=source)


def activity_chart(
    events: pd.DataFrame,
    members: pd.DataFrame | None = None,
    *,
    activity_labels: dict[str, str] | None = None,
    ylabel: str = "",
    members_label: str = "",
    title: str = "",
    lang: str = "it",
    source: str | None = None,
) -> Figure:
    """Events per quarter, stacked by activity type, with the members curve on the right.

    Quarters are drawn in the order of ``events`` (then any further ones of ``members``);
    ``events``: ``quarter, activity, events`` (:func:`pipeline.analyse.analysis.network.
    activity_by_quarter`); ``members``: ``quarter, members`` (optional). With many
    quarters only every second (or third) one is labelled.
    """
    wide = events.pivot_table(index="quarter", columns="activity", values="events",
                              aggfunc="sum", fill_value=0, sort=False)
    quarters = list(dict.fromkeys(events["quarter"]))  # in time order, as the tables are
    if members is not None and len(members):
        quarters += [q for q in members["quarter"] if q not in quarters]
    wide = wide.reindex(quarters, fill_value=0)
    kinds = list(dict.fromkeys(events["activity"]))
    names = {k: (activity_labels or {}).get(k, k) for k in kinds}
    x = np.arange(len(quarters))
    fig, ax = plt.subplots(figsize=(WIDTH, 4.6))
    bottom = np.zeros(len(quarters))
    for kind, color in zip(kinds, PALETTE, strict=False):
        ax.bar(x, wide[kind], bottom=bottom, color=color, width=0.75, label=names[kind])
        bottom += wide[kind].to_numpy()
    step = 1 if len(quarters) <= 8 else (2 if len(quarters) <= 16 else 3)
    upright = len(quarters[::step]) <= 8
    ax.set_xticks(x[::step], quarters[::step], rotation=0 if upright else 45,
                  ha="center" if upright else "right", fontsize=FONT_SIZE - 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    format_axis(ax.yaxis, lang, "number", decimals=0)
    ax.set(ylabel=ylabel, title=title)
    ax.grid(axis="x", visible=False)
    handles = ax.get_legend_handles_labels()[0]
    fmt = Formatter(lang)
    data = pd.DataFrame({text("chart.col.quarter", lang): quarters,
                         **{names[k]: [fmt.number(v, 0) for v in wide[k]] for k in kinds}})
    if members is not None and len(members):
        ax2 = ax.twinx()
        m = members.set_index("quarter")["members"].reindex(quarters).ffill()
        (line,) = ax2.plot(x, m.to_numpy(dtype=float), color="#333333", marker="o",
                           markersize=3, linewidth=1.5, label=members_label)
        ax2.set_ylabel(members_label)
        ax2.set_ylim(0, max(1.0, float(np.nanmax(m.to_numpy(dtype=float)))) * 1.1)
        format_axis(ax2.yaxis, lang, "number", decimals=0)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        handles.append(line)
        # before the first member joined there are none to count: not applicable
        data[members_label or text("chart.col.value", lang)] = [
            NOT_AVAILABLE if pd.isna(v) else fmt.number(v, 0) for v in m]
    top_legend(ax, handles, ncol=2)
    totals = wide.sum(axis=1)
    alt = describe("activity", lang, what=ylabel, labels=quarters, values=list(totals),
                   written=[fmt.number(v, 0) for v in totals])
    return finish(fig, kind="activity", data=data, alt=alt, source=source)
