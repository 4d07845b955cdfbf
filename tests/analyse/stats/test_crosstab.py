"""pipeline.analyse.stats.crosstab against R and scipy.

- association_test: R ``chisq.test(correct=FALSE)`` (X^2, df, p) with Cramér's V by hand,
  ``fisher.test`` (2x2: p, conditional-MLE odds ratio and its interval; 2x4: p), and
  scipy's ``stats.contingency.association(method="cramer", correction=False)``.
- rao_scott: R survey ``svychisq(~a + b, design, statistic = "F")`` on the default
  post-stratified design and on the cluster design, on the full design and on a domain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact
from scipy.stats.contingency import association

from pipeline.analyse.stats import design as sd
from pipeline.analyse.stats.crosstab import association_test, crosstab, fisher_exact_rxc, rao_scott


def test_pearson_2x2_and_cramers_v(workers, ref):
    fm = workers[workers["gender"].isin(["F", "M"])]
    out = association_test(fm["gender"], fm["work_time"]).iloc[0]
    assert out["test"] == "pearson"
    blk = ("chisq", "gender:work_time", "F+M")
    assert out["statistic"] == pytest.approx(ref(*blk, "statistic"), rel=1e-12)
    assert out["df"] == ref(*blk, "df")
    assert out["p_value"] == pytest.approx(ref(*blk, "p_value"), rel=1e-10)
    assert out["estimate"] == pytest.approx(ref(*blk, "cramers_v"), rel=1e-12)
    table = crosstab(fm["gender"], fm["work_time"]).to_numpy()
    assert out["estimate"] == pytest.approx(association(table, method="cramer", correction=False), rel=1e-12)
    assert out["n"] == ref(*blk, "n")


def test_pearson_5x4(workers, ref):
    out = association_test(workers["age_band"], workers["wlb_fit"], exact=False).iloc[0]
    blk = ("chisq", "age_band:wlb_fit", "all")
    assert out["statistic"] == pytest.approx(ref(*blk, "statistic"), rel=1e-12)
    assert out["df"] == ref(*blk, "df")
    assert out["p_value"] == pytest.approx(ref(*blk, "p_value"), rel=1e-10)
    assert out["estimate"] == pytest.approx(ref(*blk, "cramers_v"), rel=1e-12)
    assert out["n"] == ref(*blk, "n")


def test_fisher_2x2(workers, ref):
    c07 = workers[(workers["company_id"] == "C07") & workers["gender"].isin(["F", "M"])]
    assert association_test(c07["gender"], c07["work_time"]).iloc[0]["test"] == "pearson"
    out = association_test(c07["gender"], c07["work_time"], exact=True).iloc[0]
    assert out["test"] == "fisher"
    blk = ("fisher", "C07 gender:work_time", "F+M")
    assert out["p_value"] == pytest.approx(ref(*blk, "p_value"), rel=1e-10)
    # fisher.test's own values are solved by uniroot to about 1.2e-4 ...
    assert out["odds_ratio"] == pytest.approx(ref(*blk, "estimate"), abs=2e-4)
    assert out["or_ci_low"] == pytest.approx(ref(*blk, "ci_low"), abs=2e-4)
    assert out["or_ci_high"] == pytest.approx(ref(*blk, "ci_high"), abs=2e-4)
    # ... the same equations solved to 1e-13 in R (reference.R, "fisher_precise")
    blk = ("fisher_precise", "C07 gender:work_time", "F+M")
    assert out["odds_ratio"] == pytest.approx(ref(*blk, "estimate"), rel=1e-8)
    assert out["or_ci_low"] == pytest.approx(ref(*blk, "ci_low"), rel=1e-8)
    assert out["or_ci_high"] == pytest.approx(ref(*blk, "ci_high"), rel=1e-8)
    table = crosstab(c07["gender"], c07["work_time"]).to_numpy()
    assert out["p_value"] == pytest.approx(fisher_exact(table).pvalue, rel=1e-10)


def test_fisher_2x4_enumeration(workers, ref):
    c07 = workers[workers["company_id"] == "C07"]
    out = association_test(c07["work_time"], c07["wlb_fit"]).iloc[0]
    # "auto" picks Fisher: an expected count is below 5
    assert out["min_expected"] < 5
    assert out["test"] == "fisher" and "enumeration" in out["method"]
    blk = ("fisher", "C07 work_time:wlb_fit", "all")
    assert out["p_value"] == pytest.approx(ref(*blk, "p_value"), rel=1e-10)
    assert out["n"] == ref(*blk, "n")
    assert np.isnan(out["odds_ratio"])


def test_fisher_rxc_textbook():
    # Agresti (2007), Table 2.8 tea tasting: fisher.test gives p = 0.4857 (2x2);
    # and the transpose must give the same p
    t = np.array([[3, 1], [1, 3]])
    assert fisher_exact_rxc(t)[0] == pytest.approx(0.4857142857142857, rel=1e-12)
    t3 = np.array([[1, 2, 0, 3], [2, 0, 4, 1], [0, 3, 1, 1]])
    assert fisher_exact_rxc(t3)[0] == pytest.approx(fisher_exact_rxc(t3.T)[0], rel=1e-12)


def test_fisher_falls_back_to_monte_carlo():
    t = np.array([[30, 25, 20, 15], [20, 25, 30, 35], [25, 25, 25, 25]])
    p, how = fisher_exact_rxc(t, max_tables=1000)
    assert "Monte Carlo" in how and 0 <= p <= 1


@pytest.mark.parametrize("kind", ["strat", "cluster"])
def test_rao_scott_matches_svychisq(workers, companies, ref, kind):
    design = (sd.survey_design if kind == "strat" else sd.cluster_design)(workers, companies)
    out = rao_scott(design, workers["gender"], workers["wlb_fit"]).iloc[0]
    blk = (f"raoscott_{kind}", "gender:wlb_fit", "all")
    assert out["statistic"] == pytest.approx(ref(*blk, "statistic"), rel=1e-8)
    assert out["df1"] == pytest.approx(ref(*blk, "df1"), rel=1e-8)
    assert out["df2"] == pytest.approx(ref(*blk, "df2"), rel=1e-8)
    assert out["p_value"] == pytest.approx(ref(*blk, "p_value"), rel=1e-7)
    assert out["estimate"] == pytest.approx(ref(*blk, "cramers_v"), rel=1e-10)
    # on a domain (women and men), rows outside it stay in the design
    dom = workers["gender"].isin(["F", "M"])
    out = rao_scott(design, workers["work_time"], workers["wlb_fit"], domain=dom).iloc[0]
    blk = (f"raoscott_{kind}", "work_time:wlb_fit", "F+M")
    assert out["statistic"] == pytest.approx(ref(*blk, "statistic"), rel=1e-8)
    assert out["df1"] == pytest.approx(ref(*blk, "df1"), rel=1e-8)
    assert out["df2"] == pytest.approx(ref(*blk, "df2"), rel=1e-8)
    assert out["p_value"] == pytest.approx(ref(*blk, "p_value"), rel=1e-7)


def test_crosstab_counts(workers):
    t = crosstab(workers["gender"], workers["work_time"])
    assert t.to_numpy().sum() == len(workers)
    assert list(t.index) == ["F", "M", "NR", "X"]
    assert isinstance(t, pd.DataFrame)
