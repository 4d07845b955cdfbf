"""pipeline.analyse.analysis.survey: the wave's design (minimum respondents per post-stratum) and
the methods appendix's table of standard errors with and without the fpc.

The table is checked by hand on a tiny wave where every company is one post-stratum (so
every weight is N / n and the variance is the textbook stratified one); against R through
the stats functions in ``tests/analyse/stats/test_published.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis import survey
from pipeline.analyse.stats import design as sd

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def wave():
    """A: 3 women, 1 man (a post-stratum of one); B: 3 and 3; C: gender not reported."""
    companies = pd.DataFrame({
        "company_id": ["A", "B", "C"],
        "n_employees": pd.array([10, 20, 8], dtype="Int64"),
        "share_women": [0.5, 0.4, 0.5],
    })
    genders = {"A": ["F", "F", "F", "M"], "B": ["F", "F", "F", "M", "M", "M"],
               "C": ["NR"] * 5}
    rows = [{"company_id": c, "gender": g} for c, gs in genders.items() for g in gs]
    workers = pd.DataFrame(rows)
    workers["wfc_score"] = [2.0, 3.4, 5.0, 4.2, 1.0, 2.2, 6.0, 3.0, 4.0, 3.6, 2.0, 2.4, None,
                            5.0, 4.4]
    workers["wlb_fit_good"] = pd.array([True, False, True, True, True, False, False, True,
                                        True, None, True, False, False, True, True],
                                       dtype="boolean")
    workers["sat_wlb"] = pd.array([pd.NA] * 15, dtype="Int8")  # nobody answered
    return workers, companies


def test_wave_design_has_the_minimum_respondents_per_post_stratum(wave):
    workers, companies = wave
    assert survey.MIN_POSTSTRATUM == sd.MIN_POSTSTRATUM == 3
    weights = survey.wave_weights(workers, companies)
    collapsed = weights.groupby("company_id")["collapsed"].first()
    assert collapsed.to_dict() == {"A": True, "B": False, "C": False}
    # the stats default (R's postStratify) keeps A's man alone in his cell
    assert not sd.poststrat_weights(workers, companies)["collapsed"].any()
    a = weights["company_id"] == "A"
    np.testing.assert_allclose(weights.loc[a, "weight"], 10 / 4)
    design = survey.wave_design(workers, companies)
    np.testing.assert_array_equal(design.weights, weights["weight"])
    assert "fewer than 3 respondents" in design.label
    nofpc = survey.wave_design(workers, companies, fpc=False)
    np.testing.assert_array_equal(nofpc.weights, design.weights)
    assert "no fpc" in nofpc.label


def test_notebooks_and_site_build_the_design_one_way():
    """Every report builds its design with wave_design (no second recipe, no literal 3)."""
    files = [ROOT / "notebooks" / "02_needs.py", ROOT / "notebooks" / "04_network.py",
             ROOT / "notebooks" / "company" / "company_report.py",
             ROOT / "pipeline" / "analyse" / "analysis" / "company_wave.py",
             ROOT / "pipeline" / "render" / "site" / "methods.py"]
    for path in files:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(survey_design|cluster_design|poststrat_weights)\(", source), \
            path.name
        assert "min_poststratum=" not in source, path.name
    for name in ("02_needs.py", "04_network.py"):
        assert "wave_design(workers, companies)" in (ROOT / "notebooks" / name).read_text()
    # the company reports build it once per wave, where the wave is opened for them
    assert "wave_design(workers, companies)" in (
        ROOT / "pipeline" / "analyse" / "analysis" / "company_wave.py").read_text()
    assert "wave_weights" in (ROOT / "pipeline" / "render" / "site" / "methods.py").read_text()


def test_proportions_use_korn_graubard():
    assert survey.PROPORTION_INTERVAL == "beta"


def _by_hand(workers, companies, y, fpc):
    """Estimate, variance and design effect from the formulas, on the wave's cells: A (one
    man) and C (gender not reported) are one cell each, B has F (8 employees, 3
    respondents) and M (12 employees, 3). Weight N_cell / n_cell; the variance is the
    stratified one of the linearised values after removing each cell's mean."""
    cell = workers["company_id"].where(workers["company_id"] != "B",
                                       "B" + workers["gender"])
    pop = {"A": 10.0, "C": 8.0, "BF": 20 * 0.4, "BM": 20 * 0.6}
    w = cell.map(pop) / cell.map(cell.value_counts())
    N = companies.set_index("company_id")["n_employees"].astype(float)
    valid = y.notna().to_numpy()
    yv = y.astype("float64").to_numpy()
    W = w[valid].sum()
    est = (w[valid] * yv[valid]).sum() / W
    z = pd.Series(np.where(valid, w * (yv - est) / W, 0.0), index=workers.index)
    r = z - z.groupby(cell).transform("mean")
    var = 0.0
    for c, idx in workers.groupby("company_id").indices.items():
        n = len(idx)
        f = 1 - n / N[c] if fpc else 1.0
        var += f * n / (n - 1) * (r.iloc[idx] ** 2).sum()
    n_d = valid.sum()
    s2 = n_d / (n_d - 1) * (w[valid] * (yv[valid] - est) ** 2).sum() / W
    deff = var / ((1 - n_d / W) * s2 / n_d)
    return est, var, deff


