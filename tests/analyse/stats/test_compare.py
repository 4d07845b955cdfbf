"""pipeline.analyse.stats.compare against R (reference/reference.R) and scipy.

- welch_ttest: R ``t.test(x, y)`` (Welch); Cohen's d / Hedges' g and their noncentral-t
  intervals solved in R with ``uniroot`` to 1e-14, and R effectsize 0.8.3
  ``cohens_d``/``hedges_g`` (whose ``optim`` stops near 1e-6: compared at 1e-5).
- mann_whitney: R ``wilcox.test(exact=FALSE, correct=TRUE)`` (W, p); effectsize
  ``rank_biserial`` (r and interval) and ``mean(sign(outer(x, y, "-")))`` by hand.
- kruskal_wallis: R ``kruskal.test`` and effectsize ``rank_epsilon_squared``.
- design_mean_difference: R survey ``svyttest(wfc_score ~ flex_hours_active, design)`` on
  the post-stratified default design and on the cluster design, overall and for women.
"""

from __future__ import annotations

import pytest

from pipeline.analyse.stats import design as sd
from pipeline.analyse.stats.compare import (
    design_mean_difference,
    kruskal_wallis,
    mann_whitney,
    welch_ttest,
)


@pytest.fixture(scope="module")
def data(workers, companies, r_rows):
    d = workers.merge(companies[["company_id", "flex_hours_active"]], on="company_id", how="left")
    d.index = workers.index
    r = r_rows.set_index("resp_id").loc[workers["resp_id"]]
    d["wfc_score"] = r["wfc_score"].to_numpy()
    d["w"] = r["w"].to_numpy()
    return d


def test_welch_and_effect_sizes(data, ref):
    x = data.loc[data["gender"] == "F", "wfc_score"]
    y = data.loc[data["gender"] == "M", "wfc_score"]
    out = welch_ttest(x, y).iloc[0]
    r = lambda q: ref("welch", "wfc_score", "F-M", q)  # noqa: E731
    for col, q in [("estimate", "estimate"), ("se", "se"), ("statistic", "statistic"),
                   ("df", "df"), ("p_value", "p_value"), ("ci_low", "ci_low"), ("ci_high", "ci_high")]:
        assert out[col] == pytest.approx(r(q), rel=1e-10), col
    assert (out["n_x"], out["n_y"]) == (r("n1"), r("n2"))
    for prefix, blk in (("cohen_d", "cohen_d"), ("hedges_g", "hedges_g")):
        ci = "d" if prefix == "cohen_d" else "g"
        assert out[prefix] == pytest.approx(ref(blk, "wfc_score", "F-M", "estimate"), rel=1e-12)
        assert out[f"{ci}_ci_low"] == pytest.approx(ref(blk, "wfc_score", "F-M", "ci_low"), rel=1e-8)
        assert out[f"{ci}_ci_high"] == pytest.approx(ref(blk, "wfc_score", "F-M", "ci_high"), rel=1e-8)
        es = "effectsize_cohens_d" if blk == "cohen_d" else "effectsize_hedges_g"
        assert out[f"{ci}_ci_low"] == pytest.approx(ref(es, "wfc_score", "F-M", "ci_low"), abs=1e-5)
        assert out[f"{ci}_ci_high"] == pytest.approx(ref(es, "wfc_score", "F-M", "ci_high"), abs=1e-5)


def test_mann_whitney(data, ref):
    x = data.loc[data["gender"] == "F", "wlb_fit"]
    y = data.loc[data["gender"] == "M", "wlb_fit"]
    out = mann_whitney(x, y).iloc[0]
    r = lambda q: ref("mannwhitney", "wlb_fit", "F-M", q)  # noqa: E731
    assert out["statistic"] == r("statistic")
    assert out["p_value"] == pytest.approx(r("p_value"), rel=1e-10)
    assert out["estimate"] == pytest.approx(r("estimate"), rel=1e-12)
    assert out["estimate"] == pytest.approx(r("rb_by_hand"), rel=1e-12)
    assert out["ci_low"] == pytest.approx(r("ci_low"), rel=1e-10)
    assert out["ci_high"] == pytest.approx(r("ci_high"), rel=1e-10)
    assert (out["n_x"], out["n_y"]) == (r("n1"), r("n2"))


def test_kruskal_wallis(data, ref):
    out = kruskal_wallis(data["wlb_fit"], data["age_band"]).iloc[0]
    r = lambda q: ref("kruskal", "wlb_fit", "age_band", q)  # noqa: E731
    assert out["statistic"] == pytest.approx(r("statistic"), rel=1e-10)
    assert out["df"] == r("df")
    assert out["p_value"] == pytest.approx(r("p_value"), rel=1e-10)
    assert out["estimate"] == pytest.approx(r("estimate"), rel=1e-10)
    assert out["n"] == r("n") and out["k"] == 5


@pytest.mark.parametrize("kind", ["strat", "cluster"])
@pytest.mark.parametrize("group", ["all", "F"])
def test_design_mean_difference_matches_svyttest(data, workers, companies, ref, kind, group):
    design = (sd.survey_design if kind == "strat" else sd.cluster_design)(workers, companies)
    dom = None if group == "all" else data["gender"] == group
    out = design_mean_difference(design, data["wfc_score"], data["flex_hours_active"], domain=dom).iloc[0]
    r = lambda q: ref(f"svyttest_{kind}", "wfc_score~flex_hours_active", group, q)  # noqa: E731
    assert out["estimate"] == pytest.approx(r("estimate"), rel=1e-8)
    assert out["se"] == pytest.approx(r("se"), rel=1e-8)
    assert out["statistic"] == pytest.approx(r("statistic"), rel=1e-8)
    assert out["df"] == r("df")
    assert out["p_value"] == pytest.approx(r("p_value"), rel=1e-7)
    assert out["ci_low"] == pytest.approx(r("ci_low"), abs=1e-7)
    assert out["ci_high"] == pytest.approx(r("ci_high"), abs=1e-7)
    assert out["n"] == r("n")
