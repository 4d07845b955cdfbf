"""The published tables of the worker survey against R (reference/design_extras.R, "pub_*").

The pipeline publishes on :func:`pipeline.analyse.analysis.survey.wave_design` (the default design
with at least 3 respondents per post-stratum) with Korn-Graubard intervals for shares:
R's ``svyciprop(method = "beta")`` on the same design rebuilt in R (``des3``), means with
``svymean(deff = TRUE)`` and a t interval on ``degf()``. Same arithmetic in R and Python:
values agree to 1e-9 relative, as in ``test_design_extras.py``. The tests never run R.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis.needs import balance_table, needs_distribution, needs_table
from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL, fpc_comparison, wave_design
from pipeline.ingest.derive import derive_worker_survey

REF = Path(__file__).parent / "reference"
REL = 1e-9
MEASURES = {"FLEX_HOURS": "flex_ge3", "NURSERY_SHARED": "nursery_ge3",
            "ELDERCARE_SERVICES": "eldercare_ge3"}


@pytest.fixture(scope="module")
def rx():
    t = pd.read_csv(REF / "r_design_extras.csv", keep_default_na=False, na_values=[""],
                    dtype={"item": str, "group": str})
    values = {(r.block, r.item, r.group, r.quantity): float(r.value) for r in t.itertuples()}
    return lambda block, item, group, quantity: values[(block, item, group, quantity)]


@pytest.fixture(scope="module")
def derived(workers):
    """The fixture's workers with the pipeline's derived columns (scores, good fit, groups)."""
    return derive_worker_survey(workers)


@pytest.fixture(scope="module")
def design(derived, companies):
    return wave_design(derived, companies)


def _close(actual, expected, rel=REL):
    assert np.isfinite(actual) and np.isfinite(expected), (actual, expected)
    assert actual == pytest.approx(expected, rel=rel)


def test_the_published_interval_is_korn_graubard():
    assert PROPORTION_INTERVAL == "beta"


def test_wave_design_is_r_design_with_the_minimum(design, workers, rx):
    # C10 (one woman, one man) is the company the minimum collapses (test_design_extras)
    c10 = (workers["company_id"] == "C10").to_numpy()
    _close(design.weights[c10][0], rx("weights_min3", "C10", "all", "weight"), rel=1e-13)
    assert "fewer than 3" in design.label


def _row_matches_r(row, rx, block: str, item: str) -> None:
    """A published row's estimate, SE, interval, df and n are R's (block ``block``)."""
    for q in ("estimate", "se", "ci_low", "ci_high"):
        _close(getattr(row, q), rx(block, item, row.group, q))
    assert row.df == rx(block, item, row.group, "df")
    assert row.n == rx(block, item, row.group, "n")


def test_needs_table_matches_r(derived, design, rx):
    table = needs_table(derived, design, list(MEASURES), groupings=("all", "gender"))
    assert set(table["group"]) == {"all", "F", "M"}
    assert table["method"].str.contains("Korn-Graubard").all()
    for row in table.itertuples():
        _row_matches_r(row, rx, "pub_needs", MEASURES[row.measure])


def test_needs_distribution_matches_r(derived, design, rx):
    table = needs_distribution(derived, design, ["FLEX_HOURS"])
    assert table["category"].tolist() == [1, 2, 3, 4]
    assert table["estimate"].sum() == pytest.approx(1.0, rel=1e-12)
    for row in table.itertuples():
        for q in ("estimate", "se", "ci_low", "ci_high"):
            _close(getattr(row, q), rx("pub_distribution", "FLEX_HOURS", str(row.category), q))
        assert row.n == rx("pub_distribution", "FLEX_HOURS", str(row.category), "n")


def test_balance_table_matches_r(derived, design, rx):
    table = balance_table(derived, design, groupings=("all", "gender"))
    assert set(table["group"]) == {"all", "F", "M"}
    items = {"wfc_score": "wfc_score", "fwc_score": "fwc_score", "wlb_fit_good": "wlb_good"}
    for row in table.itertuples():
        item = items[row.indicator]
        _row_matches_r(row, rx, "pub_balance", item)
        if row.group_var == "all":  # the design effect and the intra-company correlation
            _close(row.deff, rx("pub_balance", item, "all", "deff"))
            _close(row.icc, rx("icc", item, "all", "estimate"))
        else:
            assert np.isnan(row.deff) and np.isnan(row.icc)
    fit = table[table["indicator"] == "wlb_fit_good"]
    assert fit["method"].str.contains("Korn-Graubard").all()


def test_fpc_comparison_matches_r(derived, companies, rx):
    out = fpc_comparison(derived, companies, min_cell=5,
                         indicators={"wfc_score": "mean", "wlb_fit_good": "proportion"})
    for row in out.itertuples():
        item = "wlb_good" if row.indicator == "wlb_fit_good" else row.indicator
        _close(row.estimate, rx("pub_balance", item, "all", "estimate"))
        _close(row.se, rx("pub_balance", item, "all", "se"))
        _close(row.deff, rx("pub_balance", item, "all", "deff"))
        _close(row.se_nofpc, rx("pub_nofpc", item, "all", "se"))
        _close(row.icc, rx("icc", item, "all", "estimate"))
        assert row.n == rx("pub_nofpc", item, "all", "n")
        assert row.n_companies == rx("icc", item, "all", "n_clusters")
        assert row.se_nofpc > row.se
