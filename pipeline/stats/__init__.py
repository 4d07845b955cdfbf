"""Statistics of the welfare pipeline: pure functions (no I/O, no plots) returning tidy
pandas DataFrames with at least ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``
(unweighted respondents, for small-cell suppression downstream) and ``method``.

Modules
-------
design    the contract's survey design (company strata with fpc, gender post-strata),
          design-based means and proportions by Taylor linearisation; cluster sensitivity
likert    Likert distributions, top-box shares (the needs table), Cronbach's alpha, scores
crosstab  Pearson / Fisher exact tests with Cramér's V, Rao-Scott design-based test
compare   Welch t with d and g, Mann-Whitney with rank-biserial r, Kruskal-Wallis with
          epsilon squared, cluster-robust OLS, design-based difference of domain means
multiple  Holm and Benjamini-Hochberg adjustment

Every function is checked against independent reference values (R's survey, psych,
effectsize and sandwich packages; scipy; statsmodels) in ``tests/stats``.
"""

from pipeline.stats.compare import (
    cluster_robust_ols,
    design_mean_difference,
    kruskal_wallis,
    mann_whitney,
    welch_ttest,
)
from pipeline.stats.crosstab import association_test, crosstab, fisher_exact_rxc, rao_scott
from pipeline.stats.design import (
    SurveyDesign,
    cluster_design,
    poststrat_weights,
    survey_design,
    survey_mean,
    survey_proportion,
    unweighted_design,
)
from pipeline.stats.likert import cronbach_alpha, likert_distribution, scale_score, top_box
from pipeline.stats.multiple import adjust_pvalues

__all__ = [
    "SurveyDesign",
    "adjust_pvalues",
    "association_test",
    "cluster_design",
    "cluster_robust_ols",
    "cronbach_alpha",
    "crosstab",
    "design_mean_difference",
    "fisher_exact_rxc",
    "kruskal_wallis",
    "likert_distribution",
    "mann_whitney",
    "poststrat_weights",
    "rao_scott",
    "scale_score",
    "survey_design",
    "survey_mean",
    "survey_proportion",
    "top_box",
    "unweighted_design",
    "welch_ttest",
]
