"""Monitoring: the wave against the previous ones.

This module gathers the names of the monitoring; the code lives in one module per
responsibility:

* :mod:`~pipeline.analyse.analysis.monitoring_waves`: the waves compared, each prepared the
  same way;
* :mod:`~pipeline.analyse.analysis.monitoring_panel`: the indicators, the scopes of
  companies, the workers of two waves pooled;
* :mod:`~pipeline.analyse.analysis.monitoring_levels`: the levels of the worker
  indicators in each wave and their trend;
* :mod:`~pipeline.analyse.analysis.monitoring_workers`: the changes of the worker
  indicators and the difference in differences;
* :mod:`~pipeline.analyse.analysis.monitoring_companies`: network membership and the
  company indicators;
* :mod:`~pipeline.analyse.analysis.monitoring_inference`: the calibrated tests, Holm's
  correction and the rule for a clear improvement or worsening;
* :mod:`~pipeline.analyse.analysis.monitoring_findings`: which rows the section reports.

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
:data:`pipeline.analyse.stats.MIN_ASSIGNMENTS` ways, has no valid test: no p-value (NaN),
and its ``method`` says so; the estimate and interval are still given. A scope with fewer
than ``min_companies`` companies in a wave is withheld (its estimates would be one
company's); ``n`` is the number of respondents behind the smaller of the estimates
compared (for small-cell suppression).
"""

from __future__ import annotations

from pipeline.analyse.analysis.monitoring_companies import (
    company_change,
    company_levels,
    company_levels_by_wave,
    network_change,
    network_membership,
)
from pipeline.analyse.analysis.monitoring_findings import (
    FOCUS_INDICATOR,
    MAIN_SCOPE,
    changes_since,
    clear_changes,
    flexibility_groups,
    flexibility_headline,
    flexibility_tested,
    paired_company_changes,
    panel_levels,
)
from pipeline.analyse.analysis.monitoring_inference import (
    ALPHA,
    count_tests,
    flag_changes,
)
from pipeline.analyse.analysis.monitoring_levels import (
    INDICATOR_COLUMNS,
    indicator_levels,
    indicator_trend,
    worker_indicators,
)
from pipeline.analyse.analysis.monitoring_panel import (
    AVAILABLE,
    COMPANY_INDICATORS,
    FLEX,
    INDICATORS,
    PreparedWave,
    activated,
    flex_available,
    panel_scopes,
    pool_waves,
    pooled_workers,
    prepare_wave,
    worker_outcomes,
)
from pipeline.analyse.analysis.monitoring_waves import (
    MonitoredWaves,
    by_wave,
    load_waves,
    wave_chain,
)
from pipeline.analyse.analysis.monitoring_workers import (
    CHANGE_COLUMNS,
    COMPARED_SCOPES,
    FLEXIBILITY_COLUMNS,
    flexibility_change,
    wave_changes,
    worker_changes,
)

__all__ = [
    "ALPHA",
    "AVAILABLE",
    "CHANGE_COLUMNS",
    "COMPANY_INDICATORS",
    "COMPARED_SCOPES",
    "FLEX",
    "FLEXIBILITY_COLUMNS",
    "FOCUS_INDICATOR",
    "INDICATORS",
    "INDICATOR_COLUMNS",
    "MAIN_SCOPE",
    "MonitoredWaves",
    "PreparedWave",
    "activated",
    "by_wave",
    "changes_since",
    "clear_changes",
    "company_change",
    "company_levels",
    "company_levels_by_wave",
    "count_tests",
    "flag_changes",
    "flex_available",
    "flexibility_change",
    "flexibility_groups",
    "flexibility_headline",
    "flexibility_tested",
    "indicator_levels",
    "indicator_trend",
    "load_waves",
    "network_change",
    "network_membership",
    "paired_company_changes",
    "panel_levels",
    "panel_scopes",
    "pool_waves",
    "pooled_workers",
    "prepare_wave",
    "wave_chain",
    "wave_changes",
    "worker_changes",
    "worker_indicators",
    "worker_outcomes",
]
