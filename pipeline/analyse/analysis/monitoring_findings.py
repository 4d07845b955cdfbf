"""Monitoring, the findings: which rows of the comparisons the section reports.

The tables of :mod:`pipeline.analyse.analysis.monitoring` hold every estimate; the
section shows a part of them. Each choice is one function here, so that the notebook only
tells the story: the levels of the panel (:func:`panel_levels`), the changes since an
earlier wave (:func:`changes_since`), the clear ones (:func:`clear_changes`), the focus
of the flexibility comparison (:func:`flexibility_groups`, :func:`flexibility_headline`,
:func:`flexibility_tested`) and the paired company changes (:func:`paired_company_changes`).

Each takes a table of the analysis (or its published copy, small cells blanked) and
returns some of its rows, with its columns in its order unless the docstring says more.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FOCUS_INDICATOR", "MAIN_SCOPE", "changes_since", "clear_changes",
           "flexibility_groups", "flexibility_headline", "flexibility_tested",
           "paired_company_changes", "panel_levels"]

#: The main comparison: the companies surveyed in both waves, each compared with itself
#: (the other scope, ``all``, mixes changes with which companies were surveyed).
MAIN_SCOPE = "common"
#: The indicator of the flexibility comparison: work-to-family conflict (1-7, lower is
#: better), the outcome flexible hours and smart working are meant to move.
FOCUS_INDICATOR = "wfc_score"


def panel_levels(levels: pd.DataFrame, kind: str | None = None) -> pd.DataFrame:
    """The worker levels the section draws: the panel's (scope :data:`MAIN_SCOPE`).

    Parameters
    ----------
    levels
        :func:`~pipeline.analyse.analysis.monitoring_levels.indicator_levels` of the
        previous and the current wave with the scopes of ``panel_scopes``.
    kind
        ``"mean"`` or ``"proportion"`` (one figure each: scale points and shares do not
        share an axis); ``None``: both.

    Returns
    -------
    pandas.DataFrame
        The rows of ``levels`` (same columns, same order) of the panel and ``kind``.
    """
    keep = levels["scope"] == MAIN_SCOPE
    if kind is not None:
        keep &= levels["kind"] == kind
    return levels[keep]


def changes_since(changes: pd.DataFrame, comparison: str = "previous") -> pd.DataFrame:
    """The worker changes against one earlier wave.

    Parameters
    ----------
    changes
        :func:`~pipeline.analyse.analysis.monitoring_workers.wave_changes`.
    comparison
        ``"previous"`` (the immediate previous wave: every scope compared) or ``"first"``
        (the first wave of the chain: every respondent).

    Returns
    -------
    pandas.DataFrame
        Those rows of ``changes``, same columns and order: one Holm family.
    """
    return changes[changes["comparison"] == comparison]


def clear_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """The worker indicators of
    :func:`~pipeline.analyse.analysis.monitoring_workers.wave_changes` that changed clearly
    since the previous wave, in the panel.

    Clear: the Holm-adjusted p-value below :data:`pipeline.analyse.stats.ALPHA`, the
    flags ``improved`` and ``worse`` of the table
    (:func:`~pipeline.analyse.analysis.monitoring_inference.flag_changes`); in the main
    scope (:data:`MAIN_SCOPE`), against the previous wave. Returns ``indicator,
    direction`` (``"improved"`` or ``"worse"``): the improvements first, then the
    worsenings, each in the table's order of indicators; empty when nothing changed
    clearly.
    """
    panel = changes[(changes["comparison"] == "previous") & (changes["scope"] == MAIN_SCOPE)]
    parts = [pd.DataFrame({"indicator": panel.loc[panel[flag].astype(bool), "indicator"],
                           "direction": flag})
             for flag in ("improved", "worse")]
    return pd.concat(parts, ignore_index=True)


def _focus(flexibility: pd.DataFrame, comparison: str) -> pd.DataFrame:
    return flexibility[(flexibility["comparison"] == comparison)
                       & (flexibility["indicator"] == FOCUS_INDICATOR)]


def flexibility_groups(flexibility: pd.DataFrame) -> pd.DataFrame:
    """The within-company change of :data:`FOCUS_INDICATOR` in each group (descriptive):
    the ``within_change`` rows of the focus indicator in
    :func:`~pipeline.analyse.analysis.monitoring_workers.flexibility_change`, one per group
    (``scope``), ``estimate``, ``ci_low``, ``ci_high`` in scale points (1-7)."""
    return _focus(flexibility, "within_change")


def flexibility_headline(flexibility: pd.DataFrame) -> pd.DataFrame:
    """The difference in differences of :data:`FOCUS_INDICATOR`, and whether it is tested.

    One row of :func:`~pipeline.analyse.analysis.monitoring_workers.flexibility_change`
    (none if the indicator is not compared): its ``difference`` row (scale points, 1-7: the
    change of the companies that introduced flexibility minus that of the others) with
    ``tested``: a p-value exists (too few ways to choose the companies that introduced it,
    see :data:`pipeline.analyse.stats.MIN_ASSIGNMENTS`, or a withheld row have none: the
    difference is then descriptive only).
    """
    row = _focus(flexibility, "difference")
    return row.assign(tested=row["p_value"].notna().to_numpy())


def flexibility_tested(flexibility: pd.DataFrame) -> bool:
    """Whether the difference in differences of :data:`FOCUS_INDICATOR` has a p-value
    (:func:`flexibility_headline`); otherwise it is descriptive only."""
    return bool(flexibility_headline(flexibility)["tested"].any())


def paired_company_changes(moves: pd.DataFrame) -> pd.DataFrame:
    """The changes of the companies surveyed in both waves, each compared with itself: the
    ``paired`` rows of :func:`~pipeline.analyse.analysis.monitoring_companies.company_change`
    indexed by ``indicator``, with ``n`` (companies), ``mean_prev``, ``mean_cur``,
    ``estimate`` (mean change, in the indicator's unit), ``p_adjusted``."""
    return moves[moves["comparison"] == "paired"].set_index("indicator")
