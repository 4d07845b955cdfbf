"""Monitoring: the wave against the previous ones.

The company is the unit of replication
--------------------------------------
Workers of one company share its culture, its manager, its shifts, and the waves survey
the *same* companies again: a change between waves is only news when it stands out from
how much companies differ. Every worker-level comparison between waves therefore pools the
workers of the two waves in one data frame (:func:`worker_outcomes`, :func:`pool_waves`:
a column ``post``, 0 for the earlier wave and 1 for the later one; each wave's own
post-stratification weights, those of its default design; ``company_id``) and fits a
weighted least-squares regression, tested so that the size holds with few companies
(measured in ``benchmarks/bench_calibration.py``, 10-40 companies, intra-company
correlation 0.05-0.3): a change between waves by the wild cluster restricted bootstrap by
company (:func:`pipeline.analyse.stats.wild_cluster_bootstrap`, Webb weights), a contrast between
companies (those that introduced a measure vs the others) by randomisation over companies
(:func:`pipeline.analyse.stats.permutation_test`). Intervals invert the same tests. A company
surveyed in both waves is ONE cluster, so the overlap of the two samples of companies is
accounted for.

* Scope ``all`` (every surveyed company of each wave, :func:`worker_changes` with ids
  ``None``): ``y ~ post`` without fixed effects; the coefficient is the change of the
  weighted mean, current minus previous (each wave's design-based point estimate).
  It mixes what changed in the companies with which companies were surveyed.
* A scope given by company ids (``common``: the companies surveyed in both waves, the
  panel): ``y ~ post`` with company fixed effects, the within-company change (each
  company compared with itself, a weighted average of the companies' changes; when every
  company has the same headcount and answers in both waves, its weights add up to the
  same N in each and the estimate is the change of the panel's weighted means).
* Companies that introduced flexible hours or smart working between the waves against
  the other panel companies (:func:`flexibility_change`): the difference in differences
  ``y ~ post + post:introduced`` with company fixed effects on the panel; the coefficient
  of the interaction is the published estimate, the two groups' within-company changes
  are given as descriptive rows. Observational: companies chose when to act.
* Proportions (``wlb_fit_good``, ``flex_available``) are 0/1 outcomes of the same
  regression (linear probability model): estimates in proportion points (0-1; x 100 for
  percentage points).

Levels (:func:`worker_indicators`, :func:`indicator_trend`) stay design-based estimates,
each on its own wave's default design, as the other sections give them.

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
  comparison ``all``, the regression ``value ~ post`` over the surveyed companies of both
  waves (one row per company and wave, equal weights), tested by the wild cluster
  bootstrap by company (a company in both waves is one cluster); comparison
  ``paired``, the companies surveyed in both waves, paired t (``scipy.stats.ttest_rel``;
  effect size d_z = mean change / SD of the changes).

Multiplicity, validity, disclosure
----------------------------------
Each family of wave-over-wave tests is corrected with Holm's step-down method
(:func:`pipeline.analyse.stats.adjust_pvalues`): the worker changes of one comparison (indicators x
scopes), the differences in differences (indicators), the company changes (indicators x
comparisons). Tables carry the raw ``p_value``, ``p_adjusted`` and ``adjustment`` (the
correction in words); the flags ``improved`` and ``worse`` mean ``p_adjusted <``
:data:`ALPHA` with the change going the better (worse) way.

A change carried by fewer than ``min_test_companies`` companies (default
:data:`pipeline.analyse.stats.MIN_TEST_COMPANIES`, the smallest network of the calibration: in
either wave for ``all``; with answers in both waves for a within-company change), or a
difference in differences whose treated companies can be chosen in fewer than
:data:`pipeline.analyse.stats.MIN_ASSIGNMENTS` ways, has no valid test: no p-value (NaN), and its
``method`` says so; the estimate and interval are still given. A scope with fewer than ``min_companies``
companies in a wave is withheld (its estimates would be one company's); ``n`` is the number
of respondents behind the smaller of the estimates compared (for small-cell suppression).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.analyse.analysis.measures import maturity_scores, surveyed_companies
from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL, wave_design
from pipeline.analyse.stats import (
    ALPHA,
    MIN_ASSIGNMENTS,
    MIN_TEST_COMPANIES,
    SurveyDesign,
    adjust_pvalues,
    permutation_test,
    survey_mean,
    survey_proportion,
    wild_cluster_bootstrap,
)
from pipeline.codebook import ACTIVE_STATUSES, Codebook

__all__ = [
    "ALPHA",
    "COMPANY_INDICATORS",
    "INDICATORS",
    "activated",
    "company_change",
    "company_levels",
    "flex_available",
    "flexibility_change",
    "indicator_trend",
    "network_change",
    "panel_scopes",
    "pool_waves",
    "prepare_wave",
    "wave_chain",
    "worker_changes",
    "worker_indicators",
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
AVAILABLE = ("available_used", "available_not_used")
FLEX = ("FLEX_HOURS", "SMART_WORKING")
#: Company indicators compared between waves, and the better direction.
COMPANY_INDICATORS: dict[str, int] = {"n_measures_active": 1, "n_areas_active": 1,
                                      "maturity_score": 1}

INDICATOR_COLUMNS = ["indicator", "scope", "estimate", "se", "ci_low", "ci_high", "df", "n",
                     "n_companies", "kind", "better"]
CHANGE_COLUMNS = ["indicator", "scope", "comparison", "estimate_prev", "estimate_cur",
                  "estimate", "se", "ci_low", "ci_high", "statistic", "df", "p_value",
                  "p_adjusted", "adjustment", "n_prev", "n_cur", "n", "n_obs",
                  "n_companies", "n_companies_prev", "n_companies_cur", "kind", "better",
                  "improved", "worse", "method"]
FLEXIBILITY_COLUMNS = ["indicator", "comparison", "scope", "reference", "estimate", "se",
                       "ci_low", "ci_high", "statistic", "df", "p_value", "p_adjusted",
                       "adjustment", "n", "n_obs", "n_companies", "n_companies_introduced",
                       "n_companies_other", "kind", "better", "improved", "worse", "method"]
_FIT = ("estimate", "se", "statistic", "df", "p_value", "ci_low", "ci_high")
_TEST = ("statistic", "df", "p_value")
_CLUSTER_WORDS = ("a company surveyed in both waves is one cluster")


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


def _indicator_values(workers: pd.DataFrame, indicator: str) -> pd.Series:
    """The indicator of each worker (NA where not answered or not asked in the wave)."""
    if indicator == "flex_available":
        return flex_available(workers)
    if indicator in workers.columns:
        return workers[indicator]
    return pd.Series(np.nan, index=workers.index)


# --------------------------------------------------------------------------------------
# The chain of waves
# --------------------------------------------------------------------------------------
def wave_chain(
    previous_waves: Sequence[str] | None = None,
    previous_processed_dirs: Sequence[str | Path | None] | None = None,
    previous_wave: str | None = None,
    previous_processed_dir: str | Path | None = None,
) -> list[tuple[str, str | None]]:
    """The earlier waves a wave is compared with, oldest first, from the notebook parameters.

    Parameters
    ----------
    previous_waves
        Earlier waves of the chain, oldest first, ending with the immediate previous one.
        ``None`` or empty: fall back to ``previous_wave``.
    previous_processed_dirs
        Their processed folders, same order; ``None`` (or a ``None`` entry): the project's
        ``data/processed/<wave>``.
    previous_wave, previous_processed_dir
        The immediate previous wave and its folder (the single-wave parameters); when
        ``previous_waves`` is given too, ``previous_wave`` must be its last element.

    Returns
    -------
    list of (str, str or None)
        ``[(wave, processed folder or None), ...]``, oldest first; empty for a baseline.

    Raises
    ------
    ValueError
        Lists of different lengths, a wave listed twice, or a ``previous_wave`` that is
        not the last of ``previous_waves``.
    """
    if previous_waves:
        waves = [str(w) for w in previous_waves]
        if len(set(waves)) != len(waves):
            raise ValueError(f"previous_waves lists a wave twice: {waves}")
        if previous_wave is not None and str(previous_wave) != waves[-1]:
            raise ValueError(f"previous_wave {previous_wave!r} is not the last of "
                             f"previous_waves {waves}")
        if previous_processed_dirs is None:
            dirs: list = [None] * len(waves)
            if previous_processed_dir is not None:
                dirs[-1] = previous_processed_dir
        else:
            dirs = list(previous_processed_dirs)
            if len(dirs) != len(waves):
                raise ValueError(f"{len(waves)} previous_waves but {len(dirs)} "
                                 "previous_processed_dirs")
        return [(w, None if d is None else str(d)) for w, d in zip(waves, dirs, strict=True)]
    if previous_wave is not None:
        return [(str(previous_wave),
                 None if previous_processed_dir is None else str(previous_processed_dir))]
    return []


# --------------------------------------------------------------------------------------
# Workers: levels (design-based)
# --------------------------------------------------------------------------------------
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
        Its default design (:func:`pipeline.analyse.stats.survey_design`).
    scopes
        ``{name: company ids}``; ``None`` as ids means every worker. Default
        ``{"all": None}``. Each scope is a domain of the full design.
    min_companies
        Scopes with fewer companies are withheld (NA estimates and ``n``).

    Returns
    -------
    pandas.DataFrame
        ``indicator, scope, estimate, se, ci_low, ci_high, df, n, n_companies, kind,
        better``: means on the indicator's scale, proportions as shares (0-1, with the
        published Korn-Graubard interval); an
        indicator without any answer in the scope (a question not asked in the wave) has
        NA estimates and ``n`` 0 (``df`` 0).
    """
    scopes = {"all": None} if scopes is None else scopes
    rows = []
    for scope, ids in scopes.items():
        domain = (pd.Series(True, index=workers.index) if ids is None
                  else workers["company_id"].isin(list(ids)))
        n_comp = int(workers.loc[domain, "company_id"].nunique())
        for ind in indicators:
            kind, better = INDICATORS[ind]
            y = _indicator_values(workers, ind)
            # not asked in this wave, or no answer in the scope: NA estimates and n 0
            if kind == "proportion":
                t = survey_proportion(design, y.astype("Float64"), domain=domain, level=level,
                                      method=PROPORTION_INTERVAL)
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


