"""Monitoring, the workers: changes between waves with the company as unit of replication.

The regressions of :mod:`pipeline.analyse.analysis.monitoring` (the method is described
there): the change of every worker indicator in each scope (:func:`worker_changes`), the
changes the section publishes, against the previous wave and the first one
(:func:`wave_changes`), and the difference in differences between the companies that
introduced flexibility and the others (:func:`flexibility_change`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.monitoring_inference import (
    CLUSTER_WORDS,
    FIT_COLUMNS,
    TEST_COLUMNS,
    calibrated_fit,
    flag_changes,
    holm_family,
    plural,
    weighted_mean,
)
from pipeline.analyse.analysis.monitoring_panel import INDICATORS, pooled_workers
from pipeline.analyse.analysis.monitoring_waves import MonitoredWaves
from pipeline.analyse.stats import ALPHA, MIN_ASSIGNMENTS, MIN_TEST_COMPANIES

__all__ = ["CHANGE_COLUMNS", "COMPARED_SCOPES", "FLEXIBILITY_COLUMNS", "flexibility_change",
           "wave_changes", "worker_changes"]

CHANGE_COLUMNS = ["indicator", "scope", "comparison", "estimate_prev", "estimate_cur",
                  "estimate", "se", "ci_low", "ci_high", "statistic", "df", "p_value",
                  "p_adjusted", "adjustment", "n_prev", "n_cur", "n", "n_obs",
                  "n_companies", "n_companies_prev", "n_companies_cur", "kind", "better",
                  "improved", "worse", "method"]
FLEXIBILITY_COLUMNS = ["indicator", "comparison", "scope", "reference", "estimate", "se",
                       "ci_low", "ci_high", "statistic", "df", "p_value", "p_adjusted",
                       "adjustment", "n", "n_obs", "n_companies", "n_companies_introduced",
                       "n_companies_other", "kind", "better", "improved", "worse", "method"]
#: The scopes of the change since the previous wave, one Holm family: every respondent,
#: then the companies surveyed in both waves (the panel, the main comparison).
COMPARED_SCOPES = ("all", "common")


def worker_changes(
    pooled: pd.DataFrame,
    scopes: Mapping[str, Sequence[str] | None] | None = None,
    *,
    indicators: Sequence[str] = tuple(INDICATORS),
    comparison: str = "previous",
    min_companies: int = 3,
    min_test_companies: int = MIN_TEST_COMPANIES,
    alpha: float = ALPHA,
    level: float = 0.95,
) -> pd.DataFrame:
    """Change of every worker indicator between two waves, the company as unit.

    One weighted regression per indicator and scope on the pooled workers of the two
    waves, tested by the wild cluster restricted bootstrap by company
    (:func:`pipeline.analyse.stats.wild_cluster_bootstrap`); all the tests of the call are one
    Holm family.

    Parameters
    ----------
    pooled
        :func:`~pipeline.analyse.analysis.monitoring_panel.pool_waves` of the two waves
        (``company_id``, ``weight``, ``post``, the indicator columns).
    scopes
        ``{name: company ids}``. Ids ``None`` (default ``{"all": None}``): every worker,
        ``y ~ post`` without fixed effects (change of the weighted mean). Ids given (the
        companies surveyed in both waves): the within-company change, ``y ~ post`` with
        company fixed effects on those companies' workers.
    indicators
        Keys of :data:`~pipeline.analyse.analysis.monitoring_panel.INDICATORS`.
    comparison
        Label of the comparison, copied to every row (``"previous"``: the immediate
        previous wave; ``"first"``: the first wave of the chain).
    min_companies
        A scope with fewer companies (with answers) in either wave is withheld: NA
        estimates, p-values and ``n``.
    min_test_companies
        Fewest companies carrying the comparison for a test (every company with answers
        in the wave with fewer of them; for a within-company change, the companies with
        answers in both waves): below it ``statistic``, ``df`` and ``p_value`` are NaN and
        ``method`` says so; estimate and interval stay.
    alpha
        Level of the flags (on the Holm-adjusted p-values).
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per indicator x scope: ``indicator, scope, comparison``,
        ``estimate_prev``, ``estimate_cur`` (weighted means of each wave in the scope: the
        design-based point estimates; shares 0-1 for proportions), ``estimate`` (the
        change, current minus previous: scale points for means, proportion points 0-1
        for proportions), ``se`` (CR1, for reference), ``ci_low``, ``ci_high`` (inverted
        bootstrap test), ``statistic`` (studentised coefficient), ``df`` (NaN: no t
        reference), ``p_value`` (raw, two-sided, bootstrap), ``p_adjusted`` (Holm over
        the call's tests), ``adjustment`` (in words), ``n_prev``, ``n_cur``
        (respondents with an answer), ``n`` (the smaller), ``n_obs`` (rows of the
        regression), ``n_companies`` (clusters), ``n_companies_prev``,
        ``n_companies_cur``, ``kind``, ``better``, ``improved``, ``worse`` (bool: adjusted
        p below ``alpha`` and the change the better / worse way), ``method``.
    """
    scopes = {"all": None} if scopes is None else scopes
    rows = []
    for scope, ids in scopes.items():
        within = ids is not None
        part = pooled if ids is None else pooled[
            pooled["company_id"].isin([str(i) for i in ids])]
        for ind in indicators:
            kind, better = INDICATORS[ind]
            d = part.loc[part[ind].notna(), ["company_id", "post", "weight", ind]]
            prev, cur = d[d["post"] == 0], d[d["post"] == 1]
            c_prev, c_cur = prev["company_id"].nunique(), cur["company_id"].nunique()
            both = len(set(prev["company_id"]) & set(cur["company_id"]))
            carrying = both if within else min(c_prev, c_cur)
            lpm = ("linear probability model (0/1 outcome, change in proportion points); "
                   if kind == "proportion" else "")
            if within:
                method = (f"{lpm}within-company change: weighted least squares of the "
                          "outcome on the wave (0/1) with company fixed effects, each wave's "
                          f"post-stratification weights, {CLUSTER_WORDS}")
            else:
                method = (f"{lpm}change of the weighted mean: weighted least squares of the "
                          "outcome on the wave (0/1) over the workers of both waves, each "
                          f"wave's post-stratification weights, {CLUSTER_WORDS}")
            row = {"indicator": ind, "scope": scope, "comparison": comparison,
                   "estimate_prev": weighted_mean(prev, ind),
                   "estimate_cur": weighted_mean(cur, ind),
                   "n_prev": len(prev), "n_cur": len(cur), "n": min(len(prev), len(cur)),
                   "n_obs": len(d), "n_companies": d["company_id"].nunique(),
                   "n_companies_prev": c_prev, "n_companies_cur": c_cur,
                   "kind": kind, "better": better}
            if c_prev == 0 or c_cur == 0:
                row.update(dict.fromkeys(("estimate_prev", "estimate_cur", *FIT_COLUMNS), np.nan))
                method = ("no answers in one of the waves (question not asked, or no company "
                          "of the scope surveyed): no comparison")
            elif min(c_prev, c_cur) < min_companies:
                row.update(dict.fromkeys(("estimate_prev", "estimate_cur", *FIT_COLUMNS), np.nan))
                row["n"] = np.nan
                method = (f"withheld: fewer than {min_companies} companies in a wave "
                          "(the estimate would describe single companies)")
            else:
                fit, test, _ = calibrated_fit(
                    d, ind, "post", weights="weight",
                    fixed_effects="company_id" if within else None, level=level)
                method += f"; {test}" if test else ""
                row.update(fit)
                if carrying < min_test_companies:
                    row.update(dict.fromkeys(TEST_COLUMNS, np.nan))
                    method += (f"; no valid test with fewer than {min_test_companies} "
                               f"companies carrying the comparison "
                               f"({carrying} here): estimate and interval descriptive")
            row["method"] = method
            rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    out["p_adjusted"], out["adjustment"] = holm_family(
        out["p_value"], f"{plural(len(indicators), 'indicator')} x "
                        f"{plural(len(scopes), 'scope')}")
    out = flag_changes(out, alpha)
    for col in ("n_prev", "n_cur", "n"):
        out[col] = out[col].astype("Float64").astype("Int64")
    return out[CHANGE_COLUMNS]


def wave_changes(
    waves: MonitoredWaves,
    scopes: Mapping[str, Sequence[str] | None],
    *,
    min_companies: int = 3,
) -> pd.DataFrame:
    """The changes of the worker indicators the section publishes.

    Against the previous wave, in the scopes :data:`COMPARED_SCOPES` (one Holm family);
    with three waves or more (:attr:`MonitoredWaves.has_trend`) also since the first wave
    of the chain, over every respondent (a family of its own).

    Parameters
    ----------
    waves
        The prepared waves, with at least one earlier wave.
    scopes
        :func:`~pipeline.analyse.analysis.monitoring_panel.panel_scopes` of the previous
        and the current wave (``all`` and ``common`` are used).
    min_companies
        As for :func:`worker_changes`.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`worker_changes` (``comparison`` ``previous`` then ``first``)
        with ``reference_wave`` (the earlier wave compared) and ``wave`` (the current).
    """
    if waves.baseline:
        raise ValueError("a baseline wave has no earlier wave to compare with")
    options = {"min_companies": min_companies}
    found = worker_changes(pooled_workers(waves.previous, waves.current),
                           {s: scopes[s] for s in COMPARED_SCOPES}, **options)
    parts = [found.assign(reference_wave=waves.previous_wave, wave=waves.wave)]
    if waves.has_trend:
        since_first = worker_changes(pooled_workers(waves.first, waves.current),
                                     comparison="first", **options)
        parts.append(since_first.assign(reference_wave=waves.first_wave, wave=waves.wave))
    return pd.concat(parts, ignore_index=True)


def flexibility_change(
    pooled: pd.DataFrame,
    panel: Sequence[str],
    introduced: Sequence[str],
    *,
    indicators: Sequence[str] = tuple(INDICATORS),
    scope: str = "new_flex",
    reference: str = "no_new_flex",
    min_companies: int = 3,
    alpha: float = ALPHA,
    level: float = 0.95,
) -> pd.DataFrame:
    """Difference in differences: companies that introduced a measure vs the other panel.

    ``y ~ post + post:introduced`` with company fixed effects on the workers of the panel
    companies (surveyed in both waves), weighted by each wave's post-stratification
    weights, tested by randomisation over the panel companies (the "introduced" label
    reassigned to the same number of companies). The coefficient of the interaction is
    the difference between the within-company change of the companies that introduced
    the measure and that of the others. Observational: companies chose when to act, so it
    describes an association, not an effect.

    Parameters
    ----------
    pooled
        :func:`~pipeline.analyse.analysis.monitoring_panel.pool_waves` of the two waves.
    panel
        Company ids surveyed in both waves.
    introduced
        The panel companies that introduced the measure between the waves
        (:func:`~pipeline.analyse.analysis.monitoring_panel.activated`); ids outside
        ``panel`` are ignored.
    scope, reference
        Names of the two groups in the output.
    min_companies
        A group with fewer companies with answers in a wave is withheld (its row and the
        difference: NA estimates).
    alpha, level
        Level of the flags (Holm-adjusted p) and of the intervals.

    Returns
    -------
    pandas.DataFrame
        Per indicator three rows: ``comparison`` = ``difference`` (the interaction: the
        published estimate, tested; ``scope`` and ``reference`` the two groups) and
        ``within_change`` for each group (its within-company change from a regression on
        its own companies, ``y ~ post`` with company fixed effects: descriptive, no
        p-value). Columns ``indicator, comparison, scope, reference, estimate`` (scale
        points for means, proportion points 0-1 for proportions), ``se, ci_low, ci_high,
        statistic, df, p_value, p_adjusted`` (Holm over the indicators' differences),
        ``adjustment, n`` (respondents: the smallest group x wave cell), ``n_obs``
        (rows of the regression), ``n_companies`` (clusters), ``n_companies_introduced``,
        ``n_companies_other`` (with answers in both waves), ``kind, better, improved,
        worse, method``.
    """
    ids = {str(i) for i in panel}
    intro = {str(i) for i in introduced} & ids
    base = pooled[pooled["company_id"].isin(ids)].copy()
    base["introduced"] = base["company_id"].isin(intro).astype("float64")
    base["post_introduced"] = base["post"].astype("float64") * base["introduced"]
    rows = []
    for ind in indicators:
        kind, better = INDICATORS[ind]
        d = base.loc[base[ind].notna(),
                     ["company_id", "post", "weight", "introduced", "post_introduced", ind]]
        groups = {scope: d[d["introduced"] == 1], reference: d[d["introduced"] == 0]}
        counts, companies, fewest = {}, {}, {}
        for name, g in groups.items():
            prev, cur = g[g["post"] == 0], g[g["post"] == 1]
            counts[name] = min(len(prev), len(cur))
            companies[name] = len(set(prev["company_id"]) & set(cur["company_id"]))
            fewest[name] = min(prev["company_id"].nunique(), cur["company_id"].nunique())
        common = {"indicator": ind, "n_companies_introduced": companies[scope],
                  "n_companies_other": companies[reference], "kind": kind, "better": better}
        lpm = ("linear probability model (0/1 outcome, proportion points); "
               if kind == "proportion" else "")
        for name, g in groups.items():
            row = {**common, "comparison": "within_change", "scope": name, "reference": None,
                   "n": counts[name], "n_obs": len(g),
                   "n_companies": g["company_id"].nunique()}
            if fewest[name] < min_companies:
                row.update(dict.fromkeys(FIT_COLUMNS, np.nan))
                row["n"] = np.nan
                row["method"] = f"withheld: fewer than {min_companies} companies in a wave"
            else:
                row.update(calibrated_fit(g, ind, "post", weights="weight",
                                          fixed_effects="company_id", level=level)[0])
                row.update(dict.fromkeys(TEST_COLUMNS, np.nan))
                row["method"] = (f"{lpm}descriptive (not tested; the test is the difference): "
                                 "within-company change of the group, weighted least squares "
                                 "with company fixed effects, each wave's post-stratification "
                                 "weights, interval by the wild cluster bootstrap by company")
            rows.append(row)
        row = {**common, "comparison": "difference", "scope": scope, "reference": reference,
               "n": min(counts.values()), "n_obs": len(d),
               "n_companies": d["company_id"].nunique()}
        method = (f"{lpm}difference in differences (observational: companies chose when to "
                  "act): weighted least squares of the outcome on the wave (0/1) and the "
                  "wave x introduced interaction with company fixed effects on the companies "
                  "surveyed in both waves, each wave's post-stratification weights, "
                  f"{CLUSTER_WORDS}; the estimate is the interaction")
        if min(fewest.values()) == 0:
            row.update(dict.fromkeys(FIT_COLUMNS, np.nan))
            method = ("no answers in a group or wave (question not asked, or no company of "
                      "the group): no comparison")
        elif min(fewest.values()) < min_companies:
            row.update(dict.fromkeys(FIT_COLUMNS, np.nan))
            row["n"] = np.nan
            method = (f"withheld: fewer than {min_companies} companies in a group and wave "
                      "(the estimate would describe single companies)")
        else:
            fit, test, ways = calibrated_fit(d, ind, "post", weights="weight",
                                             fixed_effects="company_id", level=level,
                                             treatment="introduced")
            method += f"; {test}" if test else ""
            row.update(fit)
            if not ways >= MIN_ASSIGNMENTS:
                row.update(dict.fromkeys(TEST_COLUMNS, np.nan))
                method += (f"; no test: the {companies[scope]} companies that introduced the "
                           f"measure can be chosen among the {sum(companies.values())} in "
                           f"only {ways:.0f} ways (at least {MIN_ASSIGNMENTS} needed): "
                           "estimate and interval descriptive")
        row["method"] = method
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=FLEXIBILITY_COLUMNS)
    diff = out["comparison"] == "difference"
    adj, words = holm_family(out.loc[diff, "p_value"], plural(int(diff.sum()), "indicator"))
    out["p_adjusted"] = np.nan
    out.loc[diff, "p_adjusted"] = adj
    out["adjustment"] = np.where(diff, words, "descriptive: not tested")
    out = flag_changes(out, alpha)
    out["n"] = out["n"].astype("Float64").astype("Int64")
    return out[FLEXIBILITY_COLUMNS]
