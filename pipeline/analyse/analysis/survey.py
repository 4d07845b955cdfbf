"""The worker survey as every published and company report estimates it.

:mod:`pipeline.analyse.stats.design` implements the contract's design with R's semantics and
defaults (a post-stratum may hold a single respondent, shares get R's default logit
interval), so that every estimator can be checked against R as it is. On top of it the
pipeline makes two choices, here and nowhere else:

:data:`MIN_POSTSTRATUM` (3) respondents per post-stratum
    A company whose F or M cell has one or two respondents is post-stratified as one cell
    of N employees, as when the cell is empty. A respondent alone in a cell carries the
    whole cell's weight and, its residual from the cell mean being zero, contributes no
    variance: the answer that weighs most would be the one the standard error ignores.
    :func:`wave_design` and :func:`wave_weights` build the design and the weights with
    this minimum; every notebook and the site call them.
:data:`PROPORTION_INTERVAL` ("beta")
    Shares get the Korn-Graubard interval (R's ``svyciprop(method = "beta")``), defined
    also at 0 % and 100 %, where the logit interval does not exist. The analysis
    functions that publish shares take it as their default ``method``.

:func:`fpc_comparison` computes the methods appendix's table of the headline indicators
with and without the finite population correction.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from pipeline.analyse.disclosure import suppress_small_cells
from pipeline.analyse.stats.design import (
    MIN_POSTSTRATUM,
    SurveyDesign,
    intra_cluster_correlation,
    poststrat_weights,
    survey_design,
    survey_mean,
    survey_proportion,
)

__all__ = [
    "FPC_COLUMNS",
    "HEADLINE_INDICATORS",
    "MIN_POSTSTRATUM",
    "PROPORTION_INTERVAL",
    "fpc_comparison",
    "wave_design",
    "wave_weights",
]

#: Interval of every published share of the worker survey: Korn-Graubard.
PROPORTION_INTERVAL = "beta"

#: Headline indicators of the worker survey and how each is estimated.
HEADLINE_INDICATORS: dict[str, str] = {
    "wfc_score": "mean",        # work-to-family conflict, 1-7
    "wlb_fit_good": "proportion",  # hours fit family and social commitments well
    "sat_wlb": "mean",          # satisfaction with work-life balance, 1-5
}

#: Columns of :func:`fpc_comparison`.
FPC_COLUMNS = ["indicator", "kind", "estimate", "se", "se_nofpc", "deff", "icc", "n",
               "n_companies", "suppressed"]


def wave_design(workers: pd.DataFrame, companies: pd.DataFrame, *,
                fpc: bool = True) -> SurveyDesign:
    """The design of a wave's worker survey, as every report builds it.

    The contract's default design (:func:`pipeline.analyse.stats.survey_design`: companies as
    strata with the finite population correction, post-stratified by gender) with at
    least :data:`MIN_POSTSTRATUM` respondents per F or M post-stratum.

    Parameters
    ----------
    workers : pandas.DataFrame
        The wave's worker table (``company_id``, ``gender``); the design covers every row.
    companies : pandas.DataFrame
        The mapping (``company_id``, ``n_employees``, ``share_women``).
    fpc : bool
        False: the same design with with-replacement variances (the methods appendix's
        "without fpc" column).

    Returns
    -------
    SurveyDesign
    """
    return survey_design(workers, companies, fpc=fpc, min_poststratum=MIN_POSTSTRATUM)


def wave_weights(workers: pd.DataFrame, companies: pd.DataFrame) -> pd.DataFrame:
    """The weights of :func:`wave_design`: :func:`pipeline.analyse.stats.poststrat_weights` with
    :data:`MIN_POSTSTRATUM` (columns ``company_id``, ``cell``, ``weight``, ``N``,
    ``n_company``, ``N_cell``, ``n_cell``, ``collapsed``)."""
    return poststrat_weights(workers, companies, min_poststratum=MIN_POSTSTRATUM)


def _estimate(design: SurveyDesign, y: pd.Series, kind: str, **options) -> pd.Series:
    if kind == "mean":
        return survey_mean(design, y, **options).iloc[0]
    if kind == "proportion":
        return survey_proportion(design, y, method=PROPORTION_INTERVAL, **options).iloc[0]
    raise ValueError(f"kind must be 'mean' or 'proportion', got {kind!r}")


def fpc_comparison(
    workers: pd.DataFrame,
    companies: pd.DataFrame,
    *,
    min_cell: int,
    indicators: Mapping[str, str] = HEADLINE_INDICATORS,
) -> pd.DataFrame:
    """Headline indicators with and without the finite population correction.

    The default design corrects each company's variance by its sampling fraction n/N,
    as if its respondents were a random sample of its employees; they chose to answer,
    so the standard error without the correction (companies' respondents as a sample with
    replacement) is the cautious figure. Both, with the design effect and the
    intra-company correlation, are shown side by side in the methods appendix.

    Parameters
    ----------
    workers : pandas.DataFrame
        The wave's worker table, with the indicator columns, ``company_id`` and ``gender``.
    companies : pandas.DataFrame
        The mapping (``company_id``, ``n_employees``, ``share_women``).
    min_cell : int
        Smallest number of respondents behind a published figure: the values of an
        indicator with fewer valid answers are blanked (``suppressed`` True).
    indicators : mapping of str to {"mean", "proportion"}
        Indicator columns and how each is estimated (default
        :data:`HEADLINE_INDICATORS`). A column missing from ``workers`` or with no valid
        answer gives no row.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, columns :data:`FPC_COLUMNS`: ``indicator``, ``kind``,
        ``estimate`` (mean, or share 0-1), ``se`` (the default design, with fpc),
        ``se_nofpc`` (the same design without fpc), ``deff`` (design effect of the
        default design, R's ``svymean(deff = TRUE)``), ``icc`` (intra-company
        correlation, ANOVA estimator, unweighted; may be negative), ``n`` (valid
        answers), ``n_companies`` (companies with a valid answer) and ``suppressed``.

    Raises
    ------
    ValueError
        If an indicator's kind is not "mean" or "proportion".
    """
    for kind in indicators.values():
        if kind not in ("mean", "proportion"):
            raise ValueError(f"kind must be 'mean' or 'proportion', got {kind!r}")
    present = {k: v for k, v in indicators.items()
               if k in workers.columns and workers[k].notna().any()}
    rows = []
    if present:
        with_fpc = wave_design(workers, companies)
        without = wave_design(workers, companies, fpc=False)
        for indicator, kind in present.items():
            y = workers[indicator].astype("Float64").rename(indicator)
            a = _estimate(with_fpc, y, kind, deff=True)
            b = _estimate(without, y, kind)
            icc = intra_cluster_correlation(y, workers["company_id"]).iloc[0]
            rows.append({"indicator": indicator, "kind": kind, "estimate": a["estimate"],
                         "se": a["se"], "se_nofpc": b["se"], "deff": a["deff"],
                         "icc": icc["estimate"], "n": int(a["n"]),
                         "n_companies": int(icc["n_clusters"])})
    out = pd.DataFrame(rows, columns=FPC_COLUMNS[:-1])
    out = out.astype({"estimate": float, "se": float, "se_nofpc": float, "deff": float,
                      "icc": float, "n": np.int64, "n_companies": np.int64})
    return suppress_small_cells(out, min_cell=min_cell)[FPC_COLUMNS]
