"""Tests whose size holds with few companies: randomisation over companies and the wild
cluster bootstrap.

What it holds: the thresholds below which the reports publish no p-value
(:data:`MIN_TEST_COMPANIES`, :data:`MIN_ASSIGNMENTS`), and the two tests, re-exported
from the modules that implement them so that ``from pipeline.analyse.stats.resampling
import ...`` keeps working:

- :func:`~pipeline.analyse.stats.randomisation.permutation_test`
  (:mod:`pipeline.analyse.stats.randomisation`);
- :func:`~pipeline.analyse.stats.wild_bootstrap.wild_cluster_bootstrap`
  (:mod:`pipeline.analyse.stats.wild_bootstrap`);
- what they share, the interval by test inversion among it:
  :mod:`pipeline.analyse.stats.resampling_base`.

Why resampling, and which
-------------------------
With 20-40 surveyed companies, post-stratification weights that vary a hundredfold and a
company effect on every worker outcome, no t reference distribution keeps its size: CR1
with companies - 1 df rejected a true null in 15-30 % of simulated waves, CR2 with
Bell-McCaffrey df (:mod:`pipeline.analyse.stats.clustered`) in 1-4 % (conservative, with little
power). ``benchmarks/bench_calibration.py`` measured both, and the two methods here, under
null waves of this design. The two methods answer the two kinds of comparison the reports
make:

* :func:`permutation_test` - **randomisation inference over companies** for a
  company-level contrast (companies with vs without a measure; companies that introduced
  one between the waves vs the others, a difference in differences): the measure's labels
  are reassigned to the same number of companies and the regression refitted each time.
  Exact under the null that the measure changes no worker's outcome and was as good as
  randomly allocated among these companies.
* :func:`wild_cluster_bootstrap` - the **wild cluster restricted bootstrap** (WCR) for a
  term that varies within companies (the wave, in a comparison of two waves where most
  companies are surveyed twice): residuals of the model that imposes the null are
  multiplied by one Webb six-point weight per company.

Both intervals are the inversion of the test, so the interval and the p-value never
disagree.

Tests: ``tests/analyse/stats/test_resampling.py`` checks the permutation test against a
brute-force loop of statsmodels fits over every reassignment, and the wild bootstrap
against ``wildboottest`` (the Python port of ``fwildclusterboot``) on unweighted data and
a brute-force loop of weighted fits.
"""

from __future__ import annotations

from pipeline.analyse.stats.randomisation import permutation_test
from pipeline.analyse.stats.wild_bootstrap import wild_cluster_bootstrap

__all__ = ["MIN_ASSIGNMENTS", "MIN_TEST_COMPANIES", "permutation_test",
           "wild_cluster_bootstrap"]

#: Fewest companies carrying a change between waves (the wild cluster bootstrap, the
#: paired t test of company values) for a published p-value: the smallest network in the
#: calibration study (``benchmarks/bench_calibration.py``), where the size was measured.
MIN_TEST_COMPANIES = 10

#: Fewest distinct reassignments of a company-level contrast for a published p-value. A
#: randomisation test over N equally likely reassignments rejects at 5 % in
#: floor(0.05 N) / N of them: at least 4 % once N >= 100, as little as 2.6 % below (N =
#: 39). C(G, k) with k companies on the smaller side: 3 of 10 companies give 120 ways, 3 of
#: 9 only 84. Below it the row says in words that no test is possible and shows no p-value.
MIN_ASSIGNMENTS = 100
