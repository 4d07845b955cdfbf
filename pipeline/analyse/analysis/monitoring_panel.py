"""Monitoring, the panel: the indicators, and which companies and workers are compared.

The inputs of every comparison of :mod:`pipeline.analyse.analysis.monitoring` (the method
is described there): the indicators (:data:`INDICATORS`, :data:`COMPANY_INDICATORS`),
one wave prepared (:func:`prepare_wave`), the scopes of companies (:func:`panel_scopes`,
:func:`activated`) and the workers of two waves pooled for the regressions
(:func:`worker_outcomes`, :func:`pool_waves`, :func:`pooled_workers`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.measures import maturity_scores, surveyed_companies
from pipeline.analyse.analysis.survey import wave_design
from pipeline.analyse.stats import SurveyDesign
from pipeline.codebook import ACTIVE_STATUSES, Codebook

__all__ = [
    "AVAILABLE",
    "COMPANY_INDICATORS",
    "FLEX",
    "INDICATORS",
    "PreparedWave",
    "activated",
    "flex_available",
    "indicator_values",
    "panel_scopes",
    "pool_waves",
    "pooled_workers",
    "prepare_wave",
    "worker_outcomes",
]

#: Worker indicators: kind (mean or proportion) and the better direction.
INDICATORS: dict[str, tuple[str, int]] = {
    "wfc_score": ("mean", -1),
    "fwc_score": ("mean", -1),
    "wlb_fit_good": ("proportion", 1),
    "sat_wlb": ("mean", 1),
    "sat_measures": ("mean", 1),
    "flex_available": ("proportion", 1),
}
#: Answers of ``avail_<measure>`` that mean the measure is available to the worker.
AVAILABLE = ("available_used", "available_not_used")
#: The measures of flexibility: flexible hours and smart working.
FLEX = ("FLEX_HOURS", "SMART_WORKING")
#: Company indicators compared between waves, and the better direction.
COMPANY_INDICATORS: dict[str, int] = {"n_measures_active": 1, "n_areas_active": 1,
                                      "maturity_score": 1}


# --------------------------------------------------------------------------------------
# One wave, prepared
# --------------------------------------------------------------------------------------
class PreparedWave(NamedTuple):
    """One wave as the monitoring uses it (see :func:`prepare_wave`)."""

    tables: Mapping[str, pd.DataFrame]
    workers: pd.DataFrame
    design: SurveyDesign
    surveyed: pd.DataFrame


def prepare_wave(
    tables: Mapping[str, pd.DataFrame], *, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, SurveyDesign, pd.DataFrame]:
    """The inputs of the monitoring of one wave: workers, their design, surveyed companies.

    Called once for the current wave and once for each earlier one, so that all are
    prepared the same way.

    Parameters
    ----------
    tables
        The typed tables of the wave, by name: ``worker_survey``, ``company_survey`` and
        ``companies`` are used.
    codebook
        For the maturity score; default :func:`pipeline.codebook.load_codebook`.

    Returns
    -------
    workers : pandas.DataFrame
        The worker table, as given.
    design : SurveyDesign
        Its design as every report builds it (:func:`pipeline.analyse.analysis.survey.wave_design`:
        the contract's default design with the minimum post-stratum).
    surveyed : pandas.DataFrame
        The company questionnaire with size and place from the mapping
        (:func:`pipeline.analyse.analysis.measures.surveyed_companies`) and the column
        ``maturity_score`` (0-100, :func:`pipeline.analyse.analysis.measures.maturity_scores`).
        Confidential: one row per company.
    """
    workers = tables["worker_survey"]
    surveyed = surveyed_companies(tables["company_survey"], tables["companies"])
    surveyed["maturity_score"] = maturity_scores(surveyed, codebook=codebook)["score"]
    return workers, wave_design(workers, tables["companies"]), surveyed


def flex_available(workers: pd.DataFrame) -> pd.Series:
    """1 if flexible hours or smart working is available to the worker, 0 if neither, NA
    when either answer is missing or "don't know"."""
    cols = [f"avail_{m}" for m in FLEX if f"avail_{m}" in workers.columns]
    if not cols:
        return pd.Series(np.nan, index=workers.index, name="flex_available")
    block = workers[cols]
    valid = block.notna().all(axis=1) & ~block.eq("dont_know").any(axis=1)
    yes = block.isin(AVAILABLE).any(axis=1)
    return yes.astype("float64").where(valid).rename("flex_available")


def indicator_values(workers: pd.DataFrame, indicator: str) -> pd.Series:
    """The indicator of each worker (NA where not answered or not asked in the wave)."""
    if indicator == "flex_available":
        return flex_available(workers)
    if indicator in workers.columns:
        return workers[indicator]
    return pd.Series(np.nan, index=workers.index)


# --------------------------------------------------------------------------------------
# The companies compared
# --------------------------------------------------------------------------------------
def activated(previous: pd.DataFrame, current: pd.DataFrame,
              measures: Sequence[str] = FLEX) -> list[str]:
    """Companies surveyed in both waves where any of ``measures`` became active.

    Active = a status of :data:`pipeline.codebook.ACTIVE_STATUSES` (``active_some`` or
    ``active_all``); "became" = not active (or not answered) in the previous wave and
    active now.
    """
    def any_active(cs: pd.DataFrame) -> pd.Series:
        cols = [f"m_{m}" for m in measures if f"m_{m}" in cs.columns]
        return cs.set_index("company_id")[cols].isin(ACTIVE_STATUSES).any(axis=1)

    a, b = any_active(previous), any_active(current)
    common = a.index.intersection(b.index)
    return sorted(common[(~a[common]) & b[common]].tolist())


def panel_scopes(
    previous_survey: pd.DataFrame,
    current_survey: pd.DataFrame,
    *,
    measures: Sequence[str] = FLEX,
    min_companies: int = 3,
) -> dict[str, list[str] | None]:
    """The scopes of the monitoring: all, the panel, and who introduced flexibility.

    Parameters
    ----------
    previous_survey, current_survey
        The company questionnaires of the two waves (``company_id``, ``m_<measure>``).
    measures
        The measures whose introduction defines ``new_flex`` (:func:`activated`).
    min_companies
        ``new_flex`` and ``no_new_flex`` are defined only when both have at least this
        many companies (otherwise there is no comparison to show).

    Returns
    -------
    dict
        ``{"all": None, "common": ids surveyed in both waves}`` and, when both groups are
        large enough, ``"new_flex"`` (panel companies that introduced one of
        ``measures``) and ``"no_new_flex"`` (the other panel companies). Ids sorted.
    """
    common = sorted(set(previous_survey["company_id"].astype(str))
                    & set(current_survey["company_id"].astype(str)))
    new = activated(previous_survey, current_survey, measures)
    others = sorted(set(common) - set(new))
    scopes: dict[str, list[str] | None] = {"all": None, "common": common}
    if len(new) >= min_companies and len(others) >= min_companies:
        scopes.update({"new_flex": new, "no_new_flex": others})
    return scopes


# --------------------------------------------------------------------------------------
# The workers of two waves, pooled
# --------------------------------------------------------------------------------------
def worker_outcomes(
    workers: pd.DataFrame,
    design: SurveyDesign,
    *,
    indicators: Sequence[str] = tuple(INDICATORS),
) -> pd.DataFrame:
    """One wave's workers as the regressions between waves use them.

    Parameters
    ----------
    workers
        The typed worker table of the wave.
    design
        Its default design (:func:`pipeline.analyse.stats.survey_design`, built on ``workers``):
        its weights are the wave's post-stratification weights
        (:func:`pipeline.analyse.stats.poststrat_weights`), employees represented per respondent.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``workers``: ``company_id`` (str), ``weight`` and one float column
        per indicator (means on their scale, proportions 0/1; NaN where not answered or
        not asked in the wave).
    """
    if not design.index.equals(workers.index):
        raise ValueError("the design was not built on these workers (different rows)")
    out = pd.DataFrame({"company_id": workers["company_id"].astype(str).to_numpy(),
                        "weight": np.asarray(design.weights, dtype=float)},
                       index=workers.index)
    for ind in indicators:
        out[ind] = indicator_values(workers, ind).astype("Float64").to_numpy(
            dtype=float, na_value=np.nan)
    return out


def pool_waves(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """The workers of two waves in one frame, with ``post`` = 0 (previous) or 1 (current).

    Parameters
    ----------
    previous, current
        :func:`worker_outcomes` of the earlier and of the later wave; each keeps its own
        wave's weights.

    Returns
    -------
    pandas.DataFrame
        The rows of both, re-indexed 0..n-1, with the integer column ``post``. A company
        in both waves keeps one ``company_id``: one cluster in the regressions.
    """
    return pd.concat([previous.assign(post=0), current.assign(post=1)], ignore_index=True)


def pooled_workers(earlier: PreparedWave, later: PreparedWave) -> pd.DataFrame:
    """:func:`pool_waves` of the :func:`worker_outcomes` of two prepared waves (every
    indicator of :data:`INDICATORS`), the earlier wave ``post`` = 0."""
    return pool_waves(worker_outcomes(earlier.workers, earlier.design),
                      worker_outcomes(later.workers, later.design))
