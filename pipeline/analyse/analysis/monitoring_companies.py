"""Monitoring, the companies: network membership and company-level measures between waves.

The company comparisons of :mod:`pipeline.analyse.analysis.monitoring` (the method is
described there): network membership in the mapping (:func:`network_membership`,
:func:`network_change`), the company indicators of each wave (:func:`company_levels`,
:func:`company_levels_by_wave`) and their change (:func:`company_change`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.analyse.analysis import monitoring_inference as inference
from pipeline.analyse.analysis.monitoring_panel import COMPANY_INDICATORS
from pipeline.analyse.analysis.monitoring_waves import by_wave
from pipeline.analyse.stats import ALPHA, MIN_TEST_COMPANIES, survey_mean, unweighted_design

__all__ = ["company_change", "company_levels", "company_levels_by_wave", "network_change",
           "network_membership"]


def _members(companies: pd.DataFrame) -> pd.Series:
    """``in_network`` by ``company_id``, a missing answer counted as not a member."""
    return companies.set_index("company_id")["in_network"].astype("boolean").fillna(False)


def _membership_row(members: pd.Series) -> dict[str, float]:
    return {"mapped": len(members), "in_network": int(members.sum()),
            "share": float(members.mean()) if len(members) else np.nan}


def network_membership(companies: pd.DataFrame) -> pd.DataFrame:
    """Network membership in the mapping of one wave.

    Parameters
    ----------
    companies
        The mapping of the wave (``company_id``, ``in_network``); a company whose
        membership is missing counts as not a member.

    Returns
    -------
    pandas.DataFrame
        One row: ``mapped`` (companies), ``in_network`` (members), ``share`` (members /
        mapped, 0-1; NaN for an empty mapping).
    """
    return pd.DataFrame([_membership_row(_members(companies))])


def network_change(companies_prev: pd.DataFrame, companies_cur: pd.DataFrame) -> pd.DataFrame:
    """Network membership in the mapping of each wave, and the paired change.

    Returns
    -------
    pandas.DataFrame
        Rows ``previous``, ``current`` (``mapped``, ``in_network``, ``share``: as
        :func:`network_membership`) and ``paired`` (companies mapped in both waves:
        ``mapped`` = their number, ``joined``, ``left``, ``estimate`` = change of the
        share among them, ``p_value`` McNemar's exact test; ``in_network``/``share`` of
        the current wave among them).
    """
    prev, cur = _members(companies_prev), _members(companies_cur)
    rows = [{"wave": "previous", **_membership_row(prev)},
            {"wave": "current", **_membership_row(cur)}]
    common = prev.index.intersection(cur.index)
    a, b = prev[common].astype(bool), cur[common].astype(bool)
    joined, left = int((~a & b).sum()), int((a & ~b).sum())
    p = (stats.binomtest(joined, joined + left, 0.5).pvalue if joined + left else 1.0)
    rows.append({"wave": "paired", **_membership_row(b),
                 "joined": joined, "left": left,
                 "estimate": (joined - left) / len(common) if len(common) else np.nan,
                 "p_value": float(p),
                 "method": "McNemar exact test (binomial on the discordant pairs)"})
    return pd.DataFrame(rows)


def company_levels(surveyed: pd.DataFrame,
                   indicators: Sequence[str] = tuple(COMPANY_INDICATORS), *,
                   level: float = 0.95) -> pd.DataFrame:
    """Mean of each company indicator over the surveyed companies of one wave.

    Returns ``indicator, estimate, se, ci_low, ci_high, n`` (t intervals, equal weights;
    the indicator's unit: measures, areas, score points 0-100).
    """
    design = unweighted_design(surveyed.index)
    rows = []
    for ind in indicators:
        r = survey_mean(design, surveyed[ind].astype("Float64"), level=level).iloc[0]
        rows.append({"indicator": ind, "estimate": r["estimate"], "se": r["se"],
                     "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": int(r["n"])})
    return pd.DataFrame(rows)


def company_levels_by_wave(surveyed: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`company_levels` of several waves in one table.

    Parameters
    ----------
    surveyed
        ``{wave: surveyed companies}`` (the ``surveyed`` of
        :func:`~pipeline.analyse.analysis.monitoring_panel.prepare_wave`), oldest first.

    Returns
    -------
    pandas.DataFrame
        ``indicator, estimate, se, ci_low, ci_high, n, wave``, wave after wave.
    """
    return by_wave({label: company_levels(s) for label, s in surveyed.items()})


def company_change(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    *,
    indicators: Sequence[str] = tuple(COMPANY_INDICATORS),
    min_test_companies: int = MIN_TEST_COMPANIES,
    alpha: float = ALPHA,
    level: float = 0.95,
) -> pd.DataFrame:
    """Company-level indicators in the two waves: all surveyed companies and the panel.

    Parameters
    ----------
    previous, current
        One row per surveyed company with ``company_id`` and the indicator columns
        (e.g. the company questionnaire with ``maturity_score`` added).
    indicators
        Columns to compare; the better direction is read from
        :data:`~pipeline.analyse.analysis.monitoring_panel.COMPANY_INDICATORS`
        (default up).
    min_test_companies
        Fewest companies for a test (in the wave with fewer of them for ``all``; in the
        panel for ``paired``): below it no p-value (NaN), and ``method`` says so.
    alpha, level
        Level of the flags (Holm-adjusted p) and of the intervals.

    Returns
    -------
    pandas.DataFrame
        Per indicator two rows: ``comparison`` = ``all`` (every surveyed company of each
        wave: ``value ~ post`` over one row per company and wave, equal weights, wild
        cluster bootstrap by company, a company in both waves being one cluster;
        ``estimate`` = mean_cur - mean_prev) and ``paired`` (companies
        in both waves: mean change, paired t). Columns ``indicator, comparison,
        mean_prev, mean_cur, estimate`` (in the indicator's unit), ``se, ci_low, ci_high,
        statistic, df, p_value, p_adjusted`` (Holm over all the rows' tests),
        ``adjustment, effect_size`` (Cohen's d with the pooled SD of the two waves,
        descriptive, for ``all``; d_z for ``paired``), ``n_prev``, ``n_cur`` (companies),
        ``n`` (rows used), ``n_companies`` (distinct companies), ``better``, ``improved``,
        ``worse``, ``method``.
    """
    rows = []
    for ind in indicators:
        better = COMPANY_INDICATORS.get(ind, 1)
        a = previous[["company_id", ind]].dropna().assign(post=0)
        b = current[["company_id", ind]].dropna().assign(post=1)
        d = pd.concat([a, b], ignore_index=True)
        d["company_id"] = d["company_id"].astype(str)
        d[ind] = d[ind].astype("float64")
        xa, xb = a[ind].astype("float64"), b[ind].astype("float64")
        na, nb = len(xa), len(xb)
        pooled_sd = (np.sqrt(((na - 1) * xa.var(ddof=1) + (nb - 1) * xb.var(ddof=1))
                             / (na + nb - 2)) if na > 1 and nb > 1 else np.nan)
        if na and nb:
            fit, test, _ = inference.calibrated_fit(d, ind, "post", weights=None,
                                                    fixed_effects=None, level=level)
        else:
            fit, test = dict.fromkeys(inference.FIT_COLUMNS, np.nan), ""
        method = ("regression of the company value on the wave (0/1) over the surveyed "
                  f"companies of both waves, equal weights ({inference.CLUSTER_WORDS}); "
                  f"{test}; Cohen's d with the pooled SD (descriptive)")
        if min(na, nb) < min_test_companies:
            fit.update(dict.fromkeys(inference.TEST_COLUMNS, np.nan))
            method += (f"; no valid test with fewer than {min_test_companies} companies in "
                       "a wave")
        rows.append({"indicator": ind, "comparison": "all", "mean_prev": xa.mean(),
                     "mean_cur": xb.mean(), **fit,
                     "effect_size": (fit["estimate"] / pooled_sd
                                     if pooled_sd and np.isfinite(pooled_sd) else np.nan),
                     "n_prev": na, "n_cur": nb, "n": len(d),
                     "n_companies": d["company_id"].nunique(), "better": better,
                     "method": method})
        pair = previous[["company_id", ind]].merge(current[["company_id", ind]],
                                                   on="company_id", suffixes=("_prev", "_cur"))
        pair = pair.dropna()
        x, y = pair[f"{ind}_prev"].astype(float), pair[f"{ind}_cur"].astype(float)
        diff = y - x
        n = len(diff)
        method = "paired t test, d_z = mean change / SD of changes"
        if n >= 2 and diff.std(ddof=1) > 0:
            res = stats.ttest_rel(y, x)
            ci = res.confidence_interval(confidence_level=level)
            se = diff.std(ddof=1) / np.sqrt(n)
            row = {"estimate": diff.mean(), "se": se, "ci_low": ci.low, "ci_high": ci.high,
                   "statistic": res.statistic, "df": float(res.df), "p_value": res.pvalue,
                   "effect_size": diff.mean() / diff.std(ddof=1)}
        else:
            row = {"estimate": diff.mean() if n else np.nan, "se": np.nan, "ci_low": np.nan,
                   "ci_high": np.nan, "statistic": np.nan, "df": float(n - 1),
                   "p_value": np.nan, "effect_size": np.nan}
        if n < min_test_companies:
            row.update(dict.fromkeys(inference.TEST_COLUMNS, np.nan))
            method += (f"; no valid test with fewer than {min_test_companies} companies in "
                       "both waves")
        rows.append({"indicator": ind, "comparison": "paired", "mean_prev": x.mean(),
                     "mean_cur": y.mean(), **row, "n_prev": n, "n_cur": n, "n": n,
                     "n_companies": n, "better": better, "method": method})
    out = pd.DataFrame(rows)
    out["p_adjusted"], out["adjustment"] = inference.holm_family(
        out["p_value"], f"{inference.plural(len(indicators), 'indicator')} x 2 comparisons")
    out = inference.flag_changes(out, alpha)
    return out[["indicator", "comparison", "mean_prev", "mean_cur", "estimate", "se",
                "ci_low", "ci_high", "statistic", "df", "p_value", "p_adjusted",
                "adjustment", "effect_size", "n_prev", "n_cur", "n", "n_companies",
                "better", "improved", "worse", "method"]]
