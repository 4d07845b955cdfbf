"""pipeline.analyse.stats.likert against R (reference/reference.R).

- likert_distribution: R survey ``svymean(~factor(wlb_fit), subset(des, !is.na(wlb_fit)))``
  (estimate, SE) and ``svyciprop(~I(wlb_fit==k), method="logit")`` per category.
- top_box: the same estimator as the needs table (``svymean``/``svyciprop`` of
  ``I(y>=3)`` on the valid answers, by gender through ``svyby``).
- cronbach_alpha: R ``psych::alpha`` (psych 2.2.9), ``$total$raw_alpha`` and the Feldt
  interval ``$feldt``, listwise (complete cases) and pairwise (psych's default).
- scale_score: R ``ifelse(rowSums(!is.na(m)) >= 4, rowMeans(m, na.rm=TRUE), NA)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.stats import design as sd
from pipeline.analyse.stats.likert import cronbach_alpha, likert_distribution, scale_score, top_box

WFC = [f"wfc_{i}" for i in range(1, 6)]
FWC = [f"fwc_{i}" for i in range(1, 6)]


@pytest.fixture(scope="module")
def des(workers, companies):
    return sd.survey_design(workers, companies)


def test_likert_distribution_matches_r(workers, des, ref):
    overall = likert_distribution(workers["wlb_fit"], design=des)
    by = likert_distribution(workers["wlb_fit"], design=des, by=workers["gender"])
    out = pd.concat([overall, by]).set_index(["group", "category"])
    for g in ["all", "F", "M"]:
        for k in (1, 2, 3, 4):
            row = out.loc[(g, k)]
            r = lambda q, g=g, k=k: ref("likert_wlb_fit", str(k), g, q)  # noqa: E731
            assert row["estimate"] == pytest.approx(r("estimate"), rel=1e-8)
            assert row["se"] == pytest.approx(r("se"), rel=1e-8)
            assert row["ci_low"] == pytest.approx(r("ci_low"), abs=1e-7)
            assert row["ci_high"] == pytest.approx(r("ci_high"), abs=1e-7)
            assert row["df"] == r("df") and row["n"] == r("n")
    sums = by.groupby("group")["estimate"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=1e-12)
    counts = workers.dropna(subset=["wlb_fit"]).groupby(["gender", "wlb_fit"]).size()
    assert out.loc[("F", 2), "count"] == counts[("F", 2)]
    assert list(overall["category"]) == [1, 2, 3, 4]


def test_likert_refuses_unknown_codes(workers):
    with pytest.raises(ValueError, match="outside"):
        likert_distribution(workers["wfc_1"])  # 1-7 on a 1-4 list


def test_top_box_is_the_needs_table(workers, des, ref):
    items = ["need_imp_FLEX_HOURS", "need_imp_NURSERY_SHARED"]
    out = top_box(workers, items, design=des, by="gender").set_index(["variable", "group"])
    assert len(out) == 2 * 5
    for item in items:
        for g in ["all", "F", "M", "X"]:
            row = out.loc[(item, g)]
            assert row["estimate"] == pytest.approx(ref("prop_strat", item, g, "estimate"), rel=1e-8)
            assert row["se"] == pytest.approx(ref("prop_strat", item, g, "se"), rel=1e-8)
            assert row["ci_low"] == pytest.approx(ref("prop_strat", item, g, "ci_low"), abs=1e-7)
            assert row["ci_high"] == pytest.approx(ref("prop_strat", item, g, "ci_high"), abs=1e-7)
            assert row["n"] == ref("prop_strat", item, g, "n")


def test_top_box_unweighted_default(workers):
    out = top_box(workers, ["need_imp_FLEX_HOURS"]).iloc[0]
    valid = workers["need_imp_FLEX_HOURS"].dropna()
    assert out["estimate"] == pytest.approx((valid >= 3).mean(), rel=1e-12)
    assert out["n"] == len(valid)


def test_scale_score_matches_r(workers, r_rows):
    r = r_rows.set_index("resp_id").loc[workers["resp_id"]]
    for items, col in ((WFC, "wfc_score"), (FWC, "fwc_score")):
        s = scale_score(workers[items], min_valid=4)
        np.testing.assert_allclose(s.to_numpy(), r[col].to_numpy(dtype=float), rtol=1e-15)
        assert s.isna().sum() == r[col].isna().sum() > 0


def test_scale_score_min_valid_bounds(workers):
    with pytest.raises(ValueError):
        scale_score(workers[WFC], min_valid=6)


@pytest.mark.parametrize("policy", ["listwise", "pairwise"])
def test_cronbach_alpha_matches_psych(workers, ref, policy):
    out = cronbach_alpha(workers[WFC], nan_policy=policy).iloc[0]
    item = f"wfc {policy}"
    assert out["estimate"] == pytest.approx(ref("alpha", item, "all", "estimate"), rel=1e-10)
    assert out["ci_low"] == pytest.approx(ref("alpha", item, "all", "ci_low"), rel=1e-10)
    assert out["ci_high"] == pytest.approx(ref("alpha", item, "all", "ci_high"), rel=1e-10)
    assert out["n"] == ref("alpha", item, "all", "n")
    assert out["k"] == 5
