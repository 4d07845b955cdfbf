"""Design-based means and proportions of domains: R's ``svymean``, ``svyby``, ``svyciprop``.

What it holds: :func:`survey_mean` and :func:`survey_proportion` (and ``_proportion``,
its core on numpy inputs, which :mod:`pipeline.analyse.stats.likert` calls once per
category), and :func:`stratum_complements`: the same estimate outside each stratum, for
every stratum in one pass (a company report's "other companies"). Each estimate is the
ratio ``sum_D w y / sum_D w`` over a domain D (the valid answers, restricted by
``domain=`` and split by ``by=``), always on the full design: rows
outside the domain keep their place in the variance
(:mod:`pipeline.analyse.stats.linearisation`), so ``by=`` gives exactly what
``domain=`` gives for each level, as R's ``svyby`` and ``subset()`` do. The intervals are
those of :mod:`pipeline.analyse.stats.intervals` (t for means; logit or Korn-Graubard for
proportions), the optional design effects those of
:mod:`pipeline.analyse.stats.design_effects`.

Every estimate is a handful of ``np.bincount`` passes over the rows of the domain, with
no Python loop over rows, companies or groups.

Tests: ``tests/analyse/stats/test_design.py`` against R's survey package
(``reference/reference.R``: ``svymean``/``svyciprop(method="logit")``/``degf`` on
``subset()`` and ``svyby``, default and cluster designs; estimates and SEs to 1e-8
relative, interval bounds to 1e-7), ``test_design_extras.py`` and ``test_published.py``
(``reference/design_extras.R``: design effects, Korn-Graubard intervals, the published
tables; 1e-9 relative), ``test_complements.py`` (the same script's ``subset(company_id !=
c)`` of every company, and the direct domain estimates on every design; 1e-9 relative).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.analyse.stats.design_effects import _domain_deff
from pipeline.analyse.stats.inputs import _as_series, _domain_mask, _group_codes, _to_float
from pipeline.analyse.stats.intervals import _beta_ci, _logit_ci, _tq
from pipeline.analyse.stats.linearisation import SurveyDesign, _grouped_degf, _grouped_variance

__all__ = ["stratum_complements", "survey_mean", "survey_proportion"]


def _domain_means(design: SurveyDesign, y: np.ndarray, valid: np.ndarray, codes, G: int):
    """Estimates, variances, counts and df of the mean of y in each group's domain."""
    g_all = np.where(valid, codes, -1)
    sel = np.flatnonzero(g_all >= 0)
    g = g_all[sel]
    ys = y[sel]
    ws = design.weights[sel]
    # float even when no row is valid (a weighted bincount of nothing is int64)
    W = np.bincount(g, weights=ws, minlength=G).astype(float)
    T = np.bincount(g, weights=ws * ys, minlength=G).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = T / W
        z = ws * (ys - est[g]) / W[g]
    var = _grouped_variance(design, sel, g, z, G)
    n = np.bincount(g, minlength=G)
    df = _grouped_degf(design, sel, g, G)
    var = np.where(n > 0, var, np.nan)
    return est, var, n, df, W


def _frame(variable, by_name, levels, est, se, lo, hi, df, n, W, method, design, keep,
           deff=None):
    extra = {} if deff is None else {"deff": deff}
    out = pd.DataFrame(
        {
            "variable": variable,
            "by": by_name,
            "group": levels,
            "estimate": est,
            "se": se,
            "ci_low": lo,
            "ci_high": hi,
            "df": df.astype(float),
            "n": n.astype(np.int64),
            "weighted_n": W,
            **extra,
            "method": method,
            "design": design.label,
        }
    )
    return out.loc[keep].reset_index(drop=True)


