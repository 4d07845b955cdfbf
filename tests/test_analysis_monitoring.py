"""Monitoring (pipeline.analysis.monitoring): the wave against the previous one.

The difference test of two independent design-based estimates is checked by hand and
against scipy's Welch statistic; McNemar's test against statsmodels; the paired company
comparison by hand. On the demo waves (docs/demo-data.md, effect 6) the monitoring
detects what the follow-up built in: more network companies, more active measures, and
less work-to-family conflict where flexible hours arrived.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from waves import demo_copy

from pipeline.analysis.measures import maturity_scores, surveyed_companies
from pipeline.analysis.monitoring import (
    activated,
    change_difference,
    company_change,
    company_levels,
    compare_waves,
    difference_test,
    flex_available,
    network_change,
    worker_indicators,
)
from pipeline.demo import write_demo_wave
from pipeline.ingest import ingest_wave
from pipeline.stats import survey_design, unweighted_design

ROOT = Path(__file__).resolve().parents[1]


def test_difference_test_by_hand_and_against_welch():
    d = difference_test(3.0, 0.1, 50, 2.8, 0.05, 80)
    se = np.sqrt(0.1**2 + 0.05**2)
    assert d["change"] == pytest.approx(-0.2)
    assert d["se"] == pytest.approx(se)
    assert d["df"] == 50  # the smaller df
    assert d["statistic"] == pytest.approx(-0.2 / se)
    assert d["p_value"] == pytest.approx(2 * stats.t.sf(0.2 / se, 50))
    q = stats.t.ppf(0.975, 50)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((-0.2 - q * se, -0.2 + q * se))
    # two simple random samples: the statistic is Welch's, the p-value more cautious
    rng = np.random.default_rng(3)
    a, b = rng.normal(3, 1, 40), rng.normal(3.4, 1.3, 60)
    sa, sb = a.std(ddof=1) / np.sqrt(40), b.std(ddof=1) / np.sqrt(60)
    mine = difference_test(a.mean(), sa, 39, b.mean(), sb, 59)
    welch = stats.ttest_ind(b, a, equal_var=False)
    assert mine["statistic"] == pytest.approx(welch.statistic)
    assert mine["p_value"] >= welch.pvalue
    assert np.isnan(difference_test(1, 0, 10, 1, 0, 10)["p_value"])


def test_worker_indicators_and_changes_on_simple_random_samples():
    rng = np.random.default_rng(7)

    def wave(shift: float, n: int) -> pd.DataFrame:
        return pd.DataFrame({
            "company_id": np.repeat(["A", "B", "C", "D"], n // 4),
            "wfc_score": rng.normal(3 - shift, 1, n),
            "wlb_fit_good": pd.array(rng.random(n) < 0.7 + shift / 4, dtype="boolean"),
        })

    prev, cur = wave(0.0, 80), wave(0.4, 120)
    scopes = {"all": None, "two": ["A", "B"], "one": ["A"]}
    ip = worker_indicators(prev, unweighted_design(prev.index), scopes=scopes,
                           indicators=["wfc_score", "wlb_fit_good"])
    ic = worker_indicators(cur, unweighted_design(cur.index), scopes=scopes,
                           indicators=["wfc_score", "wlb_fit_good"])
    row = ip[(ip["indicator"] == "wfc_score") & (ip["scope"] == "all")].iloc[0]
    assert row["estimate"] == pytest.approx(prev["wfc_score"].mean())
    assert row["se"] == pytest.approx(stats.sem(prev["wfc_score"]))
    assert row["df"] == 79 and row["n"] == 80 and row["n_companies"] == 4
    one = ip[ip["scope"] == "one"]  # one company: withheld
    assert one["estimate"].isna().all() and (one["n_companies"] == 1).all()
    changes = compare_waves(ip, ic)
    c = changes[(changes["indicator"] == "wfc_score") & (changes["scope"] == "all")].iloc[0]
    assert c["estimate"] == pytest.approx(cur["wfc_score"].mean() - prev["wfc_score"].mean())
    assert c["se"] == pytest.approx(np.hypot(stats.sem(prev["wfc_score"]),
                                             stats.sem(cur["wfc_score"])))
    assert c["df"] == 79 and c["n"] == 80
    assert c["improved"] == (c["p_value"] < 0.05 and c["estimate"] < 0)
    assert changes.loc[changes["scope"] == "one", "p_value"].isna().all()


def test_an_indicator_not_asked_in_a_wave_is_empty_not_an_error():
    workers = pd.DataFrame({"company_id": list("AABBCC"), "wfc_score": [3.0, 4, 2, 5, 3, 4]})
    out = worker_indicators(workers, unweighted_design(workers.index),
                            indicators=["wfc_score", "sat_wlb", "flex_available"])
    out = out.set_index("indicator")
    assert out.loc["wfc_score", "estimate"] == pytest.approx(3.5)
    assert np.isnan(out.loc["sat_wlb", "estimate"]) and out.loc["sat_wlb", "n"] == 0
    assert np.isnan(out.loc["flex_available", "estimate"])


def test_change_difference_by_hand():
    changes = pd.DataFrame({
        "indicator": ["x", "x"], "scope": ["treated", "others"],
        "estimate": [-0.5, 0.1], "se": [0.1, 0.05], "df": [100.0, 300.0], "n": [120, 400]})
    d = change_difference(changes, "treated", "others").iloc[0]
    assert d["estimate"] == pytest.approx(-0.6)
    assert d["se"] == pytest.approx(np.hypot(0.1, 0.05))
    assert d["df"] == 100 and d["n"] == 120


def test_network_change_mcnemar_against_statsmodels():
    from statsmodels.stats.contingency_tables import mcnemar

    prev = pd.DataFrame({"company_id": list("ABCDEFGHIJ"),
                         "in_network": pd.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
                                                dtype="boolean")})
    cur = pd.DataFrame({"company_id": list("ABCDEFGHIJK"),
                        "in_network": pd.array([1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1],
                                               dtype="boolean")})
    out = network_change(prev, cur).set_index("wave")
    assert out.loc["previous", "in_network"] == 3 and out.loc["current", "in_network"] == 8
    assert out.loc["current", "share"] == pytest.approx(8 / 11)
    paired = out.loc["paired"]
    assert paired["mapped"] == 10 and paired["joined"] == 5 and paired["left"] == 1
    table = [[2, 1], [5, 2]]  # rows: before in/out; columns: after in/out
    assert paired["p_value"] == pytest.approx(mcnemar(table, exact=True).pvalue)
    assert paired["estimate"] == pytest.approx((5 - 1) / 10)


def test_company_change_paired_and_independent_by_hand():
    prev = pd.DataFrame({"company_id": ["A", "B", "C", "D"], "n": [10.0, 12, 8, 15]})
    cur = pd.DataFrame({"company_id": ["A", "B", "C", "E", "F"], "n": [14.0, 13, 12, 20, 9]})
    out = company_change(prev, cur, indicators=["n"]).set_index("comparison")
    paired = out.loc["paired"]
    d = np.array([4.0, 1, 4])
    assert paired["n"] == 3 and paired["estimate"] == pytest.approx(3)
    t = d.mean() / (d.std(ddof=1) / np.sqrt(3))
    assert paired["statistic"] == pytest.approx(t)
    assert paired["p_value"] == pytest.approx(2 * stats.t.sf(t, 2))
    assert paired["effect_size"] == pytest.approx(d.mean() / d.std(ddof=1))
    indep = out.loc["all"]
    assert indep["estimate"] == pytest.approx(np.mean([14, 13, 12, 20, 9]) - np.mean(
        [10, 12, 8, 15]))
    assert indep["n_prev"] == 4 and indep["n_cur"] == 5


def test_activated_and_flex_available():
    prev = pd.DataFrame({"company_id": ["A", "B", "C"],
                         "m_FLEX_HOURS": ["none", "active_all", "planned"],
                         "m_SMART_WORKING": ["none", "none", None]})
    cur = pd.DataFrame({"company_id": ["A", "B", "C", "D"],
                        "m_FLEX_HOURS": ["none", "active_all", "none", "active_all"],
                        "m_SMART_WORKING": ["active_some", "none", "active_all", "none"]})
    assert activated(prev, cur) == ["A", "C"]  # B already had it, D is new
    w = pd.DataFrame({"avail_FLEX_HOURS": ["available_used", "not_available", "dont_know",
                                           "not_available", None],
                      "avail_SMART_WORKING": ["not_available", "not_available",
                                              "available_used", "available_not_used",
                                              "not_available"]})
    assert flex_available(w).tolist()[:2] == [1.0, 0.0]
    assert np.isnan(flex_available(w).iloc[2]) and np.isnan(flex_available(w).iloc[4])
    assert flex_available(w).iloc[3] == 1.0


# --------------------------------------------------------------------------------------
# Demo waves: baseline and follow-up of the same territory
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def waves(demo_waves):
    return {wave: demo_copy(demo_waves, wave) for wave in demo_waves}


def _surveyed(t):
    s = surveyed_companies(t["company_survey"], t["companies"])
    s["maturity_score"] = maturity_scores(s)["score"]
    return s


def test_follow_up_has_more_network_companies(waves):
    out = network_change(waves["demo-2013"]["companies"], waves["demo-2014"]["companies"])
    by = out.set_index("wave")
    assert by.loc["current", "in_network"] > by.loc["previous", "in_network"]
    assert by.loc["paired", "joined"] >= 8 and by.loc["paired", "left"] == 0  # +8 to +12
    assert by.loc["paired", "p_value"] < 0.05


def test_follow_up_has_more_active_measures(waves):
    prev, cur = _surveyed(waves["demo-2013"]), _surveyed(waves["demo-2014"])
    out = company_change(prev, cur).set_index(["indicator", "comparison"])
    paired = out.loc[("n_measures_active", "paired")]
    assert paired["n"] == len(prev)  # every baseline company answered again
    assert paired["estimate"] > 2 and paired["p_value"] < 0.001
    assert out.loc[("n_measures_active", "all"), "estimate"] > 0
    assert out.loc[("n_measures_active", "all"), "p_value"] < 0.05
    assert out.loc[("maturity_score", "paired"), "estimate"] > 0
    levels = company_levels(cur).set_index("indicator")
    assert levels.loc["n_measures_active", "estimate"] == pytest.approx(
        cur["n_measures_active"].mean())


def test_conflict_falls_where_flexibility_arrived(waves):
    p, c = waves["demo-2013"], waves["demo-2014"]
    new_flex = activated(p["company_survey"], c["company_survey"])
    common = sorted(set(p["company_survey"]["company_id"]) & set(c["company_survey"]["company_id"]))
    others = sorted(set(common) - set(new_flex))
    assert len(new_flex) >= 3
    scopes = {"all": None, "common": common, "new_flex": new_flex, "no_new_flex": others}
    ip = worker_indicators(p["worker_survey"], survey_design(p["worker_survey"], p["companies"]),
                           scopes=scopes)
    ic = worker_indicators(c["worker_survey"], survey_design(c["worker_survey"], c["companies"]),
                           scopes=scopes)
    changes = compare_waves(ip, ic).set_index(["indicator", "scope"])
    flex = changes.loc[("wfc_score", "new_flex")]
    assert flex["estimate"] < -0.2 and flex["ci_high"] < 0 and flex["improved"]
    assert abs(changes.loc[("wfc_score", "no_new_flex"), "estimate"]) < 0.15
    did = change_difference(compare_waves(ip, ic), "new_flex", "no_new_flex").set_index(
        "indicator").loc["wfc_score"]
    assert did["estimate"] < 0 and did["ci_high"] < 0
    # availability of flexibility rises in the common companies
    assert changes.loc[("flex_available", "common"), "estimate"] > 0
    assert changes.loc[("flex_available", "common"), "p_value"] < 0.05


@pytest.mark.slow
def test_notebook_baseline_and_follow_up(tmp_path, monkeypatch):
    import jupytext
    import papermill as pm

    from pipeline.config import get_paths
    from pipeline.ingest import write_processed

    reference = get_paths().reference_dir
    monkeypatch.setenv("WELFARE_ROOT", str(tmp_path))
    monkeypatch.setenv("WELFARE_REFERENCE_DIR", str(reference))
    for wave in ("demo-2013", "demo-2014"):
        write_demo_wave(wave, tmp_path / "raw" / wave)
        write_processed(ingest_wave(wave, tmp_path / "raw" / wave), tmp_path / "proc" / wave)
    notebook = jupytext.read(get_paths(ROOT).notebooks / "05_monitoring.py")

    def run(wave, **extra):
        tables = tmp_path / "tables" / wave
        pm.execute_notebook(notebook, str(tmp_path / f"{wave}.ipynb"),
                            parameters={"wave": wave, "tables_dir": str(tables),
                                        "processed_dir": str(tmp_path / "proc" / wave), **extra},
                            kernel_name="python3", progress_bar=False, cwd=str(ROOT))
        return tables

    base = run("demo-2013")
    assert (base / "monitoring_indicators.csv").exists()
    assert not (base / "monitoring_changes.csv").exists()
    follow = run("demo-2014", previous_wave="demo-2013",
                 previous_processed_dir=str(tmp_path / "proc" / "demo-2013"))
    network = pd.read_csv(follow / "monitoring_network.csv").set_index("wave")
    assert network.loc["paired", "joined"] > 0 and network.loc["paired", "p_value"] < 0.05
    companies = pd.read_csv(follow / "monitoring_companies.csv")
    paired = companies[(companies["indicator"] == "n_measures_active")
                       & (companies["comparison"] == "paired")].iloc[0]
    assert paired["estimate"] > 0 and paired["p_value"] < 0.05
