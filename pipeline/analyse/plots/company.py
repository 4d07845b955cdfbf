"""The figure of a company's confidential report: its maturity score on the network's scale.

One horizontal 0-100 scale with the classes 1W-5W as bands; above, the middle half of the
other companies' scores (first to third quartile) and their median; below, the company's
score now and, when it answered the previous wave too, then, joined by an arrow. No other
company's own score is drawn (:mod:`pipeline.analyse.analysis.company_position`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from pipeline.analyse.analysis.company_history import MaturityChange
from pipeline.analyse.analysis.company_position import Position
from pipeline.analyse.analysis.measures_maturity import MATURITY_CLASSES, MATURITY_CUTS
from pipeline.analyse.plots.chart import finish
from pipeline.analyse.plots.theme import FONT_SIZE, MUTED, PALETTE, WIDTH
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import text

__all__ = ["maturity_scale"]

_BANDS = ("#f4f6f8", "#e6eaee")


def _chart_data(position: Position, change: MaturityChange | None, lang: str,
                previous_wave: str | None) -> pd.DataFrame:
    fmt = Formatter(lang)
    rows = [(text("company.chart_you", lang), fmt.number(position.score, 1))]
    if change is not None and previous_wave:
        rows.append((text("company.chart_you_then", lang, wave=previous_wave),
                     fmt.number(change.score_then, 1)))
    if position.shown:
        for key, value in (("q1", position.q1), ("median", position.median),
                           ("q3", position.q3)):
            rows.append((text(f"company.chart_others_{key}", lang), fmt.number(value, 0)))
    return pd.DataFrame(rows, columns=[text("company.chart_col_item", lang),
                                       text("company.chart_col_score", lang)])


def maturity_scale(position: Position, change: MaturityChange | None = None, *,
                   previous_wave: str | None = None, lang: str = "it",
                   source: str | None = None) -> Figure:
    """The company's score (and its previous one) against the others' quartiles.

    Parameters
    ----------
    position
        :func:`~pipeline.analyse.analysis.company_position.maturity_position`; the others'
        row is drawn only when ``position.shown``.
    change
        :func:`~pipeline.analyse.analysis.company_history.maturity_change`, or ``None``
        (no previous score: one dot).
    previous_wave
        The previous wave's label, written beside the earlier dot.
    lang, source
        Language of the labels and ticks; the source line under the figure.
    """
    fmt = Formatter(lang)
    rows = 2 if position.shown else 1
    fig, ax = plt.subplots(figsize=(WIDTH, 1.1 + 0.85 * rows))
    bounds = [0.0, *MATURITY_CUTS, 100.0]
    top = rows - 0.4
    for i, name in enumerate(MATURITY_CLASSES):
        ax.axvspan(bounds[i], bounds[i + 1], color=_BANDS[i % 2], zorder=0, linewidth=0)
        ax.text((bounds[i] + bounds[i + 1]) / 2, top, name, ha="center", va="bottom",
                fontsize=FONT_SIZE - 1, color=MUTED, fontweight="bold")
    labels = [text("company.chart_you", lang)]
    if position.shown:
        labels.append(text("company.chart_others", lang))
        ax.barh(1, position.q3 - position.q1, left=position.q1, height=0.34,
                color=PALETTE[7], alpha=0.55, zorder=2)
        ax.plot([position.median] * 2, [0.78, 1.22], color="#222222", linewidth=2, zorder=3)
        ax.text(position.median, 1.24, text("company.chart_median", lang,
                                            network_median=fmt.number(position.median, 0)),
                ha="center", va="bottom", fontsize=FONT_SIZE - 1, color="#222222")
    if change is not None:
        ax.annotate("", xy=(position.score, 0), xytext=(change.score_then, 0),
                    arrowprops={"arrowstyle": "->", "color": PALETTE[0], "linewidth": 1.5,
                                "shrinkA": 6, "shrinkB": 7}, zorder=3)
        ax.plot(change.score_then, 0, "o", markersize=9, markerfacecolor="white",
                markeredgecolor=PALETTE[0], markeredgewidth=1.6, zorder=4)
        if previous_wave:
            ax.text(change.score_then, 0.2, text("company.chart_then", lang, wave=previous_wave,
                                                 score=fmt.number(change.score_then, 1)),
                    ha="center", va="bottom", fontsize=FONT_SIZE - 1, color=MUTED)
    ax.plot(position.score, 0, "o", markersize=10, color=PALETTE[0], zorder=5)
    ax.text(position.score, -0.22, fmt.number(position.score, 1), ha="center", va="top",
            fontsize=FONT_SIZE, color=PALETTE[0], fontweight="bold")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.62, rows - 0.05)
    ax.set_yticks(np.arange(rows), labels)
    ax.xaxis.set_major_locator(MultipleLocator(10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, 0)))
    ax.set_xlabel(text("company.chart_xlabel", lang))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=False)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    alt_key = "company.chart_alt" if position.shown else "company.chart_alt_alone"
    alt = text(alt_key, lang, score=fmt.number(position.score, 1),
               maturity_class=position.maturity_class, n=fmt.number(position.n_others, 0),
               low=fmt.number(position.q1, 0), network_median=fmt.number(position.median, 0),
               high=fmt.number(position.q3, 0))
    if change is not None and previous_wave:
        alt += " " + text("company.chart_alt_then", lang, previous=previous_wave,
                          before=fmt.number(change.score_then, 1),
                          class_before=change.class_then)
    return finish(fig, kind="dots", data=_chart_data(position, change, lang, previous_wave),
                  alt=alt, source=source)
