"""Figures: one theme, functions that take tidy tables and return matplotlib figures.

Every figure function writes its ticks in the report's language (``lang``), draws a source
line under the plot (``source``) and attaches the table of what it draws and a short
description (:func:`~pipeline.analyse.plots.chart.chart_info`), which
:func:`pipeline.notebook.show_figure` puts in the report as the figure's text alternative.
"""

from pipeline.analyse.plots.chart import ChartInfo, chart_info
from pipeline.analyse.plots.theme import PALETTE, set_theme

__all__ = ["PALETTE", "ChartInfo", "chart_info", "set_theme"]
