"""Statistics of the welfare pipeline: pure functions (no I/O, no plots) returning tidy
pandas DataFrames with at least ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``
(unweighted respondents, for small-cell suppression downstream) and ``method``.

Modules
-------
design    the contract's survey designs (company strata with fpc, gender post-strata; no
          fpc; cluster sensitivity; unweighted); re-exports the design-based estimators
          weights         post-stratification weights, collapse rule, MIN_POSTSTRATUM
          linearisation   the design object, Taylor-linearisation variances, domain df
          inputs          aligning variables, domains and groups with a design's rows
          intervals       t, logit and Korn-Graubard (beta) intervals
          design_effects  Kish's design effects, intra-company correlation
          estimates       design-based means and proportions of domains
likert    Likert distributions, top-box shares (the needs table), Cronbach's alpha, scores
crosstab  Pearson / Fisher exact tests with Cramér's V, Rao-Scott design-based test
compare   Welch t with d and g, Mann-Whitney with rank-biserial r, Kruskal-Wallis with
          epsilon squared, design-based difference of domain means
clustered few-cluster regression: WLS with CR2 standard errors and Bell-McCaffrey df (the
          calibrated test of every company-level contrast)
multiple  Holm and Benjamini-Hochberg adjustment; ALPHA, the reports' one level
regression survey-weighted regression (R's svyglm: gaussian and quasibinomial) on any design
resampling the published tests of company-level contrasts and of changes between waves,
          with the thresholds for publishing a p-value; re-exports the tests
          randomisation    randomisation inference over companies (permutation_test)
          wild_bootstrap   wild cluster restricted bootstrap (wild_cluster_bootstrap)
          resampling_base  what both share: p-value, interval by test inversion
calibration the calibration study's table of test sizes

Every function is checked against independent reference values (R's survey, psych,
effectsize and sandwich packages; scipy; statsmodels) in ``tests/analyse/stats``.
"""

from pipeline.analyse.stats.clustered import few_cluster_regression
from pipeline.analyse.stats.compare import (
    design_mean_difference,
    kruskal_wallis,
    mann_whitney,
    welch_ttest,
)
from pipeline.analyse.stats.crosstab import association_test, crosstab, fisher_exact_rxc, rao_scott
from pipeline.analyse.stats.design import (
    MIN_POSTSTRATUM,
    SurveyDesign,
    cluster_design,
    poststrat_weights,
    stratum_complements,
    survey_design,
    survey_mean,
    survey_proportion,
    unweighted_design,
)
from pipeline.analyse.stats.likert import cronbach_alpha, likert_distribution, scale_score, top_box
from pipeline.analyse.stats.multiple import ALPHA, adjust_pvalues
from pipeline.analyse.stats.regression import survey_regression
from pipeline.analyse.stats.resampling import (
    MIN_ASSIGNMENTS,
    MIN_TEST_COMPANIES,
    permutation_test,
    wild_cluster_bootstrap,
)

__all__ = [
    "ALPHA",
    "MIN_POSTSTRATUM",
    "MIN_TEST_COMPANIES",
    "MIN_ASSIGNMENTS",
    "SurveyDesign",
    "adjust_pvalues",
    "association_test",
    "cluster_design",
    "cronbach_alpha",
    "crosstab",
    "design_mean_difference",
    "few_cluster_regression",
    "fisher_exact_rxc",
    "kruskal_wallis",
    "likert_distribution",
    "mann_whitney",
    "permutation_test",
    "poststrat_weights",
    "rao_scott",
    "scale_score",
    "stratum_complements",
    "survey_design",
    "survey_mean",
    "survey_proportion",
    "survey_regression",
    "top_box",
    "unweighted_design",
    "welch_ttest",
    "wild_cluster_bootstrap",
]
