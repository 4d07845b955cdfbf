"""Complementary suppression: after it, no withheld cell can be narrowed below the range.

The check is the brute-force attacker of ``test_linear`` (every integer filling of the
withheld cells), not the linear programme the suppression itself uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_linear import _brute, _two_way

from pipeline.analyse.disclosure import protect_table, suppress_small_cells
from pipeline.analyse.disclosure.audit import audit_table
from pipeline.analyse.disclosure.linear import Equation, System
from pipeline.analyse.disclosure.secondary import DisclosureError, complementary_cells

MIN_CELL = 5


def _check(values, eqs, withheld, cap):
    low, high = _brute(values, eqs, withheld, {}, cap)
    system = System(values=values, equations=eqs, withheld=withheld)
    for k in withheld:
        if high[k] <= 0 or low[k] >= MIN_CELL:
            continue
        assert high[k] - low[k] >= min(MIN_CELL, system.trivial_width(k)), (k, low[k], high[k])


@pytest.mark.parametrize("seed", range(10))
def test_one_way_tables_end_protected(seed):
    rng = np.random.default_rng(100 + seed)
    counts = rng.integers(0, 12, size=6)
    values = {f"c{i}": float(v) for i, v in enumerate(counts)}
    eqs = [Equation(tuple(values), float(counts.sum()))]
    primary = {k for k, v in values.items() if 0 < v < MIN_CELL}
    system = System(values=values, equations=eqs, withheld=set(primary))
    extra = complementary_cells(system, min_cell=MIN_CELL, protection=MIN_CELL)
    assert not extra & primary
    if primary:
        _check(values, eqs, primary | extra, cap=int(counts.sum()))
    else:
        assert extra == set()


@pytest.mark.parametrize("seed", range(8))
def test_two_way_tables_end_protected(seed):
    rng = np.random.default_rng(200 + seed)
    cells = rng.integers(MIN_CELL, 12, size=(3, 3))
    cells[rng.integers(0, 3), rng.integers(0, 3)] = int(rng.integers(1, MIN_CELL))
    values, eqs = _two_way(cells)
    primary = {k for k, v in values.items() if v < MIN_CELL}
    system = System(values=values, equations=eqs, withheld=set(primary))
    extra = complementary_cells(system, min_cell=MIN_CELL, protection=MIN_CELL)
    assert len(extra) >= 3, "one small cell of a two-way table needs a rectangle"
    _check(values, eqs, primary | extra, cap=int(cells.sum()))


def test_a_margin_that_cannot_protect_is_an_error():
    # a margin of 11 = 2 + 9 and a second margin 2 = 2 + a published zero: nothing left to
    # withhold pins the 2 down; better a clear error than a leak
    values = {"a": 2.0, "b": 0.0, "c": 9.0}
    system = System(values=values, equations=[Equation(("a", "b"), 2.0),
                                              Equation(("a", "c"), 11.0)], withheld={"a"})
    with pytest.raises(DisclosureError, match="t: the withheld cell a"):
        complementary_cells(system, min_cell=5, protection=5, where="t")


# --- on published tables ------------------------------------------------------------------

def _by_size(micro: int) -> tuple[pd.DataFrame, dict[str, float]]:
    true = pd.DataFrame({"size_class": ["1-9", "10-49", "50-249", "250+"] * 2,
                         "in_network": [True] * 4 + [False] * 4,
                         "n": [micro, 20, 15, 6, 250, 60, 30, 10]})
    true["share"] = true["n"] / true["n"].sum()
    totals = {"companies_mapped": float(true["n"].sum()),
              "companies_in_network_True": float(true["n"][:4].sum()),
              "companies_in_network_False": float(true["n"][4:].sum())}
    return true, totals


def test_the_issues_subtraction_is_caught_without_and_gone_with_complementary_suppression():
    true, totals = _by_size(4)
    primary_only = suppress_small_cells(true, min_cell=MIN_CELL, keep_zero=True)
    exposed = audit_table("companies_by_size", primary_only, min_cell=MIN_CELL, totals=totals)
    assert "1-9|True" in set(exposed["cell"])
    protected = protect_table("companies_by_size", primary_only, true, min_cell=MIN_CELL,
                              totals=totals)
    assert audit_table("companies_by_size", protected, min_cell=MIN_CELL,
                       totals=totals).empty
    withheld = protected[protected["suppressed"]]
    assert len(withheld) == 2 and withheld["n"].isna().all() and withheld["share"].isna().all()
    # the partner is the smallest count of the network's column
    assert set(withheld["size_class"]) == {"1-9", "250+"}


def _needs(residual: int) -> pd.DataFrame:
    rows = [("all", "all", 1422 - 33 + residual), ("gender", "F", 564), ("gender", "M", 825),
            ("age_band", "<35", 700), ("age_band", "35+", 1422 - 33 + residual - 700)]
    out = pd.DataFrame([{"measure": m, "group_var": g, "group": v, "estimate": 0.5, "se": 0.01,
                         "n": n, "df": n - 36}
                        for m in ("FLEX_HOURS", "NURSERY") for g, v, n in rows])
    return out


def test_a_group_left_out_of_a_partition_is_protected_by_hiding_a_partner_size():
    true = _needs(residual=2)  # F + M = all - 2: gender X would follow by subtraction
    published = suppress_small_cells(true, min_cell=MIN_CELL)
    assert set(audit_table("needs", published, min_cell=MIN_CELL)["cell"]) == {
        "residual0|FLEX_HOURS|gender", "residual0|NURSERY|gender"}
    protected = protect_table("needs", published, true, min_cell=MIN_CELL)
    assert audit_table("needs", protected, min_cell=MIN_CELL).empty
    hidden = protected[protected["suppressed"]]
    assert set(hidden["group"]) == {"F"}
    # the counts go, the women's estimate stays
    assert hidden["n"].isna().all() and hidden["df"].isna().all()
    assert hidden["estimate"].notna().all()


def test_a_partition_that_covers_everyone_or_leaves_many_out_is_left_alone():
    for residual in (0, 33):
        true = _needs(residual)
        published = suppress_small_cells(true, min_cell=MIN_CELL)
        protected = protect_table("needs", published, true, min_cell=MIN_CELL)
        assert not protected["suppressed"].any()
        assert audit_table("needs", protected, min_cell=MIN_CELL).empty


def test_complementary_cells_are_the_same_wherever_a_margin_repeats():
    """Two tables with the same group sizes hide the same partner (no cross-table leak)."""
    sizes = {"all": 36, "1-9": 3, "10-49": 16, "50-249": 10, "250+": 7}
    rows = [{"measure": m, "group_var": "all" if g == "all" else "size_class", "group": g,
             "status": s, "estimate": 0.5, "n": n, "n_status": 1}
            for m in ("A", "B") for s in ("active", "none") for g, n in sizes.items()]
    adoption = pd.DataFrame(rows)
    by_size = pd.DataFrame([{"group_var": "all" if g == "all" else "size_class", "group": g,
                             "estimate": 12.0, "n": n} for g, n in sizes.items()])
    hidden = []
    for name, true in (("measures_adoption", adoption), ("measures_by_size", by_size)):
        out = protect_table(name, suppress_small_cells(true, min_cell=MIN_CELL), true,
                            min_cell=MIN_CELL)
        assert audit_table(name, out, min_cell=MIN_CELL).empty
        hidden.append(set(out.loc[out["suppressed"], "group"]))
        # an unweighted share gives the count back: the whole row goes
        assert out.loc[out["suppressed"], ["estimate", "n"]].isna().all().all()
    assert hidden[0] == hidden[1] == {"1-9", "250+"}


def test_tables_without_margins_pass_through():
    table = pd.DataFrame({"theme": ["a", "b"], "n": [3, 40], "share": [0.07, 0.93]})
    assert protect_table("comment_themes", table, table, min_cell=MIN_CELL) is table
