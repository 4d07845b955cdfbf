"""Figures: one theme, functions that take tidy tables and return matplotlib figures."""

from pipeline.analyse.plots.theme import PALETTE, set_theme

__all__ = ["PALETTE", "set_theme"]
