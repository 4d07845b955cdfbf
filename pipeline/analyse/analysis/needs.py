"""The workers' needs: importance of each measure, unmet need, work-life balance.

Every estimate is design-based (:mod:`pipeline.analyse.stats.design`: companies as strata with the
finite population correction, post-stratified by gender; the notebooks pass
:func:`pipeline.analyse.analysis.survey.wave_design`) and computed on the full design, groups as
domains. Shares get the pipeline's interval,
:data:`pipeline.analyse.analysis.survey.PROPORTION_INTERVAL` (Korn-Graubard), unless ``method`` says
otherwise. The functions return tidy tables ready for
:func:`pipeline.analyse.disclosure.suppress_small_cells`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL
from pipeline.analyse.stats import (
    SurveyDesign,
    cronbach_alpha,
    likert_distribution,
    survey_mean,
    survey_proportion,
    top_box,
)
from pipeline.analyse.stats.design import intra_cluster_correlation

#: Groupings of the needs table, in report order. ``all`` is the whole population.
GROUPINGS = ("all", "gender", "has_child_u14", "caregiver", "age_band")
#: Groups of a grouping that are published (others are too small by design).
PUBLISHED_GROUPS = {"gender": ("F", "M")}
#: Groupings whose needs the report compares, in report order, each with its two groups:
#: the one expected to need more first (women, parents of a child under 14, carers).
COMPARED_GROUPS = {"gender": ("F", "M"), "has_child_u14": ("yes", "no"),
                   "caregiver": ("yes", "no")}
#: The items of the work-to-family conflict scale (Netemeyer et al., 1-7), whose mean is
#: ``wfc_score``.
WFC_ITEMS = tuple(f"wfc_{i}" for i in range(1, 6))
TIDY = ["measure", "group_var", "group", "estimate", "se", "ci_low", "ci_high", "n", "df",
        "method"]
#: Columns of :func:`balance_table`.
BALANCE_COLUMNS = ["indicator", "group_var", "group", "estimate", "se", "ci_low", "ci_high",
                   "n", "df", "deff", "icc", "method"]


def _group_labels(values: pd.Series) -> pd.Series:
    """Booleans as ``yes``/``no`` so that groups read well in CSV and charts."""
    if str(values.dtype) in ("boolean", "bool"):
        return values.map({True: "yes", False: "no"}).astype("str")
    return values


def _tidy(table: pd.DataFrame, measure_of: dict[str, str], group_var: str) -> pd.DataFrame:
    out = table.rename(columns={"variable": "measure"})
    out["measure"] = out["measure"].map(measure_of)
    out["group_var"] = group_var
    if group_var == "all":
        out["group"] = "all"
    keep = PUBLISHED_GROUPS.get(group_var)
    if keep is not None:
        out = out[out["group"].isin(keep)]
    return out[TIDY]


def needs_table(
    workers: pd.DataFrame,
    design: SurveyDesign,
    measures: Sequence[str],
    *,
    groupings: Sequence[str] = GROUPINGS,
    threshold: int = 3,
    method: str = PROPORTION_INTERVAL,
) -> pd.DataFrame:
    """Weighted share of workers rating each measure important (3 or 4 on 1-4).

    Parameters
    ----------
    workers
        The typed worker table (``need_imp_<MEASURE>`` Int8 1-4, NA for missing and
        "don't know", which are outside the domain of valid answers).
    design
        The survey design built on ``workers``.
    measures
        Measure codes asked to workers.
    groupings
        ``all`` and/or worker columns to break down by.
    threshold
        Lowest rating counted as "important".
    method
        Interval of the shares (default the pipeline's, Korn-Graubard).

    Returns
    -------
    pandas.DataFrame
        ``measure, group_var, group, estimate, se, ci_low, ci_high, n, df, method``;
        ``estimate`` is a share (0-1), ``n`` the valid respondents of the group.
    """
    columns = [f"need_imp_{m}" for m in measures]
    measure_of = dict(zip(columns, measures, strict=True))
    frames = []
    for grouping in groupings:
        if grouping == "all":
            table = top_box(workers, columns, design=design, threshold=threshold,
                            method=method)
        else:
            data = workers.assign(**{grouping: _group_labels(workers[grouping])})
            table = top_box(data, columns, design=design, threshold=threshold, by=grouping,
                            include_overall=False, method=method)
        frames.append(_tidy(table, measure_of, grouping))
    return pd.concat(frames, ignore_index=True)


def needs_distribution(workers: pd.DataFrame, design: SurveyDesign,
                       measures: Sequence[str], *,
                       method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Weighted share of each answer (1-4) to the importance of each measure.

    Among the valid answers of each ``need_imp_<MEASURE>`` (missing and "don't know" are
    outside the domain), with the pipeline's interval.

    Returns
    -------
    pandas.DataFrame
        ``measure, category, estimate, se, ci_low, ci_high, n, count``: ``n`` the valid
        answers of the measure, ``count`` the respondents giving that answer.
    """
    frames = [likert_distribution(workers[f"need_imp_{m}"], design=design, method=method)
              .assign(measure=m) for m in measures]
    out = pd.concat(frames, ignore_index=True)
    return out[["measure", "category", "estimate", "se", "ci_low", "ci_high", "n", "count"]]


def unmet_need(workers: pd.DataFrame, design: SurveyDesign, measures: Sequence[str],
               *, threshold: int = 3, method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Among workers who rate a measure important, the share for whom it is not available.

    The domain of each measure is the workers with ``need_imp >= threshold`` and a valid
    availability answer (not "don't know"); the estimate is the weighted share answering
    ``not_available``.
    """
    frames = []
    for m in measures:
        need = workers[f"need_imp_{m}"].astype("Float64")
        avail = workers[f"avail_{m}"]
        domain = (need >= threshold).fillna(False) & avail.notna() & (avail != "dont_know")
        y = (avail == "not_available").astype("float64").where(avail.notna(), other=pd.NA)
        table = survey_proportion(design, y.astype("Float64"), domain=domain.astype(bool),
                                  method=method)
        table["measure"] = m
        frames.append(table)
    out = pd.concat(frames, ignore_index=True)
    out["group_var"], out["group"] = "all", "all"
    return out[TIDY]


def balance_table(workers: pd.DataFrame, design: SurveyDesign,
                  *, groupings: Sequence[str] = GROUPINGS,
                  method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Work-life balance indicators overall and by group, with the design's imprint.

    Indicators: ``wfc_score`` and ``fwc_score`` (means, 1-7, higher = more conflict),
    ``wlb_fit_good`` (share whose hours fit family and social commitments well or very
    well; interval by ``method``, default the pipeline's Korn-Graubard).

    Parameters
    ----------
    workers
        The typed worker table the design was built on (the indicators, ``company_id``
        and the grouping columns).
    design
        The wave's design (:func:`pipeline.analyse.analysis.survey.wave_design`).
    groupings
        ``all`` and/or worker columns to break down by.
    method
        Interval of the share.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BALANCE_COLUMNS`: ``indicator, group_var, group, estimate, se,
        ci_low, ci_high, n, df``, then, on the overall rows (``group_var`` "all") only,
        ``deff`` (design effect, R's ``svymean(deff = TRUE)``: the design's variance over
        that of a simple random sample of as many employees) and ``icc`` (intra-company
        correlation of the answers, ANOVA estimator over companies, unweighted; may be
        negative), NaN on the other rows; and ``method``.
    """
    frames = []
    fit = workers["wlb_fit_good"].astype("Float64")
    for grouping in groupings:
        overall = grouping == "all"
        by = None if overall else _group_labels(workers[grouping])
        for indicator in ("wfc_score", "fwc_score"):
            if workers[indicator].notna().any():
                t = survey_mean(design, workers[indicator], by=by, deff=overall)
                t["indicator"] = indicator
                frames.append(t.assign(group_var=grouping))
        t = survey_proportion(design, fit, by=by, method=method, deff=overall)
        frames.append(t.assign(indicator="wlb_fit_good", group_var=grouping))
    out = pd.concat(frames, ignore_index=True)
    if "deff" not in out.columns:
        out["deff"] = float("nan")
    is_all = out["group_var"] == "all"
    out.loc[is_all, "group"] = "all"
    icc = {name: intra_cluster_correlation(values.astype("Float64"),
                                           workers["company_id"])["estimate"].iloc[0]
           for name, values in (("wfc_score", workers["wfc_score"]),
                                ("fwc_score", workers["fwc_score"]),
                                ("wlb_fit_good", fit))}
    out["icc"] = out["indicator"].map(icc).where(is_all).astype("float64")
    out["deff"] = out["deff"].where(is_all).astype("float64")
    for grouping, keep in PUBLISHED_GROUPS.items():
        out = out[(out["group_var"] != grouping) | out["group"].isin(keep)]
    return out[BALANCE_COLUMNS].reset_index(drop=True)


def wfc_reliability(workers: pd.DataFrame) -> pd.Series:
    """Cronbach's alpha of the work-to-family conflict scale (:data:`WFC_ITEMS`).

    Unweighted, on the workers who answered every item
    (:func:`pipeline.analyse.stats.cronbach_alpha`, listwise).

    Returns
    -------
    pandas.Series
        ``estimate`` (alpha), ``se``, ``ci_low``, ``ci_high`` (Feldt), ``n``, ``k``,
        ``method``.
    """
    return cronbach_alpha(workers[list(WFC_ITEMS)]).iloc[0]
