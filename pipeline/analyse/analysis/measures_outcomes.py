"""Worker outcomes in companies with and without each measure.

Workers' work-to-family conflict (``wfc_score``), hours that fit well (``wlb_fit_good``)
and satisfaction with their work-life balance (``sat_wlb``) in companies with and without
each measure active (:func:`outcome_comparisons`). The measure is a company attribute:
the *company* is the unit of replication, and with 20-40 surveyed companies, a few of
them on one side, the ordinary cluster-robust test (CR1, t with companies - 1 df)
rejected a true null in 15-30 % of placebo waves. One row per (measure, outcome), from
one calibrated method (:func:`measure_effect`): survey-weighted regression (the
post-stratification weights of the contract's design, the point estimate of R's
``svyglm``) of the outcome on the measure, adjusted for gender, children under 14 and
working time; the p-value and the interval by randomisation inference over companies
(:func:`pipeline.analyse.stats.permutation_test`: the measure reassigned to the same
number of companies, every way or 1,999 at random). Its rejection rate under null waves
of this design was measured by simulation (``benchmarks/bench_calibration.py``,
``benchmarks/README.md``); CR2 with Bell-McCaffrey df, the other candidate, was too
conservative there (1-4 %). When the measure can be placed among the companies in fewer
than :data:`pipeline.analyse.stats.MIN_ASSIGNMENTS` ways no test reaches its size: such
rows show the estimate and interval but no p-value. Holm (the one that decides
``significant``) and Benjamini-Hochberg adjust over the valid tests of the table.

Effect size: the adjusted difference over the pooled within-group SD of the outcome (a
Cohen's d; for the yes/no outcome a standardised difference of proportions); its interval
combines the difference's with a company-jackknife interval of the SD
(:func:`standardised_effect`). The comparison is observational: companies that adopt a
measure differ in other ways too.

Disclosure: a comparison is withheld (``too_few_companies``) unless at least
``min_companies`` companies are on each side (otherwise the "with" mean could be one
company's mean) and at least ``min_cell`` workers are on each side.

What the report draws from the table: :func:`oriented_effects` (every outcome, better to
the right), :func:`outcome_differences` (the :data:`DIFFERENCE_OUTCOME` on its own scale),
:func:`outcome_counts` and :func:`significant_comparisons` (its prose).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.analyse.stats import (
    ALPHA,
    MIN_ASSIGNMENTS,
    MIN_POSTSTRATUM,
    adjust_pvalues,
    cluster_design,
    design_mean_difference,
    permutation_test,
    poststrat_weights,
    survey_design,
    survey_regression,
)
from pipeline.codebook import ACTIVE_STATUSES

#: Measures compared on worker outcomes (flexibility and childcare), in report order.
COMPARED_MEASURES = ("FLEX_HOURS", "SMART_WORKING", "HOUR_BANK", "PART_TIME_REVERSIBLE",
                     "NURSERY_SHARED", "CHILDCARE_VOUCHER", "SUMMER_CAMP")
#: Worker outcomes and the direction that is better (+1 higher, -1 lower).
OUTCOMES = {"wfc_score": -1, "wlb_fit_good": 1, "sat_wlb": 1}
COVARIATES = ("gender", "n_children_u14", "work_time")
#: The outcome whose adjusted difference the report also charts on its own scale.
DIFFERENCE_OUTCOME = "wfc_score"


def _is_active(status: pd.Series) -> pd.Series:
    """True/False where answered, NA where not."""
    return status.isin(ACTIVE_STATUSES).astype("boolean").where(status.notna())


def worker_exposure(workers: pd.DataFrame, company_survey: pd.DataFrame,
                    measure: str) -> pd.Series:
    """For each worker, whether the measure is active in their company (NA: not answered)."""
    col = f"m_{measure}"
    if col not in company_survey.columns:
        return pd.Series(pd.NA, index=workers.index, dtype="boolean", name=measure)
    active = _is_active(company_survey[col])
    lookup = pd.Series(active.to_numpy(), index=company_survey["company_id"].to_numpy())
    out = workers["company_id"].map(lookup).astype("boolean")
    return out.rename(measure)


OUTCOME_COLUMNS = ["measure", "outcome", "estimate", "se", "ci_low", "ci_high", "p_value",
                   "p_holm", "p_bh", "significant", "test_valid",
                   "effect_size", "effect_ci_low", "effect_ci_high", "mean_with",
                   "mean_without", "n", "n_with", "n_without", "companies_with",
                   "companies_without", "too_few_companies", "better", "method",
                   "adjustment"]


def measure_effect(
    data: pd.DataFrame,
    outcome: str,
    exposure: str,
    *,
    covariates: Sequence[str] = COVARIATES,
    weights: str | None = "weight",
    cluster: str = "company_id",
    n_resamples: int = 1999,
    level: float = 0.95,
    interval: bool = True,
) -> dict[str, float | str | bool]:
    """The published test of one measure on one worker outcome (the calibrated method).

    Survey-weighted regression of the outcome on the company's measure (0/1) and the
    worker covariates (the point estimate of R's ``svyglm`` with the contract's weights);
    the p-value and the interval come from randomisation inference over companies
    (:func:`pipeline.analyse.stats.permutation_test`), whose rejection rate under null waves of
    this design was measured in ``benchmarks/bench_calibration.py``. When the companies
    on the two sides can be chosen in fewer than :data:`pipeline.analyse.stats.MIN_ASSIGNMENTS`
    ways no test reaches its nominal size: the estimate and interval are returned, the
    p-value is NaN and ``test_valid`` False.

    Parameters
    ----------
    data : pandas.DataFrame
        Workers with the outcome, the exposure (0/1, a company attribute), the covariates,
        the weights and the cluster column.
    outcome, exposure : str
        Column names; the estimate is in the unit of the outcome (points of the scale, or
        proportion points for a 0/1 outcome: a linear probability model).
    interval : bool
        Compute the interval (off in the calibration study, which needs p-values only).

    Returns
    -------
    dict
        ``estimate, se, ci_low, ci_high, p_value, n, test_valid, method``.
    """
    res = permutation_test(data, outcome, exposure, covariates=covariates, cluster=cluster,
                           weights=weights, n_resamples=n_resamples, level=level,
                           interval=interval).iloc[0]
    valid = bool(res["assignments"] >= MIN_ASSIGNMENTS)
    method = f"{res['method']}; adjusted for {', '.join(covariates) or 'nothing'}"
    if not valid:
        method += (f"; no test: the measure can be placed in only {res['assignments']} ways "
                   f"among these companies (at least {MIN_ASSIGNMENTS} needed)")
    return {"estimate": res["estimate"], "se": res["se"], "ci_low": res["ci_low"],
            "ci_high": res["ci_high"], "p_value": res["p_value"] if valid else np.nan,
            "n": int(res["n"]), "test_valid": valid, "method": method}


def standardised_effect(
    data: pd.DataFrame,
    outcome: str,
    exposure: str,
    *,
    estimate: float,
    ci_low: float,
    ci_high: float,
    cluster: str = "company_id",
    level: float = 0.95,
) -> dict[str, float]:
    """Standardised difference (a Cohen's d) with an interval that carries the clustering.

    ``d = b / s``: ``b`` the adjusted difference and its interval ``[l, h]`` from
    :func:`measure_effect` (randomisation over companies), ``s`` the pooled within-group
    standard deviation of the outcome (unweighted, the workers of the comparison). ``s``
    is estimated too: its delete-one-company jackknife interval ``[s_lo, s_hi]`` (t with
    companies - 1 df) is combined with the difference's, ``d`` in ``[min(l/s_lo, l/s_hi),
    max(h/s_lo, h/s_hi)]`` (conservative: both uncertainties at their worst). The interval
    excludes 0 exactly when the difference's does.

    Returns
    -------
    dict
        ``effect_size, effect_ci_low, effect_ci_high`` (units of standard deviations).
    """
    d = data[[outcome, exposure, cluster]].dropna()
    y = d[outcome].astype("float64").to_numpy()
    g = d[exposure].astype(float).to_numpy().astype(np.int64)
    codes, _ = pd.factorize(d[cluster])
    J = int(codes.max()) + 1
    key = codes * 2 + g
    cnt = np.bincount(key, minlength=2 * J).reshape(J, 2).astype(float)
    s1 = np.bincount(key, weights=y, minlength=2 * J).reshape(J, 2)
    s2 = np.bincount(key, weights=y * y, minlength=2 * J).reshape(J, 2)

    def pooled(c: np.ndarray, t1: np.ndarray, t2: np.ndarray) -> float:
        ss = t2 - t1 * t1 / np.where(c > 0, c, 1)
        dfp = c.sum() - 2
        return float(np.sqrt(ss.sum() / dfp)) if dfp > 0 else np.nan

    s = pooled(cnt.sum(0), s1.sum(0), s2.sum(0))
    reps = np.array([pooled(cnt.sum(0) - cnt[j], s1.sum(0) - s1[j], s2.sum(0) - s2[j])
                     for j in range(J)])
    se_s = float(np.sqrt((J - 1) / J * np.sum((reps - reps.mean()) ** 2)))
    q = float(stats.t.ppf(0.5 + level / 2, J - 1))
    s_lo, s_hi = max(s - q * se_s, s / 10), s + q * se_s
    ends_lo = [ci_low / s_lo, ci_low / s_hi]
    ends_hi = [ci_high / s_lo, ci_high / s_hi]
    return {"effect_size": estimate / s, "effect_ci_low": min(ends_lo),
            "effect_ci_high": max(ends_hi)}


def outcome_comparisons(
    workers: pd.DataFrame,
    company_survey: pd.DataFrame,
    companies: pd.DataFrame,
    *,
    measures: Sequence[str] = COMPARED_MEASURES,
    outcomes: Sequence[str] = tuple(OUTCOMES),
    covariates: Sequence[str] = COVARIATES,
    min_companies: int = 3,
    min_cell: int = 5,
    min_poststratum: int = MIN_POSTSTRATUM,
    alpha: float = ALPHA,
    level: float = 0.95,
) -> pd.DataFrame:
    """Worker outcomes in companies with and without each measure: one row per comparison.

    The measure is a company attribute, so the company is the unit of replication: the
    test is :func:`measure_effect` (survey-weighted regression adjusted for the worker
    covariates, randomisation inference over companies), whose size was measured under
    null waves with company effects (``benchmarks/bench_calibration.py``). The comparison is
    observational: companies that adopt a measure differ in other ways too.

    Parameters
    ----------
    workers
        The typed worker table (``company_id``, ``gender``, the outcomes, the covariates).
    company_survey
        The company questionnaire (``m_<MEASURE>``).
    companies
        The territorial mapping (``n_employees``, ``share_women``: the post-strata).
    measures, outcomes, covariates
        What to compare and what to adjust for; outcomes the wave did not ask (no column,
        or no answer) are left out.
    min_companies, min_cell
        Disclosure: fewest companies and workers on each side; with fewer the comparison
        is withheld (every value NA, ``too_few_companies`` true), so no figure is one
        company's figure.
    min_poststratum
        Fewest respondents of a gender post-stratum before it collapses into the company
        (:func:`pipeline.analyse.stats.poststrat_weights`).
    alpha
        Level under which a Holm-adjusted p-value makes the row ``significant``.

    Returns
    -------
    pandas.DataFrame
        One row per measure and outcome: ``estimate`` (with - without, adjusted; unit of
        the outcome: points of the 1-7 or 1-5 scale, or proportion points; the
        coefficient of R's ``svyglm`` with the contract's weights), ``se`` (its
        design-based standard error with companies as clusters,
        :func:`pipeline.analyse.stats.survey_regression`, for reference), ``ci_low``,
        ``ci_high`` (inverted randomisation test), ``p_value`` (randomisation over
        companies), ``p_holm`` and ``p_bh`` (over every valid test of the table, named in
        ``adjustment``),
        ``significant`` (Holm-adjusted p < alpha), ``test_valid``, ``effect_size`` (the
        estimate in pooled within-group SDs) with its interval,
        ``mean_with``/``mean_without`` (design-based means on the default design,
        unadjusted), ``n``, ``n_with``, ``n_without`` (workers), ``companies_with``,
        ``companies_without``, ``too_few_companies``, ``better`` (+1 if higher is
        better, -1 if lower), ``method`` (in words).
    """
    outcomes = [o for o in outcomes if o in workers.columns and workers[o].notna().any()]
    weights = poststrat_weights(workers, companies, min_poststratum=min_poststratum)["weight"]
    design = survey_design(workers, companies, min_poststratum=min_poststratum)
    clusters = cluster_design(workers, companies, min_poststratum=min_poststratum)
    rows = []
    for m in measures:
        exposure = worker_exposure(workers, company_survey, m)
        for outcome in outcomes:
            y = workers[outcome].astype("Float64")
            ok = y.notna() & exposure.notna()
            comp = workers.loc[ok, "company_id"]
            g = exposure[ok].astype(bool)
            c1, c0 = comp[g].nunique(), comp[~g].nunique()
            n1, n0 = int(g.sum()), int((~g).sum())
            base = {"measure": m, "outcome": outcome, "companies_with": c1,
                    "companies_without": c0, "n_with": n1, "n_without": n0,
                    "n": n1 + n0, "better": OUTCOMES.get(outcome, 1)}
            if min(c1, c0) < min_companies or min(n1, n0) < min_cell:
                # not even the counts of workers: they would be one company's respondents
                rows.append({**base, "n": np.nan, "n_with": np.nan, "n_without": np.nan,
                             "too_few_companies": True, "test_valid": False,
                             "method": f"withheld: fewer than {min_companies} companies "
                                       f"or {min_cell} workers on one side"})
                continue
            data = workers[["company_id", *covariates]].assign(
                **{"_y": y.astype("float64"), "_exposure": exposure.astype("float64"),
                   "weight": weights})
            fit = measure_effect(data, "_y", "_exposure", covariates=covariates, level=level)
            # the design-based standard error of the same coefficient (svyglm, companies
            # as clusters), for reference beside the randomisation p-value and interval
            svy = survey_regression(clusters, data, "_y", ["_exposure", *covariates],
                                    level=level).set_index("term").loc["_exposure"]
            fit["se"] = float(svy["se"])
            eff = standardised_effect(data, "_y", "_exposure", estimate=fit["estimate"],
                                      ci_low=fit["ci_low"], ci_high=fit["ci_high"],
                                      level=level)
            diff = design_mean_difference(design, y, exposure.astype("Float64"),
                                          level=level).iloc[0]
            rows.append({**base, **fit, **eff, "too_few_companies": False,
                         "mean_with": diff["mean_1"], "mean_without": diff["mean_0"]})
    out = pd.DataFrame(rows).reindex(columns=OUTCOME_COLUMNS)
    out["too_few_companies"] = out["too_few_companies"].astype(bool)
    out["test_valid"] = out["test_valid"].astype(bool)
    p = out["p_value"].astype("float64")
    n_tests = int(p.notna().sum())
    out["p_holm"] = adjust_pvalues(p, "holm")["p_adjusted"].to_numpy()
    out["p_bh"] = adjust_pvalues(p, "fdr_bh")["p_adjusted"].to_numpy()
    out["significant"] = (out["p_holm"] < alpha).fillna(False).astype(bool)
    out["adjustment"] = (f"Holm (p_holm) and Benjamini-Hochberg (p_bh) over the {n_tests} "
                         "valid tests of this table")
    return out


def oriented_effects(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Effect sizes oriented so that positive means a better outcome, for one chart.

    Takes :func:`outcome_comparisons` and returns, for the rows that were not withheld,
    ``measure, outcome, estimate, ci_low, ci_high`` where estimate is ``effect_size *
    better`` (work-to-family conflict is lower-is-better, so its sign is
    flipped) and the interval flipped with it, plus ``p_holm`` and ``p_bh``.
    """
    d = comparisons[~comparisons["too_few_companies"].astype(bool)]
    sign = d["better"].astype(float)
    lo, hi = d["effect_ci_low"] * sign, d["effect_ci_high"] * sign
    return pd.DataFrame({"measure": d["measure"], "outcome": d["outcome"],
                         "estimate": d["effect_size"] * sign,
                         "ci_low": np.minimum(lo, hi), "ci_high": np.maximum(lo, hi),
                         "p_holm": d["p_holm"], "p_bh": d["p_bh"]}).reset_index(drop=True)


