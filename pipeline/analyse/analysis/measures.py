"""What the surveyed companies do: adoption of measures, a welfare-maturity score, and worker
outcomes in companies with and without each measure.

Three questions, three groups of functions:

1. **Adoption** (:func:`adoption_table`, :func:`welfare_area_table`,
   :func:`measures_by_size`, :func:`size_gradient`). The unit is the company that answered
   the company questionnaire. The surveyed companies are not a probability sample (network
   members, larger ones first), so shares describe *them*; the intervals (logit, equal
   weights, companies - 1 degrees of freedom: :func:`pipeline.analyse.stats.unweighted_design`)
   say how much the shares would move with other companies of the same kind, nothing more.
   "Not asked" and missing answers are outside the denominator of each measure.

2. **Welfare maturity** (:func:`maturity_scores`, :func:`maturity_distribution`,
   :func:`maturity_components`): a transparent 0-100 score per company inspired by the
   structure of the Welfare Index PMI (about 70 % breadth and content of the initiatives
   across areas, 20 % management, 10 % originality), computed from the company
   questionnaire only:

   ==============  ======  ==================================================================
   component       points  definition (each part 0-1, times its points)
   ==============  ======  ==================================================================
   ``breadth``       35    share of the 14 areas of the taxonomy with at least one active
                           measure (``active_some`` or ``active_all``)
   ``content``       35    mean over the 14 areas of the coverage-weighted share of the
                           area's measures that are active: a measure for all employees
                           counts 1, for some employees 0.5 (coverage), else 0
   ``governance``    20    mean of four items: welfare budget per employee
                           (``min(budget, 1000) / 1000``; EUR 1,000 is the TUIR art. 51 c.3
                           fringe-benefit threshold), needs survey done, second-level
                           agreement, a welfare regulation or internal communication on the
                           measures (WELFARE_REGULATION or INTERNAL_COMMUNICATION active)
   ``territory``     10    share of the five measures that reach beyond the company
                           (SHARED_SERVICES, PUBLIC_CONVENTION, LOCAL_PROVIDERS,
                           COMMUNITY_PROJECTS, TERRITORIAL_AGREEMENT) that are active: the
                           analogue of the Index's originality; NETWORK_MEMBERSHIP is left
                           out because every surveyed company is a network member
   ==============  ======  ==================================================================

   A measure not asked or not answered counts as not active, an unknown budget or a
   missing yes/no as 0 (the score never rewards a blank). Classes, as the Index's
   ``1W``-``5W``: ``1W`` up to 10 points and ``5W`` above 40 are the Index's bounds; the
   three in between are evenly spaced (the project's choice): 1W <= 10 < 2W <= 20 < 3W
   <= 30 < 4W <= 40 < 5W. It is *not* the Welfare Index PMI rating, only shaped like it.

   The per-company scores are for the confidential company reports: a published report
   shows only the distribution of classes and the mean of each component.

3. **Outcomes** (:func:`outcome_comparisons`): workers' work-to-family conflict
   (``wfc_score``), hours that fit well (``wlb_fit_good``) and satisfaction with their
   work-life balance (``sat_wlb``) in companies with and without each measure active.
   The measure is a company attribute: the *company* is the unit of replication, and
   with 20-40 surveyed companies, a few of them on one side, the ordinary cluster-robust
   test (CR1, t with companies - 1 df) rejected a true null in 15-30 % of placebo waves.
   One row per (measure, outcome), from one calibrated method (:func:`measure_effect`):
   survey-weighted regression (the post-stratification weights of the contract's design,
   the point estimate of R's ``svyglm``) of the outcome on the measure, adjusted for
   gender, children under 14 and working time; the p-value and the interval by
   randomisation inference over companies (:func:`pipeline.analyse.stats.permutation_test`: the
   measure reassigned to the same number of companies, every way or 1,999 at random).
   Its rejection rate under null waves of this design was measured by simulation
   (``benchmarks/bench_calibration.py``, ``benchmarks/README.md``); CR2 with
   Bell-McCaffrey df, the other candidate, was too conservative there (1-4 %). When the
   measure can be placed among the companies in fewer than
   :data:`pipeline.analyse.stats.MIN_ASSIGNMENTS` ways no test reaches its size: such rows show
   the estimate and interval but no p-value. Holm (the one that decides
   ``significant``) and Benjamini-Hochberg adjust over the valid tests of the table.

   Effect size: the adjusted difference over the pooled within-group SD of the outcome
   (a Cohen's d; for the yes/no outcome a standardised difference of proportions); its
   interval combines the difference's with a company-jackknife interval of the SD
   (:func:`standardised_effect`). The
   comparison is observational: companies that adopt a measure differ in other ways too.

   Disclosure: a comparison is withheld (``too_few_companies``) unless at least
   ``min_companies`` companies are on each side (otherwise the "with" mean could be one
   company's mean) and at least ``min_cell`` workers are on each side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.analyse.stats import (
    ALPHA,
    MIN_ASSIGNMENTS,
    MIN_POSTSTRATUM,
    SurveyDesign,
    adjust_pvalues,
    cluster_design,
    design_mean_difference,
    kruskal_wallis,
    permutation_test,
    poststrat_weights,
    survey_design,
    survey_mean,
    survey_proportion,
    survey_regression,
    unweighted_design,
)
from pipeline.codebook import ACTIVE_STATUSES, Codebook, load_codebook

ACTIVE = ACTIVE_STATUSES  # the codebook's definition
#: Adoption statuses reported, in chart order; ``active`` = some + all employees.
STATUSES = ("active", "active_all", "active_some", "planned", "none")
SIZE_CLASSES = ("1-9", "10-49", "50-249", "250+")

#: Points of each maturity component (they add up to 100).
MATURITY_POINTS = {"breadth": 35.0, "content": 35.0, "governance": 20.0, "territory": 10.0}
#: Upper bounds of classes 1W-4W (5W is above the last).
MATURITY_CUTS = (10.0, 20.0, 30.0, 40.0)
MATURITY_CLASSES = ("1W", "2W", "3W", "4W", "5W")
#: Coverage weight of an adoption status in the content component.
COVERAGE_WEIGHT = {"active_all": 1.0, "active_some": 0.5}
#: Budget per employee (EUR a year) that earns the full budget item.
BUDGET_REFERENCE_EUR = 1000.0
GOVERNANCE_ITEMS = ("budget", "needs_survey", "agreement", "regulation_communication")
REGULATION_MEASURES = ("WELFARE_REGULATION", "INTERNAL_COMMUNICATION")
TERRITORY_MEASURES = ("SHARED_SERVICES", "PUBLIC_CONVENTION", "LOCAL_PROVIDERS",
                      "COMMUNITY_PROJECTS", "TERRITORIAL_AGREEMENT")

#: Measures compared on worker outcomes (flexibility and childcare), in report order.
COMPARED_MEASURES = ("FLEX_HOURS", "SMART_WORKING", "HOUR_BANK", "PART_TIME_REVERSIBLE",
                     "NURSERY_SHARED", "CHILDCARE_VOUCHER", "SUMMER_CAMP")
#: Worker outcomes and the direction that is better (+1 higher, -1 lower).
OUTCOMES = {"wfc_score": -1, "wlb_fit_good": 1, "sat_wlb": 1}
COVARIATES = ("gender", "n_children_u14", "work_time")

ADOPTION_COLUMNS = ["measure", "welfare_area", "group_var", "group", "status", "estimate", "se",
                    "ci_low", "ci_high", "n", "n_status"]


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def surveyed_companies(company_survey: pd.DataFrame, companies: pd.DataFrame) -> pd.DataFrame:
    """The company questionnaire with size and place from the mapping.

    Adds ``n_employees``, ``size_class``, ``municipality`` and ``in_network`` from
    ``companies`` (only those columns: the mapping's desk-research ``m_<M>`` columns never
    overwrite the questionnaire's answers). Same rows and order as ``company_survey``.
    """
    keep = [c for c in ("company_id", "n_employees", "size_class", "municipality",
                        "in_network") if c in companies.columns]
    extra = [c for c in keep if c != "company_id" and c not in company_survey.columns]
    out = company_survey.merge(companies[["company_id", *extra]], on="company_id",
                               how="left", validate="one_to_one")
    out.index = company_survey.index
    return out


def all_network_members(surveyed: pd.DataFrame) -> bool:
    """True when every surveyed company has network membership active (then the area
    «territorial welfare and network» is covered by definition, which the report says)."""
    status = surveyed.get("m_NETWORK_MEMBERSHIP", pd.Series(dtype="str"))
    return bool(len(status)) and bool(status.isin(ACTIVE_STATUSES).all())


def _measure_columns(company_survey: pd.DataFrame, measures: Iterable[str]) -> list[str]:
    return [m for m in measures if f"m_{m}" in company_survey.columns]


def _is_active(status: pd.Series) -> pd.Series:
    """True/False where answered, NA where not."""
    return status.isin(ACTIVE).astype("boolean").where(status.notna())


def _groups(data: pd.DataFrame, by: str | None) -> pd.Series | None:
    if by is None:
        return None
    g = data[by]
    if str(g.dtype) in ("boolean", "bool"):
        g = g.map({True: "yes", False: "no"})
    return g.astype("str").where(g.notna())


def _proportions(design: SurveyDesign, y: pd.Series, by: pd.Series | None,
                 level: float = 0.95) -> pd.DataFrame:
    """Overall and (optionally) grouped unweighted proportions, tidy."""
    frames = [survey_proportion(design, y, level=level).assign(group_var="all", group="all")]
    if by is not None:
        t = survey_proportion(design, y, by=by, level=level)
        frames.append(t.assign(group_var=by.name))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------
# 1. Adoption
# --------------------------------------------------------------------------------------
def adoption_table(
    surveyed: pd.DataFrame,
    measures: Sequence[str],
    *,
    by: str | None = None,
    codebook: Codebook | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of surveyed companies by adoption status of each measure, overall and by group.

    Parameters
    ----------
    surveyed
        The company questionnaire (see :func:`surveyed_companies` to add ``size_class``),
        ``m_<MEASURE>`` in ``none``, ``planned``, ``active_some``, ``active_all`` or NA.
    measures
        Measure codes; measures without a column or without any answer (not asked) are
        skipped.
    by
        Optional column to break down by (e.g. ``size_class``).
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``measure, welfare_area, group_var, group, status, estimate, se, ci_low, ci_high,
        n, n_status``: ``status`` in :data:`STATUSES` (``active`` = some or all
        employees), ``estimate`` the share (0-1) of the ``n`` companies of the group that
        answered about the measure, ``n_status`` how many of them have that status.
        Intervals: logit, equal weights, companies - 1 degrees of freedom.
    """
    codebook = codebook or load_codebook()
    area_of = codebook.area_of()
    design = unweighted_design(surveyed.index)
    groups = _groups(surveyed, by)
    frames = []
    for m in _measure_columns(surveyed, measures):
        status = surveyed[f"m_{m}"]
        answered = status.notna()
        if not answered.any():  # a column nobody answered: as not asked
            continue
        for st in STATUSES:
            hit = status.isin(ACTIVE) if st == "active" else status.eq(st)
            y = hit.astype("Float64").where(answered)
            t = _proportions(design, y, groups, level)
            counts = pd.DataFrame({"g": groups if groups is not None else "all",
                                   "hit": hit & answered})
            by_group = counts.groupby("g")["hit"].sum()
            t["n_status"] = [int((hit & answered).sum()) if gv == "all" else
                             int(by_group.get(g, 0))
                             for gv, g in zip(t["group_var"], t["group"], strict=True)]
            frames.append(t.assign(measure=m, welfare_area=area_of[m], status=st))
    out = pd.concat(frames, ignore_index=True)
    return out[ADOPTION_COLUMNS]


def welfare_area_table(
    surveyed: pd.DataFrame,
    *,
    by: str | None = None,
    codebook: Codebook | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of surveyed companies with at least one active measure in each welfare area.

    A company that answered none of an area's measures is outside that area's
    denominator. Returns ``welfare_area, group_var, group, estimate, se, ci_low, ci_high,
    n`` (logit intervals, equal weights).
    """
    codebook = codebook or load_codebook()
    design = unweighted_design(surveyed.index)
    groups = _groups(surveyed, by)
    frames = []
    for area, _labels in codebook.areas().items():
        cols = [f"m_{m}" for m in codebook.measure_codes() if codebook.area_of()[m] == area
                and f"m_{m}" in surveyed.columns]
        if not cols:
            continue
        block = surveyed[cols]
        if not block.notna().any().any():
            continue
        y = block.isin(ACTIVE).any(axis=1).astype("Float64").where(block.notna().any(axis=1))
        t = _proportions(design, y, groups, level)
        frames.append(t.assign(welfare_area=area))
    out = pd.concat(frames, ignore_index=True)
    return out[["welfare_area", "group_var", "group", "estimate", "se", "ci_low", "ci_high",
                "n"]]


def measures_by_size(surveyed: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Mean number of active measures per surveyed company, overall and by size class.

    Returns ``group_var, group, estimate, se, ci_low, ci_high, n`` (t interval with n - 1
    degrees of freedom, equal weights), size classes in their natural order.
    """
    design = unweighted_design(surveyed.index)
    y = surveyed["n_measures_active"].astype("Float64")
    overall = survey_mean(design, y, level=level).assign(group_var="all", group="all")
    by = survey_mean(design, y, by=_groups(surveyed, "size_class").rename("size_class"),
                     level=level).assign(group_var="size_class")
    by["order"] = by["group"].map({c: i for i, c in enumerate(SIZE_CLASSES)})
    by = by.sort_values("order")
    out = pd.concat([overall, by], ignore_index=True)
    return out[["group_var", "group", "estimate", "se", "ci_low", "ci_high", "n"]]


def size_gradient(surveyed: pd.DataFrame) -> pd.DataFrame:
    """Do larger companies have more active measures? Two rank-based tests.

    * Spearman's rank correlation between headcount and the number of active measures
      (``scipy.stats.spearmanr``, two-sided; ``estimate`` = rho);
    * Kruskal-Wallis across size classes (:func:`pipeline.analyse.stats.kruskal_wallis`;
      ``estimate`` = rank epsilon squared).

    Returns ``test, estimate, estimate_name, statistic, p_value, n, method``.
    """
    d = surveyed[["n_employees", "n_measures_active", "size_class"]].dropna()
    x = d["n_employees"].astype("float64")
    y = d["n_measures_active"].astype("float64")
    rho = stats.spearmanr(x, y)
    kw = kruskal_wallis(y, d["size_class"].astype("str")).iloc[0]
    return pd.DataFrame([
        {"test": "spearman", "estimate": float(rho.statistic), "estimate_name": "rho",
         "statistic": float(rho.statistic), "p_value": float(rho.pvalue), "n": len(d),
         "method": "Spearman rank correlation of headcount and active measures"},
        {"test": "kruskal_wallis", "estimate": float(kw["estimate"]),
         "estimate_name": "epsilon_squared", "statistic": float(kw["statistic"]),
         "p_value": float(kw["p_value"]), "n": int(kw["n"]), "method": kw["method"]},
    ])


# --------------------------------------------------------------------------------------
# 2. Welfare maturity
# --------------------------------------------------------------------------------------
def maturity_class(score: pd.Series | np.ndarray | float) -> pd.Series:
    """Class ``1W``-``5W`` of a score: 1W <= 10 < 2W <= 20 < 3W <= 30 < 4W <= 40 < 5W."""
    s = pd.Series(score, dtype="float64") if not isinstance(score, pd.Series) else score
    idx = np.searchsorted(np.asarray(MATURITY_CUTS), s.to_numpy(dtype=float), side="left")
    out = pd.Series(np.asarray(MATURITY_CLASSES, dtype=object)[np.minimum(idx, 4)],
                    index=s.index, dtype="str")
    return out.where(s.notna())


def _flag(surveyed: pd.DataFrame, column: str) -> pd.Series:
    if column not in surveyed.columns:
        return pd.Series(0.0, index=surveyed.index)
    return surveyed[column].astype("Float64").fillna(0).astype("float64")


def maturity_scores(surveyed: pd.DataFrame, *, codebook: Codebook | None = None) -> pd.DataFrame:
    """Welfare-maturity score (0-100) and class of each surveyed company. CONFIDENTIAL.

    See the module docstring for the definition (components, points, classes). The result
    identifies companies: use it for the confidential company reports only; publish
    :func:`maturity_distribution` and :func:`maturity_components`.

    Parameters
    ----------
    surveyed
        The company questionnaire (``m_<MEASURE>``, ``welfare_budget_per_emp``,
        ``needs_survey_done``, ``second_level_agreement``).

    Returns
    -------
    pandas.DataFrame
        One row per company, indexed like ``surveyed``: ``company_id``, the parts
        ``breadth``, ``content``, ``governance``, ``territory`` (0-1), the governance items
        (0-1), ``points_<component>``, ``score`` (0-100) and ``maturity_class``.
    """
    codebook = codebook or load_codebook()
    area_of = codebook.area_of()
    areas = list(codebook.areas())
    all_measures = codebook.measure_codes()
    status = pd.DataFrame({m: surveyed[f"m_{m}"] if f"m_{m}" in surveyed.columns
                           else pd.Series(pd.NA, index=surveyed.index, dtype="str")
                           for m in all_measures})
    active = status.isin(ACTIVE)
    weight = status.apply(lambda s: s.map(COVERAGE_WEIGHT)).astype("float64").fillna(0.0)
    area_key = pd.Series(area_of)[all_measures].to_numpy()
    breadth = active.T.groupby(area_key).any().T.reindex(columns=areas, fill_value=False)
    content = weight.T.groupby(area_key).mean().T.reindex(columns=areas, fill_value=0.0)
    budget = surveyed.get("welfare_budget_per_emp", pd.Series(np.nan, index=surveyed.index))
    items = pd.DataFrame({
        "budget": (budget.astype("float64").fillna(0.0).clip(0, BUDGET_REFERENCE_EUR)
                   / BUDGET_REFERENCE_EUR),
        "needs_survey": _flag(surveyed, "needs_survey_done"),
        "agreement": _flag(surveyed, "second_level_agreement"),
        "regulation_communication": active[list(REGULATION_MEASURES)].any(axis=1).astype(float),
    }, index=surveyed.index)
    parts = pd.DataFrame({
        "breadth": breadth.mean(axis=1).astype(float),
        "content": content.mean(axis=1).astype(float),
        "governance": items.mean(axis=1),
        "territory": active[list(TERRITORY_MEASURES)].mean(axis=1).astype(float),
    }, index=surveyed.index)
    out = pd.concat([surveyed[["company_id"]], parts, items], axis=1)
    for comp, pts in MATURITY_POINTS.items():
        out[f"points_{comp}"] = parts[comp] * pts
    out["score"] = out[[f"points_{c}" for c in MATURITY_POINTS]].sum(axis=1)
    out["maturity_class"] = maturity_class(out["score"])
    return out


def maturity_distribution(scores: pd.DataFrame) -> pd.DataFrame:
    """How many companies fall in each class (all five, zeros included).

    Returns ``maturity_class, low, high, n_companies, share`` (``low``/``high`` the class's
    score bounds). Counts of companies, never their scores.
    """
    bounds = [0.0, *MATURITY_CUTS, 100.0]
    counts = scores["maturity_class"].value_counts()
    total = int(scores["maturity_class"].notna().sum())
    rows = [{"maturity_class": c, "low": bounds[i], "high": bounds[i + 1],
             "n_companies": int(counts.get(c, 0)),
             "share": counts.get(c, 0) / total if total else np.nan}
            for i, c in enumerate(MATURITY_CLASSES)]
    return pd.DataFrame(rows)


def maturity_components(scores: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Mean points of each component and of the total over the companies.

    Returns ``component, max_points, estimate, se, ci_low, ci_high, n`` (t intervals,
    equal weights; ``n`` = companies).
    """
    design = unweighted_design(scores.index)
    rows = []
    for comp, pts in [*MATURITY_POINTS.items(), ("score", 100.0)]:
        col = "score" if comp == "score" else f"points_{comp}"
        t = survey_mean(design, scores[col], level=level).iloc[0]
        rows.append({"component": comp, "max_points": pts, "estimate": t["estimate"],
                     "se": t["se"], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
                     "n": int(t["n"])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# 3. Worker outcomes in companies with and without a measure
# --------------------------------------------------------------------------------------
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


OUTCOME_COLUMNS = ["measure", "outcome", "estimate", "se", "ci_low", "ci_high", "p_value", "p_holm", "p_bh", "significant", "test_valid",
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
        :func:`pipeline.analyse.stats.survey_regression`, for reference), ``ci_low``, ``ci_high`` (inverted
        randomisation test), ``p_value`` (randomisation over companies), ``p_holm`` and
        ``p_bh`` (over every valid test of the table, named in ``adjustment``),
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
