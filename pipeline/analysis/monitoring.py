"""Monitoring: the wave against the previous one.

Workers (:func:`worker_indicators`, :func:`compare_waves`)
----------------------------------------------------------
The worker samples of two waves are independent (different people, new pseudonymous ids),
so the change of an indicator is the difference of two design-based estimates, each on its
own wave's default design, with

    se = sqrt(se_prev^2 + se_cur^2),  t = change / se,

referred to a t distribution with ``df = min(df_prev, df_cur)`` (conservative: the
smaller of the two design degrees of freedom), and the interval ``change +- t_q se``.
Each wave describes the employees of *its* surveyed companies, and the follow-up surveys
more companies: a change of the whole sample mixes what changed in the companies with who
was surveyed. The indicators are therefore also given for the companies surveyed in both
waves (scope ``common``: a domain of each wave's full design), which compares like with
like, and for any other scope the caller defines by company ids (e.g. the companies that
introduced flexible hours since the previous wave).

Indicators: ``wfc_score`` and ``fwc_score`` (means 1-7, lower is better), ``wlb_fit_good``
(share whose hours fit well), ``sat_wlb`` and ``sat_measures`` (means 1-5), and
``flex_available`` (share of workers saying flexible hours or smart working is available to
them, among those who answered both questions other than "don't know").

Companies (:func:`network_change`, :func:`company_change`)
-----------------------------------------------------------
* Network membership in the territorial mapping: shares in each wave and, for the
  companies mapped in both waves, the paired change: how many joined and how many left,
  with McNemar's exact test (``scipy.stats.binomtest`` on the discordant pairs).
* Company-level measures (active measures, areas with an active measure, maturity score):
  means in each wave with Welch's t test between the two sets of surveyed companies
  (:func:`pipeline.stats.welch_ttest`), and for the companies surveyed in both waves the
  paired change (paired t, ``scipy.stats.ttest_rel``; effect size d_z = mean change / SD of
  the changes).

Disclosure: a scope with fewer than ``min_companies`` companies is withheld (its estimates
would be one company's); ``n`` is the number of respondents behind each estimate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.analysis.measures import maturity_scores, surveyed_companies
from pipeline.codebook import Codebook
from pipeline.stats import (
    SurveyDesign,
    survey_design,
    survey_mean,
    survey_proportion,
    welch_ttest,
)

#: Worker indicators: kind (mean or proportion) and the better direction.
INDICATORS: dict[str, tuple[str, int]] = {
    "wfc_score": ("mean", -1),
    "fwc_score": ("mean", -1),
    "wlb_fit_good": ("proportion", 1),
    "sat_wlb": ("mean", 1),
    "sat_measures": ("mean", 1),
    "flex_available": ("proportion", 1),
}
AVAILABLE = ("available_used", "available_not_used")
FLEX = ("FLEX_HOURS", "SMART_WORKING")
#: Company indicators compared between waves, and the better direction.
COMPANY_INDICATORS: dict[str, int] = {"n_measures_active": 1, "n_areas_active": 1,
                                      "maturity_score": 1}

INDICATOR_COLUMNS = ["indicator", "scope", "estimate", "se", "ci_low", "ci_high", "df", "n",
                     "n_companies", "kind", "better"]


def prepare_wave(
    tables: Mapping[str, pd.DataFrame], *, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, SurveyDesign, pd.DataFrame]:
    """The inputs of the monitoring of one wave: workers, their design, surveyed companies.

    Called once for the current wave and once for the previous one, so that both are
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
        Its default design (:func:`pipeline.stats.survey_design` with the mapping).
    surveyed : pandas.DataFrame
        The company questionnaire with size and place from the mapping
        (:func:`pipeline.analysis.measures.surveyed_companies`) and the column
        ``maturity_score`` (0-100, :func:`pipeline.analysis.measures.maturity_scores`).
        Confidential: one row per company.
    """
    workers = tables["worker_survey"]
    surveyed = surveyed_companies(tables["company_survey"], tables["companies"])
    surveyed["maturity_score"] = maturity_scores(surveyed, codebook=codebook)["score"]
    return workers, survey_design(workers, tables["companies"]), surveyed


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


def worker_indicators(
    workers: pd.DataFrame,
    design: SurveyDesign,
    *,
    scopes: Mapping[str, Sequence[str] | None] | None = None,
    indicators: Sequence[str] = tuple(INDICATORS),
    min_companies: int = 3,
    level: float = 0.95,
) -> pd.DataFrame:
    """Key worker indicators of one wave, design-based, for each scope.

    Parameters
    ----------
    workers
        The typed worker table of the wave (the design's rows).
    design
        Its default design (:func:`pipeline.stats.survey_design`).
    scopes
        ``{name: company ids}``; ``None`` as ids means every worker. Default
        ``{"all": None}``. Each scope is a domain of the full design.
    min_companies
        Scopes with fewer companies are withheld (NA estimates and ``n``).

    Returns
    -------
    pandas.DataFrame
        ``indicator, scope, estimate, se, ci_low, ci_high, df, n, n_companies, kind,
        better``; an indicator without any answer in the scope (a question not asked in
        the wave) has NA estimates and ``n`` 0 (``df`` 0).
    """
    scopes = {"all": None} if scopes is None else scopes
    rows = []
    for scope, ids in scopes.items():
        domain = (pd.Series(True, index=workers.index) if ids is None
                  else workers["company_id"].isin(list(ids)))
        n_comp = int(workers.loc[domain, "company_id"].nunique())
        for ind in indicators:
            kind, better = INDICATORS[ind]
            if ind == "flex_available":
                y = flex_available(workers)
            elif ind in workers.columns:
                y = workers[ind]
            else:
                y = pd.Series(np.nan, index=workers.index)
            # not asked in this wave, or no answer in the scope: NA estimates and n 0
            if kind == "proportion":
                t = survey_proportion(design, y.astype("Float64"), domain=domain, level=level)
            else:
                t = survey_mean(design, y.astype("Float64"), domain=domain, level=level)
            r = t.iloc[0]
            row = {"indicator": ind, "scope": scope, "estimate": r["estimate"], "se": r["se"],
                   "ci_low": r["ci_low"], "ci_high": r["ci_high"], "df": r["df"],
                   "n": int(r["n"]), "n_companies": n_comp, "kind": kind, "better": better}
            if n_comp < min_companies:
                row.update({k: np.nan for k in ("estimate", "se", "ci_low", "ci_high", "df",
                                                "n")})
            rows.append(row)
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def _smaller(a: float, b: float) -> float:
    """The smaller of two counts, NA when either is NA (a withheld scope)."""
    return np.nan if pd.isna(a) or pd.isna(b) else min(a, b)


def difference_test(est_prev: float, se_prev: float, df_prev: float, est_cur: float,
                    se_cur: float, df_cur: float, *, level: float = 0.95) -> dict[str, float]:
    """Change between two independent estimates: ``cur - prev``, its se, t, df, p, interval.

    ``se = sqrt(se_prev^2 + se_cur^2)``, ``df = min(df_prev, df_cur)``; a two-sided t test.
    """
    change = est_cur - est_prev
    se = float(np.hypot(se_prev, se_cur))
    df = float(min(df_prev, df_cur))
    if not np.isfinite(se) or se <= 0 or not np.isfinite(df) or df <= 0:
        return {"change": change, "se": se, "statistic": np.nan, "df": df, "p_value": np.nan,
                "ci_low": np.nan, "ci_high": np.nan}
    t = change / se
    q = stats.t.ppf(0.5 + level / 2, df)
    return {"change": change, "se": se, "statistic": t, "df": df,
            "p_value": float(2 * stats.t.sf(abs(t), df)),
            "ci_low": change - q * se, "ci_high": change + q * se}


def compare_waves(previous: pd.DataFrame, current: pd.DataFrame, *,
                  level: float = 0.95) -> pd.DataFrame:
    """Change of every indicator and scope present in both waves' indicator tables.

    Parameters
    ----------
    previous, current
        :func:`worker_indicators` of the previous and the current wave.

    Returns
    -------
    pandas.DataFrame
        ``indicator, scope, estimate_prev, estimate_cur, estimate`` (the change, current
        minus previous), ``se``, ``ci_low``, ``ci_high``, ``statistic``, ``df``,
        ``p_value``, ``n_prev``, ``n_cur``, ``n`` (the smaller of the two), ``kind``,
        ``better``, ``improved`` (the change goes the better way and p < 0.05), ``method``.
    """
    keys = ["indicator", "scope"]
    both = previous.merge(current, on=keys, suffixes=("_prev", "_cur"), how="inner")
    rows = []
    for _, r in both.iterrows():
        d = difference_test(r["estimate_prev"], r["se_prev"], r["df_prev"],
                            r["estimate_cur"], r["se_cur"], r["df_cur"], level=level)
        rows.append({
            "indicator": r["indicator"], "scope": r["scope"],
            "estimate_prev": r["estimate_prev"], "estimate_cur": r["estimate_cur"],
            "estimate": d["change"], "se": d["se"], "ci_low": d["ci_low"],
            "ci_high": d["ci_high"], "statistic": d["statistic"], "df": d["df"],
            "p_value": d["p_value"], "n_prev": r["n_prev"], "n_cur": r["n_cur"],
            "n": _smaller(r["n_prev"], r["n_cur"]), "kind": r["kind_cur"],
            "better": r["better_cur"],
            "improved": bool(d["p_value"] < 0.05 and np.sign(d["change"]) == r["better_cur"])
            if np.isfinite(d["p_value"]) else False,
            "method": "difference of independent design-based estimates, "
                      "se = sqrt(se1^2 + se2^2), t with min(df1, df2)",
        })
    out = pd.DataFrame(rows)
    for col in ("n_prev", "n_cur", "n"):
        out[col] = out[col].astype("Float64").astype("Int64")
    return out


def change_difference(changes: pd.DataFrame, scope: str, reference: str, *,
                      level: float = 0.95) -> pd.DataFrame:
    """Difference between the changes of two scopes (a difference in differences).

    The two scopes are disjoint sets of companies, hence disjoint strata of each wave's
    design, and the waves are independent: the four estimates are independent and
    ``se = sqrt(se_scope^2 + se_reference^2)`` (each already the se of a change), t with
    the smaller df. Descriptive: the companies chose when to act.

    Returns ``indicator, scope, reference, estimate, se, ci_low, ci_high, statistic, df,
    p_value, n`` (the smaller n of the two).
    """
    a = changes[changes["scope"] == scope].set_index("indicator")
    b = changes[changes["scope"] == reference].set_index("indicator")
    rows = []
    for ind in a.index.intersection(b.index):
        d = difference_test(b.at[ind, "estimate"], b.at[ind, "se"], b.at[ind, "df"],
                            a.at[ind, "estimate"], a.at[ind, "se"], a.at[ind, "df"],
                            level=level)
        rows.append({"indicator": ind, "scope": scope, "reference": reference,
                     "estimate": d["change"], "se": d["se"], "ci_low": d["ci_low"],
                     "ci_high": d["ci_high"], "statistic": d["statistic"], "df": d["df"],
                     "p_value": d["p_value"],
                     "n": _smaller(a.at[ind, "n"], b.at[ind, "n"])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------------------
def network_change(companies_prev: pd.DataFrame, companies_cur: pd.DataFrame) -> pd.DataFrame:
    """Network membership in the mapping of each wave, and the paired change.

    Returns
    -------
    pandas.DataFrame
        Rows ``previous``, ``current`` (``mapped``, ``in_network``, ``share``) and
        ``paired`` (companies mapped in both waves: ``mapped`` = their number,
        ``joined``, ``left``, ``estimate`` = change of the share among them,
        ``p_value`` McNemar's exact test; ``in_network``/``share`` of the current wave
        among them).
    """
    def members(c: pd.DataFrame) -> pd.Series:
        return c.set_index("company_id")["in_network"].astype("boolean").fillna(False)

    prev, cur = members(companies_prev), members(companies_cur)
    rows = [{"wave": "previous", "mapped": len(prev), "in_network": int(prev.sum()),
             "share": float(prev.mean()) if len(prev) else np.nan},
            {"wave": "current", "mapped": len(cur), "in_network": int(cur.sum()),
             "share": float(cur.mean()) if len(cur) else np.nan}]
    common = prev.index.intersection(cur.index)
    a, b = prev[common].astype(bool), cur[common].astype(bool)
    joined, left = int((~a & b).sum()), int((a & ~b).sum())
    p = (stats.binomtest(joined, joined + left, 0.5).pvalue if joined + left else 1.0)
    rows.append({"wave": "paired", "mapped": len(common), "in_network": int(b.sum()),
                 "share": float(b.mean()) if len(common) else np.nan,
                 "joined": joined, "left": left,
                 "estimate": (joined - left) / len(common) if len(common) else np.nan,
                 "p_value": float(p),
                 "method": "McNemar exact test (binomial on the discordant pairs)"})
    return pd.DataFrame(rows)


def company_levels(surveyed: pd.DataFrame,
                   indicators: Sequence[str] = tuple(COMPANY_INDICATORS), *,
                   level: float = 0.95) -> pd.DataFrame:
    """Mean of each company indicator over the surveyed companies of one wave.

    Returns ``indicator, estimate, se, ci_low, ci_high, n`` (t intervals, equal weights).
    """
    from pipeline.stats import unweighted_design

    design = unweighted_design(surveyed.index)
    rows = []
    for ind in indicators:
        r = survey_mean(design, surveyed[ind].astype("Float64"), level=level).iloc[0]
        rows.append({"indicator": ind, "estimate": r["estimate"], "se": r["se"],
                     "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": int(r["n"])})
    return pd.DataFrame(rows)


def company_change(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    *,
    indicators: Sequence[str] = tuple(COMPANY_INDICATORS),
    level: float = 0.95,
) -> pd.DataFrame:
    """Company-level indicators in the two waves: independent and paired comparisons.

    Parameters
    ----------
    previous, current
        One row per surveyed company with ``company_id`` and the indicator columns
        (e.g. the company questionnaire with ``maturity_score`` added).

    Returns
    -------
    pandas.DataFrame
        Per indicator two rows: ``comparison`` = ``all`` (every surveyed company of each
        wave, Welch t: ``estimate`` = mean_cur - mean_prev) and ``paired`` (companies in
        both waves: mean change, paired t). Columns ``indicator, comparison, mean_prev,
        mean_cur, estimate, se, ci_low, ci_high, statistic, df, p_value, effect_size``
        (Cohen's d for ``all``, d_z for ``paired``), ``n_prev``, ``n_cur``, ``n``
        (companies), ``method``.
    """
    rows = []
    for ind in indicators:
        a = previous[ind].astype("float64").dropna()
        b = current[ind].astype("float64").dropna()
        w = welch_ttest(b, a, level=level).iloc[0]
        rows.append({"indicator": ind, "comparison": "all", "mean_prev": a.mean(),
                     "mean_cur": b.mean(), "estimate": w["estimate"], "se": w["se"],
                     "ci_low": w["ci_low"], "ci_high": w["ci_high"],
                     "statistic": w["statistic"], "df": w["df"], "p_value": w["p_value"],
                     "effect_size": w["cohen_d"], "n_prev": len(a), "n_cur": len(b),
                     "n": len(a) + len(b), "method": "Welch t test, Cohen's d"})
        pair = previous[["company_id", ind]].merge(current[["company_id", ind]],
                                                   on="company_id", suffixes=("_prev", "_cur"))
        pair = pair.dropna()
        x, y = pair[f"{ind}_prev"].astype(float), pair[f"{ind}_cur"].astype(float)
        diff = y - x
        n = len(diff)
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
        rows.append({"indicator": ind, "comparison": "paired", "mean_prev": x.mean(),
                     "mean_cur": y.mean(), **row, "n_prev": n, "n_cur": n, "n": n,
                     "method": "paired t test, d_z = mean change / SD of changes"})
    return pd.DataFrame(rows)


def activated(previous: pd.DataFrame, current: pd.DataFrame,
              measures: Sequence[str] = FLEX) -> list[str]:
    """Companies surveyed in both waves where any of ``measures`` became active.

    Active = ``active_some`` or ``active_all``; "became" = not active (or not answered) in
    the previous wave and active now.
    """
    act = ("active_some", "active_all")

    def any_active(cs: pd.DataFrame) -> pd.Series:
        cols = [f"m_{m}" for m in measures if f"m_{m}" in cs.columns]
        return cs.set_index("company_id")[cols].isin(act).any(axis=1)

    a, b = any_active(previous), any_active(current)
    common = a.index.intersection(b.index)
    return sorted(common[(~a[common]) & b[common]].tolist())