def outcome_differences(comparisons: pd.DataFrame,
                        outcome: str = DIFFERENCE_OUTCOME) -> pd.DataFrame:
    """The comparisons of one outcome that have an estimate (the withheld ones left out).

    Takes :func:`outcome_comparisons`; returns its rows for ``outcome`` with a non-missing
    ``estimate`` (the adjusted difference, with minus without, in the outcome's unit), in
    table order.
    """
    rows = comparisons[comparisons["outcome"] == outcome]
    return rows.dropna(subset=["estimate"])


def significant_comparisons(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`outcome_comparisons` that are ``significant`` (Holm-adjusted p
    below ``alpha``), in table order."""
    return comparisons[comparisons["significant"]]


def outcome_counts(comparisons: pd.DataFrame, *, alpha: float = ALPHA) -> pd.DataFrame:
    """How many comparisons were tested, found significant, and withheld.

    Parameters
    ----------
    comparisons
        :func:`outcome_comparisons`.
    alpha
        Level under which a Benjamini-Hochberg adjusted p-value counts in ``n_bh`` (the
        Holm count is the table's ``significant``, decided with the same level).

    Returns
    -------
    pandas.DataFrame
        One row: ``n_tests`` (comparisons with a p-value), ``n_holm`` (significant after
        Holm), ``n_bh`` (below ``alpha`` after Benjamini-Hochberg), ``n_withheld``
        (too few companies or workers on one side).
    """
    return pd.DataFrame([{
        "n_tests": int(comparisons["p_value"].notna().sum()),
        "n_holm": len(significant_comparisons(comparisons)),
        "n_bh": int((comparisons["p_bh"] < alpha).sum()),
        "n_withheld": int(comparisons["too_few_companies"].sum())}])
