"""Bar charts of tidy count and share tables."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from pipeline.analyse.plots.theme import PALETTE


def share_bars(table: pd.DataFrame, *, label: str, value: str = "share", xlabel: str = "",
               title: str = "") -> Figure:
    """Horizontal bars of shares (0-1), one bar per row of ``table``, in table order."""
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(table) + 1.2))
    sns.barplot(data=table, y=label, x=value, color=PALETTE[0], ax=ax, orient="h")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(xlabel=xlabel, ylabel="", title=title)
    fig.tight_layout()
    return fig


def count_bars(table: pd.DataFrame, *, x: str, hue: str | None = None, value: str = "n",
               order: list[str] | None = None, ylabel: str = "", title: str = "") -> Figure:
    """Vertical bars of counts, optionally split by ``hue`` (stacked side by side)."""
    fig, ax = plt.subplots()
    sns.barplot(data=table, x=x, y=value, hue=hue, order=order, ax=ax,
                palette=PALETTE[: table[hue].nunique()] if hue else None,
                color=None if hue else PALETTE[0])
    ax.set(xlabel="", ylabel=ylabel, title=title)
    if hue:
        ax.legend(title="", frameon=False)
    fig.tight_layout()
    return fig
