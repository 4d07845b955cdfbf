"""Estimates with confidence intervals, and diverging Likert bars."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from pipeline.analyse.plots.theme import PALETTE


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
) -> Figure:
    """Horizontal dots with 95 % interval whiskers, one row per ``label``.

    ``table`` holds ``estimate``, ``ci_low``, ``ci_high`` (suppressed rows have NA and are
    left out); rows appear in table order, top to bottom. With ``hue``, groups are drawn
    side by side with a small vertical offset.
    """
    labels = list(dict.fromkeys(table[label]))
    groups = list(hue_order or (dict.fromkeys(table[hue]) if hue else [None]))
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * len(labels) + 1.3))
    offsets = np.linspace(-0.18, 0.18, len(groups)) if len(groups) > 1 else [0.0]
    ypos = {lab: len(labels) - 1 - i for i, lab in enumerate(labels)}
    for g, off, color in zip(groups, offsets, PALETTE, strict=False):
        part = table if g is None else table[table[hue] == g]
        part = part.dropna(subset=["estimate"])
        y = part[label].map(ypos).to_numpy(dtype=float) + off
        est = part["estimate"].to_numpy(dtype=float)
        # a zero-width interval can sit a rounding error off its estimate: never below 0
        lo = np.clip(np.nan_to_num(est - part["ci_low"].to_numpy(dtype=float), nan=0.0), 0, None)
        hi = np.clip(np.nan_to_num(part["ci_high"].to_numpy(dtype=float) - est, nan=0.0), 0, None)
        name = None if g is None else (hue_labels or {}).get(g, g)
        ax.errorbar(est, y, xerr=[lo, hi], fmt="o", color=color, ecolor=color, capsize=2,
                    markersize=5, linewidth=1.2, label=name)
    ax.set_yticks(list(ypos.values()), list(ypos.keys()))
    ax.set_ylim(-0.7, len(labels) - 0.3)
    if percent:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlim(0, 1)
    ax.set(xlabel=xlabel, title=title)
    ax.grid(axis="y", visible=False)
    if hue:
        ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(groups))
    fig.tight_layout()
    return fig


def diverging_likert(
    table: pd.DataFrame,
    *,
    label: str,
    categories: Sequence[int],
    category_labels: dict[int, str],
    title: str = "",
) -> Figure:
    """Diverging stacked bars: low categories to the left of zero, high ones to the right.

    ``table`` has one row per item and category with ``category`` and ``estimate`` (share
    of the item's valid answers). An even number of categories is split in the middle.
    """
    items = list(dict.fromkeys(table[label]))
    wide = table.pivot_table(index=label, columns="category", values="estimate",
                             aggfunc="first").reindex(items)
    wide = wide.reindex(columns=list(categories)).fillna(0.0)
    half = len(categories) // 2
    low, high = list(categories)[:half], list(categories)[half:]
    colors = dict(zip(categories, ["#b2182b", "#ef8a62", "#67a9cf", "#2166ac"][: len(categories)]
                      if len(categories) == 4 else plt.get_cmap("RdBu")(
                          np.linspace(0.1, 0.9, len(categories))), strict=False))
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * len(items) + 1.6))
    y = np.arange(len(items))[::-1]
    left = -wide[low].sum(axis=1).to_numpy()
    for cat in low:
        ax.barh(y, wide[cat], left=left, color=colors[cat], label=category_labels[cat])
        left = left + wide[cat].to_numpy()
    left = np.zeros(len(items))
    for cat in high:
        ax.barh(y, wide[cat], left=left, color=colors[cat], label=category_labels[cat])
        left = left + wide[cat].to_numpy()
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, items)
    ax.set_xlim(-1, 1)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{abs(v):.0%}")
    ax.set(title=title, xlabel="")
    ax.grid(axis="y", visible=False)
    ax.legend(ncol=len(categories), frameon=False, loc="upper center",
              bbox_to_anchor=(0.5, -0.06), fontsize=8)
    fig.tight_layout()
    return fig


__all__ = ["PercentFormatter", "diverging_likert", "dot_ci"]