def indicator_trend(
    waves: Mapping[str, tuple[pd.DataFrame, SurveyDesign]],
    *,
    indicators: Sequence[str] = tuple(INDICATORS),
    min_companies: int = 3,
    level: float = 0.95,
) -> pd.DataFrame:
    """Levels of the worker indicators in every wave of a chain (scope ``all``).

    Parameters
    ----------
    waves
        ``{wave: (workers, design)}`` in wave order, oldest first; each design is the
        wave's own default design (as :func:`prepare_wave` returns it).
    indicators, min_companies, level
        As for :func:`worker_indicators`.

    Returns
    -------
    pandas.DataFrame
        One row per wave x indicator: ``wave``, ``wave_order`` (0 = oldest) and the
        columns of :func:`worker_indicators` (scope ``all``; means on the indicator's
        scale, proportions as shares 0-1).
    """
    frames = [worker_indicators(w, d, indicators=indicators, min_companies=min_companies,
                                level=level).assign(wave=label, wave_order=i)
              for i, (label, (w, d)) in enumerate(waves.items())]
    columns = ["wave", "wave_order", *INDICATOR_COLUMNS]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


# --------------------------------------------------------------------------------------
# Workers: changes (company-clustered regressions)
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
        out[ind] = _indicator_values(workers, ind).astype("Float64").to_numpy(
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


def _fit(data: pd.DataFrame, outcome: str, term: str, *, weights: str | None,
         fixed_effects: str | None, level: float,
         treatment: str | None = None) -> tuple[dict[str, float], str, float]:
    """The calibrated test of one coefficient, NaN when it cannot be estimated.

    ``treatment`` None: ``term`` varies within companies (the wave), tested by the wild
    cluster restricted bootstrap by company (:func:`pipeline.analyse.stats.wild_cluster_bootstrap`).
    ``treatment`` given: a company-level 0/1 column, the regressor is ``treatment x term``
    (a difference in differences), tested by randomisation over companies
    (:func:`pipeline.analyse.stats.permutation_test`); ``assignments`` is how many ways the
    treated companies could be chosen. ``statistic`` is the studentised coefficient;
    ``df`` is NaN (no t reference distribution is used).

    Returns the values of :data:`_FIT`, the test in words ("" when none ran) and the
    number of ways to choose the treated companies (NaN for the bootstrap).
    """
    na = (dict.fromkeys(_FIT, np.nan), "", np.nan)
    try:
        if treatment is None:
            res = wild_cluster_bootstrap(data, outcome, term, cluster="company_id",
                                         weights=weights, fixed_effects=fixed_effects,
                                         level=level)
        else:
            res = permutation_test(data, outcome, treatment, interact=term,
                                   cluster="company_id", weights=weights,
                                   fixed_effects=fixed_effects, level=level)
    except (ValueError, np.linalg.LinAlgError):
        return na
    r = res.iloc[0]
    se = float(r["se"])
    out = {"estimate": float(r["estimate"]), "se": se,
           "statistic": float(r["estimate"]) / se if se > 0 else np.nan, "df": np.nan,
           "p_value": float(r["p_value"]), "ci_low": float(r["ci_low"]),
           "ci_high": float(r["ci_high"])}
    if not (np.isfinite(se) and se > 0):
        out.update(dict.fromkeys(("statistic", "p_value", "ci_low", "ci_high"), np.nan))
    return out, str(r["method"]), float(r.get("assignments", np.nan))


def _weighted_mean(d: pd.DataFrame, outcome: str) -> float:
    w = d["weight"].to_numpy(dtype=float)
    return float(np.sum(w * d[outcome].to_numpy(dtype=float)) / w.sum()) if len(d) else np.nan


def _holm(p: pd.Series, family: str) -> tuple[np.ndarray, str]:
    """Holm-adjusted p-values of one family and the correction in words."""
    values = p.astype("float64").to_numpy()
    m = int(np.isfinite(values).sum())
    adj = adjust_pvalues(values, "holm")["p_adjusted"].to_numpy(dtype=float)
    if m == 0:
        return adj, f"no valid test ({family})"
    missing = len(values) - m
    words = f"Holm, {m} test{'s' if m != 1 else ''} ({family}"
    return adj, words + (f"; {missing} without a valid test)" if missing else ")")


def _flags(out: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """``improved``/``worse``: adjusted p below ``alpha``, change the better/worse way."""
    adj = out["p_adjusted"].astype("float64")
    clear = adj.notna() & (adj < alpha)
    sign = np.sign(out["estimate"].astype("float64"))
    better = out["better"].astype("float64")
    out["improved"] = (clear & (sign == better)).astype(bool)
    out["worse"] = (clear & (sign == -better)).astype(bool)
    return out


def _plural(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


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
        :func:`pool_waves` of the two waves (``company_id``, ``weight``, ``post``, the
        indicator columns).
    scopes
        ``{name: company ids}``. Ids ``None`` (default ``{"all": None}``): every worker,
        ``y ~ post`` without fixed effects (change of the weighted mean). Ids given (the
        companies surveyed in both waves): the within-company change, ``y ~ post`` with
        company fixed effects on those companies' workers.
    indicators
        Keys of :data:`INDICATORS`.
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
                          f"post-stratification weights, {_CLUSTER_WORDS}")
            else:
                method = (f"{lpm}change of the weighted mean: weighted least squares of the "
                          "outcome on the wave (0/1) over the workers of both waves, each "
                          f"wave's post-stratification weights, {_CLUSTER_WORDS}")
            row = {"indicator": ind, "scope": scope, "comparison": comparison,
                   "estimate_prev": _weighted_mean(prev, ind),
                   "estimate_cur": _weighted_mean(cur, ind),
                   "n_prev": len(prev), "n_cur": len(cur), "n": min(len(prev), len(cur)),
                   "n_obs": len(d), "n_companies": d["company_id"].nunique(),
                   "n_companies_prev": c_prev, "n_companies_cur": c_cur,
                   "kind": kind, "better": better}
            if c_prev == 0 or c_cur == 0:
                row.update(dict.fromkeys(("estimate_prev", "estimate_cur", *_FIT), np.nan))
                method = ("no answers in one of the waves (question not asked, or no company "
                          "of the scope surveyed): no comparison")
            elif min(c_prev, c_cur) < min_companies:
                row.update(dict.fromkeys(("estimate_prev", "estimate_cur", *_FIT), np.nan))
                row["n"] = np.nan
                method = (f"withheld: fewer than {min_companies} companies in a wave "
                          "(the estimate would describe single companies)")
            else:
                fit, test, _ = _fit(d, ind, "post", weights="weight",
                                    fixed_effects="company_id" if within else None,
                                    level=level)
                method += f"; {test}" if test else ""
                row.update(fit)
                if carrying < min_test_companies:
                    row.update(dict.fromkeys(_TEST, np.nan))
                    method += (f"; no valid test with fewer than {min_test_companies} "
                               f"companies carrying the comparison "
                               f"({carrying} here): estimate and interval descriptive")
            row["method"] = method
            rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    out["p_adjusted"], out["adjustment"] = _holm(
        out["p_value"], f"{_plural(len(indicators), 'indicator')} x "
                        f"{_plural(len(scopes), 'scope')}")
    out = _flags(out, alpha)
    for col in ("n_prev", "n_cur", "n"):
        out[col] = out[col].astype("Float64").astype("Int64")
    return out[CHANGE_COLUMNS]


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
    reassigned to the same number of companies). The coefficient of the interaction is the difference between the within-company change of the companies
    that introduced the measure and that of the others. Observational: companies chose
    when to act, so it describes an association, not an effect.

    Parameters
    ----------
    pooled
        :func:`pool_waves` of the two waves.
    panel
        Company ids surveyed in both waves.
    introduced
        The panel companies that introduced the measure between the waves
        (:func:`activated`); ids outside ``panel`` are ignored.
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
                row.update(dict.fromkeys(_FIT, np.nan))
                row["n"] = np.nan
                row["method"] = f"withheld: fewer than {min_companies} companies in a wave"
            else:
                row.update(_fit(g, ind, "post", weights="weight",
                                fixed_effects="company_id", level=level)[0])
                row.update(dict.fromkeys(_TEST, np.nan))
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
                  f"{_CLUSTER_WORDS}; the estimate is the interaction")
        if min(fewest.values()) == 0:
            row.update(dict.fromkeys(_FIT, np.nan))
            method = ("no answers in a group or wave (question not asked, or no company of "
                      "the group): no comparison")
        elif min(fewest.values()) < min_companies:
            row.update(dict.fromkeys(_FIT, np.nan))
            row["n"] = np.nan
            method = (f"withheld: fewer than {min_companies} companies in a group and wave "
                      "(the estimate would describe single companies)")
        else:
            fit, test, ways = _fit(d, ind, "post", weights="weight",
                                   fixed_effects="company_id", level=level,
                                   treatment="introduced")
            method += f"; {test}" if test else ""
            row.update(fit)
            if not ways >= MIN_ASSIGNMENTS:
                row.update(dict.fromkeys(_TEST, np.nan))
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
    adj, words = _holm(out.loc[diff, "p_value"], _plural(int(diff.sum()), "indicator"))
    out["p_adjusted"] = np.nan
    out.loc[diff, "p_adjusted"] = adj
    out["adjustment"] = np.where(diff, words, "descriptive: not tested")
    out = _flags(out, alpha)
    out["n"] = out["n"].astype("Float64").astype("Int64")
    return out[FLEXIBILITY_COLUMNS]


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

    Returns ``indicator, estimate, se, ci_low, ci_high, n`` (t intervals, equal weights;
    the indicator's unit: measures, areas, score points 0-100).
    """
    from pipeline.analyse.stats import unweighted_design

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
        Columns to compare; the better direction is read from :data:`COMPANY_INDICATORS`
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
        fit, test, _ = (_fit(d, ind, "post", weights=None, fixed_effects=None, level=level)
                        if na and nb else (dict.fromkeys(_FIT, np.nan), "", np.nan))
        method = ("regression of the company value on the wave (0/1) over the surveyed "
                  f"companies of both waves, equal weights ({_CLUSTER_WORDS}); "
                  f"{test}; Cohen's d with the pooled SD (descriptive)")
        if min(na, nb) < min_test_companies:
            fit.update(dict.fromkeys(_TEST, np.nan))
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
            row.update(dict.fromkeys(_TEST, np.nan))
            method += (f"; no valid test with fewer than {min_test_companies} companies in "
                       "both waves")
        rows.append({"indicator": ind, "comparison": "paired", "mean_prev": x.mean(),
                     "mean_cur": y.mean(), **row, "n_prev": n, "n_cur": n, "n": n,
                     "n_companies": n, "better": better, "method": method})
    out = pd.DataFrame(rows)
    out["p_adjusted"], out["adjustment"] = _holm(
        out["p_value"], f"{_plural(len(indicators), 'indicator')} x 2 comparisons")
    out = _flags(out, alpha)
    return out[["indicator", "comparison", "mean_prev", "mean_cur", "estimate", "se",
                "ci_low", "ci_high", "statistic", "df", "p_value", "p_adjusted",
                "adjustment", "effect_size", "n_prev", "n_cur", "n", "n_companies",
                "better", "improved", "worse", "method"]]


def activated(previous: pd.DataFrame, current: pd.DataFrame,
              measures: Sequence[str] = FLEX) -> list[str]:
    """Companies surveyed in both waves where any of ``measures`` became active.

    Active = ``active_some`` or ``active_all``; "became" = not active (or not answered) in
    the previous wave and active now.
    """
    def any_active(cs: pd.DataFrame) -> pd.Series:
        cols = [f"m_{m}" for m in measures if f"m_{m}" in cs.columns]
        return cs.set_index("company_id")[cols].isin(ACTIVE_STATUSES).any(axis=1)

    a, b = any_active(previous), any_active(current)
    common = a.index.intersection(b.index)
    return sorted(common[(~a[common]) & b[common]].tolist())
