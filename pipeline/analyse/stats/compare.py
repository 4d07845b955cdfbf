"""Group comparisons with effect sizes, and company-level comparisons that respect clustering.

Who computes what, and why
--------------------------
- Welch's t test: ``scipy.stats.ttest_ind(equal_var=False)`` (statistic, df, p, interval
  of the difference). Cohen's d uses the pooled SD (the classic d; the Welch test does not
  pool). Its interval is the exact noncentral-t one (Steiger & Fouladi 1997), solved with
  ``scipy.optimize.brentq`` on ``scipy.stats.nct``; Hedges' g = J d with the exact
  small-sample factor ``J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))``, interval J times
  d's. This is R effectsize's ``cohens_d``/``hedges_g`` (which solve the same equation
  less tightly with ``optim``).
- Mann-Whitney U: ``scipy.stats.mannwhitneyu`` (default: normal approximation with tie
  and continuity corrections, R's ``wilcox.test(exact = FALSE)``). Rank-biserial
  correlation ``r = 2 U / (n1 n2) - 1 = P(X > Y) - P(X < Y)``, interval by Fisher's z with
  ``se = sqrt((n1 + n2 + 1) / (3 n1 n2))`` (as R effectsize's ``rank_biserial``).
- Kruskal-Wallis: ``scipy.stats.kruskal`` (tie-corrected H); epsilon squared
  ``E_R^2 = H / ((n^2 - 1) / (n + 1))`` (Tomczak & Tomczak 2014; effectsize's
  ``rank_epsilon_squared``). No interval (effectsize bootstraps one).
- :func:`design_mean_difference`: the design-based difference of domain means, R's
  ``svyttest(y ~ group, design)`` (a ``svyglm`` with one binary regressor), on any
  :mod:`pipeline.analyse.stats.design` design: descriptive means of two groups of workers. A
  company-level attribute (a measure the company has) is *tested* elsewhere: its t test
  with companies - 1 df, like the CR1 cluster-robust one, rejects a true null far too
  often with few companies (``benchmarks/bench_calibration.py``); the reports use
  :func:`pipeline.analyse.stats.permutation_test`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from pipeline.analyse.stats.inputs import _as_series, _domain_mask, _to_float
from pipeline.analyse.stats.intervals import _tq
from pipeline.analyse.stats.linearisation import SurveyDesign, _grouped_degf, _grouped_variance

__all__ = [
    "design_mean_difference",
    "kruskal_wallis",
    "mann_whitney",
    "welch_ttest",
]


def _clean(x, name: str) -> np.ndarray:
    s = x if isinstance(x, pd.Series) else pd.Series(np.asarray(x))
    v = _to_float(s, name)
    return v[~np.isnan(v)]


def _ncp_interval(t: float, df: float, level: float) -> tuple[float, float]:
    """Noncentrality parameters whose t distribution puts ``t`` at the (1 +- level)/2 quantiles."""

    def root(prob: float) -> float:
        f = lambda ncp: stats.nct.cdf(t, df, ncp) - prob  # noqa: E731
        width = 5.0
        while True:
            lo, hi = t - width, t + width
            if f(lo) > 0 > f(hi):
                return optimize.brentq(f, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=500)
            width *= 2
            if width > 1e6:
                return np.nan

    return root(0.5 + level / 2), root(0.5 - level / 2)


def welch_ttest(x, y, *, level: float = 0.95) -> pd.DataFrame:
    """Welch's two-sample t test of mean(x) - mean(y) with Cohen's d and Hedges' g.

    Parameters
    ----------
    x, y : array-like or pandas.Series
        Values of the two groups (NA dropped). Unweighted, independent observations.
    level : float
        Confidence level of every interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (mean difference, unit of the data), ``se``, ``ci_low``,
        ``ci_high`` (Welch), ``statistic`` (t), ``df`` (Welch-Satterthwaite), ``p_value``
        (two-sided), ``n``, ``n_x``, ``n_y``, ``cohen_d`` with ``d_ci_low``/``d_ci_high``
        (pooled SD, noncentral-t interval), ``hedges_g`` with ``g_ci_low``/``g_ci_high``,
        ``method``.
    """
    a, b = _clean(x, "x"), _clean(y, "y")
    n1, n2 = len(a), len(b)
    res = stats.ttest_ind(a, b, equal_var=False)
    ci = res.confidence_interval(confidence_level=level)
    diff = a.mean() - b.mean()
    se = np.sqrt(a.var(ddof=1) / n1 + b.var(ddof=1) / n2)
    dfp = n1 + n2 - 2
    sp = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / dfp)
    d = diff / sp
    hn = np.sqrt(1 / n1 + 1 / n2)
    lo_ncp, hi_ncp = _ncp_interval(d / hn, dfp, level)
    J = np.exp(special.gammaln(dfp / 2) - np.log(np.sqrt(dfp / 2)) - special.gammaln((dfp - 1) / 2))
    return pd.DataFrame(
        [
            {
                "estimate": diff, "se": se, "ci_low": ci.low, "ci_high": ci.high,
                "statistic": res.statistic, "df": res.df, "p_value": res.pvalue,
                "n": n1 + n2, "n_x": n1, "n_y": n2,
                "cohen_d": d, "d_ci_low": lo_ncp * hn, "d_ci_high": hi_ncp * hn,
                "hedges_g": J * d, "g_ci_low": J * lo_ncp * hn, "g_ci_high": J * hi_ncp * hn,
                "method": "Welch t test; Cohen's d (pooled SD) and Hedges' g, noncentral-t intervals",
            }
        ]
    )


def mann_whitney(x, y, *, method: str = "asymptotic", level: float = 0.95) -> pd.DataFrame:
    """Mann-Whitney U test with the rank-biserial correlation.

    Parameters
    ----------
    x, y : array-like or pandas.Series
        Ordinal or numeric values of the two groups (NA dropped), unweighted.
    method : {"asymptotic", "exact", "auto"}
        Passed to ``scipy.stats.mannwhitneyu``; "asymptotic" (normal approximation with
        tie and continuity corrections) is R's ``wilcox.test(exact = FALSE)`` and the
        only sensible one for Likert answers, which are full of ties.
    level : float
        Confidence level of the rank-biserial interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``statistic`` (U of x, = R's W), ``p_value`` (two-sided), ``estimate``
        = rank-biserial r (-1..1, > 0 when x tends to be larger), ``estimate_name``,
        ``se`` (NaN), ``ci_low``/``ci_high`` (Fisher z), ``n``, ``n_x``, ``n_y``,
        ``method``.
    """
    a, b = _clean(x, "x"), _clean(y, "y")
    n1, n2 = len(a), len(b)
    res = stats.mannwhitneyu(a, b, alternative="two-sided", use_continuity=True, method=method)
    r = 2 * res.statistic / (n1 * n2) - 1
    z = stats.norm.ppf(0.5 + level / 2) * np.sqrt((n1 + n2 + 1) / (3 * n1 * n2))
    with np.errstate(divide="ignore"):
        lo, hi = np.tanh(np.arctanh(r) - z), np.tanh(np.arctanh(r) + z)
    return pd.DataFrame(
        [
            {
                "statistic": res.statistic, "p_value": res.pvalue, "estimate": r,
                "estimate_name": "rank_biserial", "se": np.nan, "ci_low": lo, "ci_high": hi,
                "n": n1 + n2, "n_x": n1, "n_y": n2,
                "method": f"Mann-Whitney U ({method}); rank-biserial r, Fisher-z interval",
            }
        ]
    )


def kruskal_wallis(y, groups) -> pd.DataFrame:
    """Kruskal-Wallis test across k groups with the rank epsilon squared.

    Parameters
    ----------
    y : array-like or pandas.Series
        Ordinal or numeric outcome (unweighted).
    groups : array-like or pandas.Series
        Group of each value (same length); pairs with a missing value are dropped.

    Returns
    -------
    pandas.DataFrame
        One row: ``statistic`` (H, tie-corrected), ``df`` (k - 1), ``p_value``,
        ``estimate`` = epsilon squared (0-1), ``estimate_name``, ``se``/``ci_low``/
        ``ci_high`` (NaN), ``n``, ``k``, ``method``.
    """
    ys = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y))
    gs = groups if isinstance(groups, pd.Series) else pd.Series(np.asarray(groups))
    v = _to_float(ys, "y")
    g = gs.to_numpy()
    ok = ~np.isnan(v) & pd.notna(gs).to_numpy()
    v, g = v[ok], g[ok]
    codes, levels = pd.factorize(g, sort=True)
    samples = [v[codes == i] for i in range(len(levels))]
    res = stats.kruskal(*samples)
    n = len(v)
    return pd.DataFrame(
        [
            {
                "statistic": res.statistic, "df": float(len(levels) - 1),
                "p_value": res.pvalue, "estimate": res.statistic / ((n**2 - 1) / (n + 1)),
                "estimate_name": "epsilon_squared", "se": np.nan, "ci_low": np.nan,
                "ci_high": np.nan, "n": n, "k": len(levels),
                "method": "Kruskal-Wallis H (tie-corrected); rank epsilon squared",
            }
        ]
    )


def design_mean_difference(
    design: SurveyDesign,
    y,
    group,
    *,
    domain=None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Design-based difference of domain means, mean(group true) - mean(group false).

    R: ``svyttest(y ~ group, design)`` (a ``svyglm`` with a binary regressor): the
    influence of the difference is that of one domain mean minus the other, its variance
    is linearised on the full design, and the t statistic has the domain's degrees of
    freedom minus 1 (``degf`` of the rows with valid y and group, minus one parameter).

    Parameters
    ----------
    design : SurveyDesign
        Default design (the surveyed companies' employees) or the cluster design
        (province-level sensitivity).
    y : pandas.Series
        Numeric outcome aligned with the design's rows (NA outside the domain).
    group : pandas.Series
        Binary (boolean or 0/1; NA outside the domain), e.g. a company attribute merged
        onto its workers.
    domain : boolean pandas.Series, optional
        Further restriction (e.g. women only).
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row: ``estimate`` (difference, unit of y), ``se``, ``ci_low``, ``ci_high``
        (t), ``statistic``, ``df``, ``p_value``, ``mean_1``, ``mean_0``, ``n``, ``n_1``,
        ``n_0`` (unweighted respondents), ``method``, ``design``.
    """
    yv = _to_float(_as_series(design, y, "y"), "y")
    gv = _to_float(_as_series(design, group, "group"), "group")
    if not np.isin(gv[~np.isnan(gv)], [0.0, 1.0]).all():
        raise ValueError("group must be binary (boolean or 0/1)")
    valid = ~np.isnan(yv) & ~np.isnan(gv) & _domain_mask(design, domain)
    sel = np.flatnonzero(valid)
    g = gv[sel].astype(np.int64)
    w = design.weights[sel]
    ys = yv[sel]
    W = np.bincount(g, weights=w, minlength=2)
    means = np.bincount(g, weights=w * ys, minlength=2) / W
    z = w * (ys - means[g]) / W[g] * np.where(g == 1, 1.0, -1.0)
    zero = np.zeros(len(sel), dtype=np.int64)
    var = _grouped_variance(design, sel, zero, z, 1)[0]
    df = float(_grouped_degf(design, sel, zero, 1)[0] - 1)
    est = means[1] - means[0]
    se = np.sqrt(var)
    t = est / se
    q = float(_tq(level, df))
    counts = np.bincount(g, minlength=2)
    return pd.DataFrame(
        [
            {
                "estimate": est, "se": se, "ci_low": est - q * se, "ci_high": est + q * se,
                "statistic": t, "df": df,
                "p_value": 2 * stats.t.sf(abs(t), df) if df > 0 else np.nan,
                "mean_1": means[1], "mean_0": means[0], "n": len(sel),
                "n_1": int(counts[1]), "n_0": int(counts[0]),
                "method": "difference of domain means, Taylor linearisation, t with domain df - 1",
                "design": design.label,
            }
        ]
    )