def survey_mean(
    design: SurveyDesign,
    y,
    *,
    by=None,
    domain=None,
    level: float = 0.95,
    deff: bool = False,
) -> pd.DataFrame:
    """Design-based mean of a numeric variable, overall or for each level of ``by``.

    Parameters
    ----------
    design : SurveyDesign
        From :func:`~pipeline.analyse.stats.design.survey_design` (default),
        :func:`~pipeline.analyse.stats.design.cluster_design` or
        :func:`~pipeline.analyse.stats.design.unweighted_design`.
    y : pandas.Series or array-like
        Numeric values, aligned with the design's rows (same index). Missing values
        (NA) are outside the domain: the mean is among the valid answers, as R's
        ``svymean(~y, subset(des, !is.na(y)))``.
    by : pandas.Series or array-like, optional
        Grouping variable: one domain estimate per observed level (rows where it is
        missing are in no group). R: ``svyby(~y, ~by, ..., svymean)``.
    domain : boolean pandas.Series or array-like, optional
        Restricts the estimate to a domain (NA counts as False), on the full design.
    level : float
        Confidence level of the interval.
    deff : bool
        Add a ``deff`` column (after ``weighted_n``): Kish's design effect as R's
        ``svymean(~y, design, deff = TRUE)``, ``V / ((1 - n/W) s2 / n)`` with s2 the
        weighted variance of y in the domain (:mod:`pipeline.analyse.stats.design_effects`).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``variable``, ``by``, ``group`` ("all" without ``by``),
        ``estimate`` (in the unit of y), ``se``, ``ci_low``/``ci_high`` (mean +- t * se
        with ``df`` degrees of freedom; NaN when df <= 0), ``df`` (respondents minus
        strata with respondents in the domain, R's ``degf``), ``n`` (unweighted
        respondents in the domain), ``weighted_n`` (estimated population of the domain),
        ``method`` and ``design``. A domain with no valid value (a question nobody
        answered, an empty ``domain``) is not an error: without ``by`` its row has
        ``estimate``, ``se``, ``ci_low`` and ``ci_high`` NaN, ``n`` 0, ``df`` 0 and
        ``weighted_n`` 0; with ``by``, a group without valid values has no row (so no
        valid value at all gives an empty frame with these columns).
    """
    ys = _as_series(design, y, "y")
    yv = _to_float(ys, "y")
    valid = ~np.isnan(yv) & _domain_mask(design, domain)
    codes, levels, by_name = _group_codes(design, by)
    G = len(levels)
    est, var, n, df, W = _domain_means(design, yv, valid, codes, G)
    se = np.sqrt(var)
    q = _tq(level, df)
    method = _MEAN_METHOD
    keep = n > 0 if by is not None else np.ones(G, dtype=bool)
    d = _domain_deff(design, yv, valid, codes, G, est, var, n, W) if deff else None
    return _frame(
        ys.name, by_name, levels, est, se, est - q * se, est + q * se, df, n, W, method,
        design, keep, d,
    )


_MEAN_METHOD = "mean; Taylor linearisation; t interval, df = respondents - strata in domain"
_PROPORTION_METHODS = {
    "logit": "proportion; Taylor linearisation; logit interval with t, df = respondents - strata",
    "beta": (
        "proportion; Taylor linearisation; Korn-Graubard (beta) interval, effective n "
        "adjusted by t quantiles, df = respondents - strata"
    ),
}


def survey_proportion(
    design: SurveyDesign,
    y,
    *,
    by=None,
    domain=None,
    level: float = 0.95,
    method: str = "logit",
    deff: bool = False,
) -> pd.DataFrame:
    """Design-based proportion of a yes/no variable with a logit confidence interval.

    The needs table of the project is ``survey_proportion(des, workers[col] >= 3,
    by=workers["gender"])``: the weighted share of workers rating a measure 3 or 4 among
    those with a valid 1-4 answer (a comparison with NA stays NA, so "don't know" and
    missing answers are outside the domain). See also :func:`pipeline.analyse.stats.likert.top_box`.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    y : pandas.Series or array-like
        Booleans or 0/1, aligned with the design's rows; NA = not in the domain.
    by : pandas.Series or array-like, optional
        Grouping variable, one domain estimate per observed level.
    domain : boolean pandas.Series or array-like, optional
        Further restriction of the domain (NA counts as False).
    level : float
        Confidence level.
    method : {"logit", "beta"}
        Confidence interval. "logit" (default): ``expit(logit(p) +- t_df * se /
        (p (1-p)))``, R's ``svyciprop(method = "logit")`` on the domain; NaN when p is 0
        or 1 (the logit is infinite). "beta": Korn-Graubard, R's ``svyciprop(method =
        "beta")``, also defined at p = 0 (``[0, upper]``) and p = 1 (``[lower, 1]``),
        where R gives NA (:mod:`pipeline.analyse.stats.intervals`, "Korn-Graubard interval").
    deff : bool
        Add a ``deff`` column, as :func:`survey_mean` (R's ``svymean(deff = TRUE)``);
        NaN when p is 0 or 1.

    Returns
    -------
    pandas.DataFrame
        As :func:`survey_mean`, with ``estimate`` a proportion (0-1) and ``ci_low``/
        ``ci_high`` by ``method``. Either interval is NaN when df <= 0. No valid value in
        the domain: as :func:`survey_mean` (NaN estimate and interval, ``n`` 0).

    Raises
    ------
    ValueError
        If ``y`` has values other than 0/1 (booleans), or ``method`` is unknown.
    """
    ys = _as_series(design, y, "y")
    yv = _to_float(ys, "y")
    groups = _group_codes(design, by)
    return _proportion(design, yv, ys.name, groups, _domain_mask(design, domain), level,
                       method=method, deff=deff)