def _icc_by_hand(y, cluster):
    d = pd.DataFrame({"y": y.astype("float64"), "c": cluster}).dropna()
    groups = d.groupby("c")["y"]
    n, k = len(d), groups.ngroups
    nj = groups.size().to_numpy(float)
    msb = (nj * (groups.mean() - d["y"].mean()) ** 2).sum() / (k - 1)
    msw = ((d["y"] - groups.transform("mean")) ** 2).sum() / (n - k)
    n0 = (n - (nj ** 2).sum() / n) / (k - 1)
    return (msb - msw) / (msb + (n0 - 1) * msw)


def test_fpc_comparison_by_hand(wave):
    workers, companies = wave
    out = survey.fpc_comparison(workers, companies, min_cell=3)
    assert list(out.columns) == survey.FPC_COLUMNS
    assert out["indicator"].tolist() == ["wfc_score", "wlb_fit_good"]  # sat_wlb: no answer
    rows = out.set_index("indicator")
    for indicator, kind in (("wfc_score", "mean"), ("wlb_fit_good", "proportion")):
        y = workers[indicator].astype("Float64")
        est, var, deff = _by_hand(workers, companies, y, fpc=True)
        _, var_nofpc, _ = _by_hand(workers, companies, y, fpc=False)
        r = rows.loc[indicator]
        assert r["kind"] == kind
        assert r["estimate"] == pytest.approx(est, rel=1e-12)
        assert r["se"] == pytest.approx(np.sqrt(var), rel=1e-12)
        assert r["se_nofpc"] == pytest.approx(np.sqrt(var_nofpc), rel=1e-12)
        assert r["se_nofpc"] > r["se"]  # the sampling fractions are large: 4/10, 6/20, 5/8
        assert r["deff"] == pytest.approx(deff, rel=1e-12)
        assert r["icc"] == pytest.approx(_icc_by_hand(y, workers["company_id"]), rel=1e-12)
        assert r["n"] == y.notna().sum() == 14
        assert r["n_companies"] == 3 and not r["suppressed"]


def test_fpc_comparison_is_the_stats_functions_on_the_wave_design(demo_waves):
    from helpers.waves import demo_copy

    tables = demo_copy(demo_waves)
    workers, companies = tables["worker_survey"], tables["companies"]
    out = survey.fpc_comparison(workers, companies, min_cell=5).set_index("indicator")
    assert list(out.index) == list(survey.HEADLINE_INDICATORS)
    design = survey.wave_design(workers, companies)
    nofpc = survey.wave_design(workers, companies, fpc=False)
    share = sd.survey_proportion(design, workers["wlb_fit_good"].astype("Float64"),
                                 deff=True).iloc[0]
    assert out.loc["wlb_fit_good", "estimate"] == share["estimate"]
    assert out.loc["wlb_fit_good", "deff"] == share["deff"]
    sat = sd.survey_mean(nofpc, workers["sat_wlb"].astype("Float64")).iloc[0]
    assert out.loc["sat_wlb", "se_nofpc"] == sat["se"]
    # the demo's respondents are a large share of their companies: the fpc matters
    assert (out["se_nofpc"] > 1.1 * out["se"]).all()


def test_fpc_comparison_publishes_only_large_enough_cells(wave):
    workers, companies = wave
    out = survey.fpc_comparison(workers, companies, min_cell=15)  # 14 valid answers
    assert out["suppressed"].all()
    assert out[["estimate", "se", "se_nofpc", "deff", "icc"]].isna().all().all()
    assert out["n"].isna().all()
    none = survey.fpc_comparison(workers.drop(columns=["wfc_score", "wlb_fit_good"]),
                                 companies, min_cell=1)
    assert none.empty and list(none.columns) == survey.FPC_COLUMNS
    with pytest.raises(ValueError, match="kind"):
        survey.fpc_comparison(workers, companies, min_cell=1, indicators={"wfc_score": "total"})
