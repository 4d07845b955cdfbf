"""Likert items: weighted distributions, top-box shares, Cronbach's alpha, scale scores.

Who computes what
-----------------
- Shares of categories and top-box shares are design-based proportions from
  :mod:`pipeline.analyse.stats.estimates` (Taylor linearisation; logit intervals by
  default, as R's ``svyciprop``, or Korn-Graubard with ``method="beta"``, the published
  choice), so the needs table and the Likert charts use exactly the contract's estimator.
  Without a design they fall back to
  :func:`~pipeline.analyse.stats.design.unweighted_design` (equal weights).
- Cronbach's alpha and Feldt's interval are two closed formulas (numpy, scipy's F
  quantile). pingouin computes the same, but it is not in the project's stack for one
  function; the tests check the values against R's ``psych::alpha``.
- Scale scores are a row mean of the valid items with a minimum number of valid items
  (the codebook's rule for wfc_score/fwc_score is 4 of 5, Netemeyer et al. 1996).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.analyse.stats.design import SurveyDesign, unweighted_design
from pipeline.analyse.stats.estimates import _proportion, survey_proportion
from pipeline.analyse.stats.inputs import _as_series, _group_codes, _to_float
from pipeline.ingest.derive import scale_score  # ingestion derives the scores with it

__all__ = ["cronbach_alpha", "likert_distribution", "scale_score", "top_box"]


def _design_for(design: SurveyDesign | None, index: pd.Index) -> SurveyDesign:
    return unweighted_design(index) if design is None else design


def likert_distribution(
    y: pd.Series,
    *,
    design: SurveyDesign | None = None,
    categories: Sequence[int] = (1, 2, 3, 4),
    by=None,
    domain=None,
    level: float = 0.95,
    method: str = "logit",
) -> pd.DataFrame:
    """Weighted share of each answer category among the valid answers.

    Parameters
    ----------
    y : pandas.Series
        Ordinal answers (e.g. Int8 1-4); NA (missing, don't know) is outside the domain.
    design : SurveyDesign, optional
        The survey design (default: equal weights, :func:`unweighted_design`).
    categories : sequence of int
        The answer codes, in display order. Other non-missing values raise ValueError.
    by : pandas.Series, optional
        Grouping variable: one distribution per observed level.
    domain : boolean pandas.Series, optional
        Restriction of the domain (on the full design).
    level : float
        Confidence level of the intervals.
    method : {"logit", "beta"}
        Interval of each share, as :func:`~pipeline.analyse.stats.design.survey_proportion`
        (default logit; "beta" is Korn-Graubard, defined also at 0 and 1).

    Returns
    -------
    pandas.DataFrame
        One row per group and category: the columns of
        :func:`~pipeline.analyse.stats.design.survey_proportion` (``estimate`` = share 0-1,
        ``se``, ``ci_low``/``ci_high`` by ``method``, ``df``, ``n`` = valid respondents of the
        group, ``weighted_n``) plus ``category`` and ``count`` (unweighted respondents
        giving that answer, for small-cell suppression). Shares of a group add up to 1.
    """
    design = _design_for(design, y.index)
    ys = _as_series(design, y, "y")
    v = _to_float(ys, "y")
    cats = np.asarray(categories, dtype=float)
    known = np.isin(v, cats) | np.isnan(v)
    if not known.all():
        raise ValueError(f"{ys.name}: values outside {list(categories)}: {np.unique(v[~known])}")
    frames = []
    for pos, k in enumerate(categories):
        ind = pd.Series(np.where(np.isnan(v), np.nan, v == k), index=design.index, name=ys.name)
        out = survey_proportion(design, ind, by=by, domain=domain, level=level,
                                method=method)
        out.insert(3, "category", k)
        out["count"] = 0
        out["_g"] = np.arange(len(out))
        out["_c"] = pos
        frames.append(out)
    res = pd.concat(frames, ignore_index=True).sort_values(["_g", "_c"], kind="stable")
    # unweighted respondents per group and category (for small-cell suppression)
    mask = ~np.isnan(v)
    if domain is not None:
        mask &= _as_series(design, domain, "domain").astype("boolean").fillna(False).to_numpy(bool)
    grp = (
        pd.Series("all", index=design.index) if by is None else _as_series(design, by, "by")
    )[mask]
    cnt = pd.DataFrame({"group": grp.to_numpy(), "category": v[mask]}).value_counts()
    res["count"] = [
        int(cnt.get((g, float(k)), 0)) for g, k in zip(res["group"], res["category"], strict=True)
    ]
    return res.drop(columns=["_g", "_c"]).reset_index(drop=True)


def top_box(
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    design: SurveyDesign | None = None,
    threshold: int = 3,
    by: str | None = None,
    include_overall: bool = True,
    level: float = 0.95,
    method: str = "logit",
) -> pd.DataFrame:
    """Share of valid answers at or above ``threshold`` (top-2-box of a 1-4 scale), per item.

    This is the project's needs table: for each ``need_imp_<MEASURE>`` the weighted share
    of workers rating it 3 or 4 among those with a valid 1-4 answer, overall and by
    gender, with the design-based se and interval (the needs table uses
    ``method="beta"``, :data:`pipeline.analyse.analysis.survey.PROPORTION_INTERVAL`).

    Parameters
    ----------
    data : pandas.DataFrame
        The workers frame the design was built from (same index).
    columns : sequence of str
        The ordinal items (NA = missing or don't know, outside the domain).
    design : SurveyDesign, optional
        Default: equal weights.
    threshold : int
        Lowest category counted in the box (3 on a 1-4 scale: "top-2-box").
    by : str, optional
        Column of ``data`` to break the shares down by (e.g. "gender").
    include_overall : bool
        With ``by``, also return the overall rows (``group`` = "all").
    level : float
        Confidence level.
    method : {"logit", "beta"}
        Interval, as :func:`~pipeline.analyse.stats.design.survey_proportion` (default logit).

    Returns
    -------
    pandas.DataFrame
        One row per item and group, columns as
        :func:`~pipeline.analyse.stats.design.survey_proportion` (``variable`` = item).
    """
    design = _design_for(design, data.index)
    overall = _group_codes(design, None)
    grouped = _group_codes(design, data[by]) if by is not None else None
    everyone = np.ones(design.n, dtype=bool)
    frames = []
    for col in columns:
        v = _to_float(_as_series(design, data[col], col), col)
        y = np.where(np.isnan(v), np.nan, (v >= threshold).astype(float))
        if by is None or include_overall:
            frames.append(_proportion(design, y, col, overall, everyone, level,
                                      method=method))
        if grouped is not None:
            frames.append(_proportion(design, y, col, grouped, everyone, level,
                                      method=method))
    out = pd.concat(frames, ignore_index=True)
    out["method"] = out["method"].str.replace("proportion", f"share >= {threshold}", n=1)
    return out


def cronbach_alpha(
    items: pd.DataFrame,
    *,
    nan_policy: str = "listwise",
    level: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha of a set of items with Feldt's confidence interval.

    ``alpha = k/(k-1) * (1 - trace(C) / sum(C))`` with C the items' covariance matrix.
    Feldt, Woodruff & Salih (1987): ``(1 - alpha) / (1 - alpha_pop)`` follows
    F(n - 1, (n - 1)(k - 1)), so the interval is
    ``1 - (1 - alpha) * F_{1-a/2}`` to ``1 - (1 - alpha) * F_{a/2}``; assumes
    independent respondents (no design weights) and a compound-symmetric model.

    Parameters
    ----------
    items : pandas.DataFrame
        One column per item (k >= 2), numeric, NA = missing.
    nan_policy : {"listwise", "pairwise"}
        "listwise": only respondents with every item (psych::alpha on complete cases).
        "pairwise": covariances from pairwise complete answers, n = respondents with at
        least one valid item (psych::alpha's default ``use = "pairwise"``).
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (alpha), ``se`` (NaN: Feldt's interval is not symmetric),
        ``ci_low``, ``ci_high``, ``n`` (respondents), ``k`` (items), ``method``.
    """
    if items.shape[1] < 2:
        raise ValueError("Cronbach's alpha needs at least two items")
    x = pd.DataFrame({c: _to_float(items[c], c) for c in items.columns}, index=items.index)
    if nan_policy == "listwise":
        x = x.dropna()
        n = len(x)
    elif nan_policy == "pairwise":
        n = int(x.notna().any(axis=1).sum())
    else:
        raise ValueError("nan_policy must be 'listwise' or 'pairwise'")
    k = x.shape[1]
    C = x.cov(ddof=1).to_numpy()
    alpha = k / (k - 1) * (1 - np.trace(C) / C.sum())
    df1, df2 = n - 1, (n - 1) * (k - 1)
    a = 1 - level
    lo = 1 - (1 - alpha) * stats.f.ppf(1 - a / 2, df1, df2)
    hi = 1 - (1 - alpha) * stats.f.ppf(a / 2, df1, df2)
    return pd.DataFrame(
        {
            "estimate": [alpha],
            "se": [np.nan],
            "ci_low": [lo],
            "ci_high": [hi],
            "n": [n],
            "k": [k],
            "method": [f"Cronbach's alpha ({nan_policy}), Feldt {level:.0%} interval"],
        }
    )