def _check_proportion(yv: np.ndarray, method: str, who: str) -> None:
    """A proportion's values are 0/1 (NaN allowed) and its interval is a known one."""
    if method not in _PROPORTION_METHODS:
        raise ValueError(f"{who}: method must be 'logit' or 'beta', got {method!r}")
    if not (np.isnan(yv) | (yv == 0) | (yv == 1)).all():
        raise ValueError(f"{who}: y must be boolean or 0/1 (NA allowed)")


def _proportion(design, yv, name, groups, dom, level, *, method: str = "logit",
                deff: bool = False) -> pd.DataFrame:
    """Core of :func:`survey_proportion` on numpy inputs (codes computed once by callers)."""
    _check_proportion(yv, method, "survey_proportion")
    codes, levels, by_name = groups
    valid = ~np.isnan(yv) & dom
    G = len(levels)
    est, var, n, df, W = _domain_means(design, yv, valid, codes, G)
    se = np.sqrt(var)
    if method == "logit":
        lo, hi = _logit_ci(est, se, _tq(level, df))
    else:
        lo, hi = _beta_ci(design, est, var, n, df, level)
    keep = n > 0 if by_name is not None else np.ones(G, dtype=bool)
    d = _domain_deff(design, yv, valid, codes, G, est, var, n, W) if deff else None
    return _frame(name, by_name, levels, est, se, lo, hi, df, n, W,
                  _PROPORTION_METHODS[method], design, keep, d)


# --------------------------------------------------------------------------------------
# Every stratum's complement at once
# --------------------------------------------------------------------------------------
def _element_sums(design: SurveyDesign, y: np.ndarray, valid: np.ndarray):
    """Per variance element (row, or PSU for clustered designs): ``sum w y`` and ``sum w``
    over its valid rows; the centring unit and the stratum of each element."""
    sel = np.flatnonzero(valid)
    w = design.weights[sel]
    wy = w * y[sel]
    if design.psu is None:
        a, b = np.zeros(design.n), np.zeros(design.n)
        a[sel], b[sel] = wy, w
        return a, b, design.units, design.strata
    K = len(design.psu_stratum)
    a = np.bincount(design.psu[sel], weights=wy, minlength=K).astype(float)
    b = np.bincount(design.psu[sel], weights=w, minlength=K).astype(float)
    return a, b, design.psu_stratum, design.psu_stratum


def _complement_means(design: SurveyDesign, y: np.ndarray, valid: np.ndarray,
                      proportion: bool):
    """Estimate, variance, n, df and weighted n of the mean of y in the complement of each
    stratum (H values), then of the whole design (the complement of no stratum).

    The ratio ``p = sum w y / sum w`` over the valid rows outside stratum h has the
    influence ``z = w (y - p) / W`` in every variance element e (a row, or a PSU's total)
    outside h: ``z_e = (a_e - p b_e) / W`` with ``a_e = sum w y``, ``b_e = sum w``. The
    variance of :mod:`pipeline.analyse.stats.linearisation`, ``sum_u s_u (sum_e z_e^2 -
    (sum_e z_e)^2 / n_u)`` over the centring units u, is a quadratic in p whose three
    coefficients are sums over units. Units nest in strata, so the complement of h sums
    every unit but h's: the totals minus h's part. One pass over the rows, whatever the
    number of strata.
    """
    H = design.n_strata
    a, b, unit, stratum = _element_sums(design, y, valid)
    U = len(design.unit_size)
    n_u = design.unit_size.astype(float)
    s_u = design.unit_scale
    sa = np.bincount(unit, weights=a, minlength=U)
    sb = np.bincount(unit, weights=b, minlength=U)
    saa = np.bincount(unit, weights=a * a, minlength=U)
    sab = np.bincount(unit, weights=a * b, minlength=U)
    sbb = np.bincount(unit, weights=b * b, minlength=U)
    with np.errstate(invalid="ignore", divide="ignore"):
        q0 = np.where(n_u > 0, s_u * (saa - sa * sa / n_u), 0.0)
        q1 = np.where(n_u > 0, -2 * s_u * (sab - sa * sb / n_u), 0.0)
        q2 = np.where(n_u > 0, s_u * (sbb - sb * sb / n_u), 0.0)
    unit_stratum = np.zeros(U, dtype=np.int64)
    unit_stratum[unit] = stratum  # units nest in strata

    def by_stratum(values: np.ndarray) -> np.ndarray:
        per = np.bincount(unit_stratum, weights=values, minlength=H)
        return np.append(per.sum() - per, per.sum())  # complements, then the whole

    T, W, Q0, Q1, Q2 = (by_stratum(v) for v in (sa, sb, q0, q1, q2))
    rows = valid.astype(np.int64)
    n_h = np.bincount(design.strata, weights=rows, minlength=H).astype(np.int64)
    n = np.append(n_h.sum() - n_h, n_h.sum())
    if design.psu is None:
        psu_h = n_h
    else:
        psu_any = np.bincount(design.psu, weights=rows, minlength=len(design.psu_stratum)) > 0
        psu_h = np.bincount(design.psu_stratum, weights=psu_any, minlength=H).astype(np.int64)
    strata_h = (n_h > 0).astype(np.int64)
    df = (np.append(psu_h.sum() - psu_h, psu_h.sum())
          - np.append(strata_h.sum() - strata_h, strata_h.sum()))
    with np.errstate(invalid="ignore", divide="ignore"):
        est = T / W
        var = np.maximum((Q0 + Q1 * est + Q2 * est * est) / (W * W), 0.0)
    if proportion:
        # p = 0 or 1 exactly, as the direct sums give, with no variance: counts decide,
        # not the difference of two totals (which may miss 1 in the last bit)
        ones = np.bincount(design.strata, weights=rows * (np.nan_to_num(y) == 1),
                           minlength=H)
        yes = np.append(ones.sum() - ones, ones.sum())
        est = np.where(yes == 0, 0.0, np.where(yes == n, 1.0, est))
        var = np.where((yes == 0) | (yes == n), 0.0, var)
    var = np.where(n > 0, var, np.nan)
    est = np.where(n > 0, est, np.nan)
    return est, var, n, df, W


