"""Dot-and-interval figures: what a table with awkward intervals draws."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd

from pipeline.analyse.plots.estimates import dot_ci


def _bars(fig) -> list[np.ndarray]:
    """The horizontal extent of every error bar drawn."""
    ax = fig.axes[0]
    return [seg for coll in ax.collections for seg in coll.get_segments()]


def test_a_zero_width_interval_a_rounding_error_off_its_estimate_is_drawn():
    # every company gave the same answer: estimate and bounds equal up to float rounding
    table = pd.DataFrame({"label": ["a", "b"], "estimate": [0.30000000000000004, 0.5],
                          "ci_low": [0.3, 0.4], "ci_high": [0.3, 0.6]})
    fig = dot_ci(table, label="label")
    widths = sorted(abs(seg[1, 0] - seg[0, 0]) for seg in _bars(fig))
    assert np.allclose(widths, [0.0, 0.2])


def test_suppressed_rows_draw_no_bar():
    table = pd.DataFrame({"label": ["a", "b"], "estimate": [0.2, np.nan],
                          "ci_low": [0.1, np.nan], "ci_high": [0.3, np.nan]})
    fig = dot_ci(table, label="label")
    assert all(np.isfinite(seg).all() for seg in _bars(fig))
