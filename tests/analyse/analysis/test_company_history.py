"""A company against its own previous wave: where it stood, its score then and now, the
measures it activated or dropped."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers.waves import demo_copy

from pipeline.analyse.analysis.company_history import (
    MaturityChange,
    history_state,
    maturity_change,
    measure_changes,
    others_median_then_now,
    previous_wave_data,
)
from pipeline.analyse.analysis.company_position import others_quartiles
from pipeline.analyse.analysis.measures import maturity_scores, surveyed_companies
from pipeline.codebook import load_codebook
from pipeline.wave import WaveData, write_processed


def previous(surveyed=("A",), members=("A", "B"), mapped=("A", "B", "C")):
    companies = pd.DataFrame({"company_id": list(mapped),
                              "in_network": [c in members for c in mapped]})
    return {"company_survey": pd.DataFrame({"company_id": list(surveyed)}),
            "companies": companies}


@pytest.mark.parametrize(("company", "state"), [
    ("A", "surveyed"), ("B", "first_survey"), ("C", "new_to_network"),
    ("Z", "new_to_network")])
def test_where_the_company_stood_at_the_previous_wave(company, state):
    assert history_state(previous(), company) == state


def test_without_a_previous_wave_every_company_is_at_the_baseline():
    assert history_state(None, "A") == "baseline"


def test_the_previous_wave_is_read_only_when_it_was_processed(tmp_path, demo_waves):
    assert previous_wave_data(None) is None
    assert previous_wave_data("w0", tmp_path / "missing") is None
    dest = tmp_path / "w0"
    write_processed(WaveData("w0", demo_copy(demo_waves), {"label": "w0"}), dest)
    data = previous_wave_data("w0", dest)
    assert data is not None and set(data.tables) >= {"companies", "company_survey"}
    assert data.meta["label"] == "w0"


def test_score_and_class_then_and_now():
    then = pd.DataFrame({"company_id": ["A", "B"], "score": [17.9, 50.0],
                         "maturity_class": ["2W", "5W"]})
    now = pd.DataFrame({"company_id": ["A", "B"], "score": [35.7, 50.02],
                        "maturity_class": ["4W", "5W"]})
    up = maturity_change(then, now, "A")
    assert up == MaturityChange(17.9, "2W", 35.7, "4W")
    assert up.change == pytest.approx(17.8) and up.steps == 2 and up.direction == "up"
    same = maturity_change(then, now, "B")
    assert same.direction == "same" and same.steps == 0  # 0.02 points: written the same
    down = maturity_change(now, then, "A")
    assert down.direction == "down" and down.steps == -2
    with pytest.raises(KeyError, match="previous wave"):
        maturity_change(then.iloc[1:], now, "A")


def test_measures_activated_dropped_extended_narrowed():
    codebook = load_codebook()
    m = codebook.measure_codes()[:7]
    then = pd.DataFrame({"company_id": ["A"], **{f"m_{c}": [s] for c, s in zip(m, [
        "none", "planned", "active_all", "active_some", "active_all", None, "none"],
        strict=True)}})
    now = pd.DataFrame({"company_id": ["A"], **{f"m_{c}": [s] for c, s in zip(m, [
        "active_some", "active_all", "none", "active_all", "active_some", "active_all",
        "planned"], strict=True)}})
    out = measure_changes(then, now, "A", codebook)
    assert dict(zip(out["measure"], out["change"], strict=True)) == {
        m[0]: "activated", m[1]: "activated", m[2]: "dropped", m[3]: "extended",
        m[4]: "narrowed"}  # m[5] unanswered then, m[6] none -> planned: not a change
    assert list(out["change"]) == ["activated", "activated", "extended", "narrowed", "dropped"]
    assert out.loc[out["measure"] == m[2], ["before", "after"]].iloc[0].tolist() == [
        "active_all", "none"]
    assert measure_changes(then, now, "B", codebook).empty


def test_the_others_median_then_and_now_leaves_the_company_out(demo_waves):
    codebook = load_codebook()
    by_wave = {}
    for wave in ("demo-2013", "demo-2014"):
        t = demo_waves[wave]
        by_wave[wave] = maturity_scores(surveyed_companies(t["company_survey"], t["companies"]),
                                        codebook=codebook)
    cid = by_wave["demo-2013"]["company_id"].iloc[0]
    then, now = others_median_then_now(by_wave["demo-2013"], by_wave["demo-2014"], cid)
    for got, scores in ((then, by_wave["demo-2013"]), (now, by_wave["demo-2014"])):
        others = scores.loc[scores["company_id"] != cid, "score"]
        assert got == pytest.approx(others_quartiles(others)[1])