def stratum_complements(
    design: SurveyDesign,
    y,
    *,
    proportion: bool = False,
    level: float = 0.95,
    method: str = "logit",
) -> pd.DataFrame:
    """The mean (or proportion) of y outside each stratum, every stratum at once.

    For the default design, whose strata are the companies, this is "the other companies"
    of every company: the estimate of stratum h's row is exactly
    ``survey_mean(design, y, domain=strata != h)`` (or :func:`survey_proportion`), R's
    ``svymean(~y, subset(design, company_id != h))``, with the same se, interval, df and
    n. The last row (``group`` missing) excludes no stratum: the whole design's estimate.

    The cost is one pass over the rows, whatever the number of strata, where calling
    :func:`survey_mean` once per stratum costs one pass per stratum: the company reports
    of a wave of 1,000,000 answers and 300 companies need it.

    Parameters
    ----------
    design : SurveyDesign
        Any design of :mod:`pipeline.analyse.stats.design` (row PSUs or clustered).
    y : pandas.Series or array-like
        Numeric values (0/1 or booleans with ``proportion``), aligned with the design's
        rows; NA = not in any domain.
    proportion : bool
        Estimate a proportion: 0/1 values, and the interval of ``method``; else a mean
        with the t interval of :func:`survey_mean`.
    level : float
        Confidence level.
    method : {"logit", "beta"}
        The proportion's interval, as :func:`survey_proportion`.

    Returns
    -------
    pandas.DataFrame
        One row per stratum (``group``: the stratum's label, "the others of it") and one
        last row with ``group`` missing (no stratum left out); columns as
        :func:`survey_mean`, ``by`` "excluded stratum". A complement with no valid value
        has ``estimate``, ``se`` and the interval NaN and ``n`` 0.

    Raises
    ------
    ValueError
        As :func:`survey_proportion` for a proportion of values other than 0/1, or an
        unknown ``method``.
    """
    ys = _as_series(design, y, "y")
    yv = _to_float(ys, "y")
    if proportion:
        _check_proportion(yv, method, "stratum_complements")
    valid = ~np.isnan(yv)
    est, var, n, df, W = _complement_means(design, yv, valid, proportion)
    se = np.sqrt(var)
    if not proportion:
        q = _tq(level, df)
        lo, hi = est - q * se, est + q * se
        label = _MEAN_METHOD
    elif method == "logit":
        lo, hi = _logit_ci(est, se, _tq(level, df))
        label = _PROPORTION_METHODS[method]
    else:
        lo, hi = _beta_ci(design, est, var, n, df, level)
        label = _PROPORTION_METHODS[method]
    levels = list(design.stratum_labels) + [None]
    return _frame(ys.name, "excluded stratum", levels, est, se, lo, hi, df, n, W, label,
                  design, np.ones(len(levels), dtype=bool))
