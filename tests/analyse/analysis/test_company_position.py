"""A company's maturity score among the other companies': quartiles that are no one's score."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta

from pipeline.analyse.analysis.company import MIN_OTHER_COMPANIES
from pipeline.analyse.analysis.company_position import (
    maturity_position,
    others_median_active,
    others_quartiles,
)
from pipeline.analyse.analysis.measures_maturity import maturity_class


def harrell_davis(values: np.ndarray, p: float) -> float:
    """The Harrell-Davis estimator written out: Beta(p(n+1), (1-p)(n+1)) weights."""
    x = np.sort(values)
    n = len(x)
    a, b = p * (n + 1), (1 - p) * (n + 1)
    cuts = beta.cdf(np.arange(n + 1) / n, a, b)
    return float(np.sum(np.diff(cuts) * x))


def scores(values: dict[str, float]) -> pd.DataFrame:
    s = pd.Series(values, dtype="float64")
    return pd.DataFrame({"company_id": s.index, "score": s.to_numpy(),
                         "maturity_class": maturity_class(s).to_numpy()})


def test_quartiles_are_harrell_davis_and_no_single_score():
    others = np.array([12.0, 18.5, 22.0, 35.0, 41.0, 47.5, 70.0])
    q1, median, q3 = others_quartiles(pd.Series(others))
    for got, p in ((q1, 0.25), (median, 0.5), (q3, 0.75)):
        assert got == pytest.approx(harrell_davis(others, p), rel=1e-9)
    assert q1 < median < q3
    # the ordinary median of seven scores is the fourth company's own score; this is not
    assert np.median(others) == 35.0 and not np.isclose(median, others).any()
    assert np.isnan(others_quartiles(pd.Series(others[: MIN_OTHER_COMPANIES - 1]))).all()


def test_position_counts_only_the_others():
    table = scores({"ME": 30.0, "A": 10.0, "B": 20.0, "C": 25.0, "D": 40.0, "E": 50.0,
                    "F": 60.0, "G": 70.0})
    pos = maturity_position(table, "ME")
    assert (pos.score, pos.maturity_class, pos.n_others) == (30.0, "3W", 7)
    assert pos.shown and pos.n_below == 3 and pos.share_below == pytest.approx(3 / 7)
    assert pos.withheld is None
    others = np.array([10.0, 20, 25, 40, 50, 60, 70])
    assert pos.median == pytest.approx(harrell_davis(others, 0.5))
    assert pos.q1 < pos.score < pos.median and pos.quarter == 2
    with pytest.raises(KeyError):
        maturity_position(table, "nobody")


def test_the_best_company_learns_its_quarter_not_that_it_beats_everyone():
    table = scores({"ME": 90.0, **{c: v for c, v in zip("ABCDEF", [10, 20, 30, 40, 50, 60],
                                                          strict=True)}})
    pos = maturity_position(table, "ME")
    assert pos.quarter == 4 and pos.n_below == 6
    assert pos.withheld == "all" and np.isnan(pos.share_below)
    second = maturity_position(table, "F")  # above all but one: singles that one out
    assert second.withheld == "all_but_one" and np.isnan(second.share_below)
    low = maturity_position(table, "A")
    assert low.quarter == 1 and low.withheld == "none"


def test_too_few_others_show_nothing_of_them():
    table = scores({"ME": 30.0, "A": 10.0, "B": 20.0, "C": 40.0, "D": 50.0})  # 4 others
    pos = maturity_position(table, "ME")
    assert not pos.shown and pos.quarter == 0 and pos.withheld == "too_few"
    assert np.isnan([pos.q1, pos.median, pos.q3, pos.share_below]).all()


def test_the_median_of_active_measures_leaves_the_company_out():
    survey = pd.DataFrame({"company_id": list("MABCDEF"),
                           "n_measures_active": [60, 3, 5, 8, 9, 12, 15]})
    got = others_median_active(survey, "M")
    assert got == pytest.approx(harrell_davis(np.array([3.0, 5, 8, 9, 12, 15]), 0.5))
    assert np.isnan(others_median_active(survey.head(5), "M"))
