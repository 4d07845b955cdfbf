"""stratum_complements: every stratum's "others" at once.

Two references: R's survey package on ``subset(design, company_id != c)`` for every company
of the fixture (blocks ``complement_*`` of ``reference/design_extras.R``, the published
design and intervals), and, for every design and interval the package has, the direct
domain estimate of :func:`survey_mean` / :func:`survey_proportion` (itself checked against
R in ``test_design.py``): the one-pass algebra must give what one pass per stratum gives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.stats import design as sd
from pipeline.analyse.stats.estimates import stratum_complements

QUANTITIES = ["estimate", "se", "ci_low", "ci_high", "df", "n", "weighted_n"]


@pytest.fixture(scope="module")
def designs(workers, companies) -> dict[str, sd.SurveyDesign]:
    return {
        "strat": sd.survey_design(workers, companies),
        "nofpc": sd.survey_design(workers, companies, fpc=False),
        "strat_min3": sd.survey_design(workers, companies, min_poststratum=3),
        "cluster": sd.cluster_design(workers, companies),
        "unweighted": sd.unweighted_design(workers.index),
    }


@pytest.fixture(scope="module")
def variables(workers) -> dict[str, pd.Series]:
    return {
        "flex_ge3": workers["need_imp_FLEX_HOURS"] >= 3,
        "eldercare_eq4": workers["need_imp_ELDERCARE_SERVICES"] == 4,
        "wfc_1": workers["wfc_1"].astype("Float64"),
        "wlb_fit": workers["wlb_fit"].astype("Float64"),
    }


def _direct(design, y, domain, proportion, method):
    if proportion:
        return sd.survey_proportion(design, y, domain=domain, method=method).iloc[0]
    return sd.survey_mean(design, y, domain=domain).iloc[0]


def _same(actual: pd.Series, expected: pd.Series, rel: float = 1e-9) -> None:
    for q in QUANTITIES:
        a, e = float(actual[q]), float(expected[q])
        if np.isnan(e):
            assert np.isnan(a), (q, a, e)
        else:
            assert a == pytest.approx(e, rel=rel, abs=1e-12), (q, a, e)


@pytest.mark.parametrize("kind", ["strat", "nofpc", "strat_min3"])
@pytest.mark.parametrize(("item", "method"), [
    ("flex_ge3", "beta"), ("flex_ge3", "logit"), ("eldercare_eq4", "beta"),
    ("wfc_1", None), ("wlb_fit", None),
])
def test_each_company_left_out_as_the_domain_estimate(workers, designs, variables, kind, item,
                                                      method):
    design, y = designs[kind], variables[item]
    proportion = method is not None
    out = stratum_complements(design, y, proportion=proportion, method=method or "logit")
    assert list(out["group"].iloc[:-1]) == list(design.stratum_labels)
    assert pd.isna(out["group"].iloc[-1])
    for _, row in out.iterrows():
        domain = None if pd.isna(row["group"]) else workers["company_id"] != row["group"]
        _same(row, _direct(design, y, domain, proportion, method or "logit"))


@pytest.mark.parametrize("kind", ["cluster", "unweighted"])
def test_one_stratum_designs(workers, designs, variables, kind):
    """A single stratum: its complement is empty, the last row is the whole design."""
    design, y = designs[kind], variables["flex_ge3"]
    out = stratum_complements(design, y, proportion=True, method="beta")
    assert len(out) == design.n_strata + 1
    empty = out.iloc[0]
    assert empty["n"] == 0 and np.isnan(empty["estimate"]) and np.isnan(empty["ci_low"])
    _same(out.iloc[-1], _direct(design, y, None, True, "beta"))


@pytest.mark.parametrize(("item", "block"), [("flex_ge3", "complement_needs"),
                                             ("eldercare_ge3", "complement_needs"),
                                             ("wfc_score", "complement_balance")])
def test_matches_r_on_the_published_design(workers, companies, r_rows, rx, item, block):
    """R: ``svyciprop(method = "beta")`` / ``svymean`` + ``confint(df = degf())`` on
    ``wave[!is.na(y) & company_id != c, ]`` for every company c (design_extras.R)."""
    design = sd.survey_design(workers, companies, min_poststratum=3)
    if item == "wfc_score":
        y = pd.Series(r_rows.set_index("resp_id").loc[workers["resp_id"], "wfc_score"]
                      .to_numpy(), index=workers.index)
        out = stratum_complements(design, y)
    else:
        need = {"flex_ge3": "FLEX_HOURS", "eldercare_ge3": "ELDERCARE_SERVICES"}[item]
        out = stratum_complements(design, workers[f"need_imp_{need}"] >= 3, proportion=True,
                                  method="beta")
    checked = 0
    for _, row in out.dropna(subset=["group"]).iterrows():
        for q in ["estimate", "se", "ci_low", "ci_high", "df", "n"]:
            assert row[q] == pytest.approx(rx(block, item, row["group"], q), rel=1e-9), q
        checked += 1
    assert checked == design.n_strata == workers["company_id"].nunique()


def test_all_or_none_in_a_complement_is_exact(workers, designs):
    """p = 1 (or 0) outside a company comes out as exactly 1 (0) with no variance, as the
    direct sums give: the interval is then [lower, 1] (or [0, upper])."""
    design = designs["strat_min3"]
    first = design.stratum_labels[0]
    mine = workers["company_id"] == first
    for value in (True, False):
        y = pd.Series(np.where(mine, not value, value), index=workers.index)
        out = stratum_complements(design, y, proportion=True, method="beta")
        row = out.iloc[0]
        assert row["estimate"] == (1.0 if value else 0.0) and row["se"] == 0.0
        _same(row, _direct(design, y, ~mine, True, "beta"))


def test_missing_values_and_an_empty_complement(workers, designs):
    """Strata with no valid answer, and a complement with none (only one company
    answered): n 0 and NaN, as the direct estimate of an empty domain."""
    design = designs["strat"]
    only = design.stratum_labels[2]
    y = workers["wfc_1"].astype("Float64").where(workers["company_id"] == only)
    out = stratum_complements(design, y).set_index("group", drop=False)
    row = out.loc[only]
    assert row["n"] == 0 and np.isnan(row["estimate"]) and np.isnan(row["se"])
    for label in design.stratum_labels:
        if label != only:
            domain = workers["company_id"] != label
            _same(out.loc[label], _direct(design, y, domain, False, "logit"))


def test_bad_input_is_refused(workers, designs):
    design = designs["strat"]
    with pytest.raises(ValueError, match="0/1"):
        stratum_complements(design, workers["wfc_1"].astype("Float64"), proportion=True)
    with pytest.raises(ValueError, match="method"):
        stratum_complements(design, workers["need_imp_FLEX_HOURS"] >= 3, proportion=True,
                            method="wald")
