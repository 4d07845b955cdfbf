"""What a company could do next: its workers' uncovered needs, the measures of similar
companies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.analysis.company import MIN_OTHER_COMPANIES, company_shares
from pipeline.analyse.analysis.company_actions import (
    MIN_PEER_COMPANIES,
    peer_group,
    peer_suggestions,
    uncovered_needs,
    workers_withheld_reason,
)


def test_workers_figures_need_min_cell_answers():
    assert workers_withheld_reason(0, 5) == "none"
    assert workers_withheld_reason(4, 5) == "few"
    assert workers_withheld_reason(5, 5) is None


def company(statuses: dict[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame({"measure": list(statuses), "label": [f"L{m}" for m in statuses],
                         "status": list(statuses.values()),
                         "active": [s in ("active_some", "active_all") for s in
                                    statuses.values()]})


def test_uncovered_needs_are_wanted_by_half_and_not_offered():
    measures = company({"A": "none", "B": "active_all", "C": "planned", "D": None, "E": "none",
                        "F": "none"})
    needs = pd.DataFrame({
        "measure": list("ABCDEF") * 2, "scope": ["company"] * 6 + ["others"] * 6,
        "estimate": [0.6, 0.9, 0.5, 0.8, 0.49, np.nan, 0.3, 0.4, 0.5, np.nan, 0.7, 0.8],
        "ci_low": 0.1, "ci_high": 0.95, "n": [20] * 5 + [3] + [200] * 6,
        "label": "not the company's label"})
    out = uncovered_needs(needs, measures)
    # B is active, E under half, F withheld (too few answers): never listed
    assert list(out["measure"]) == ["D", "A", "C"]
    assert list(out["label"]) == ["LD", "LA", "LC"]
    assert out.set_index("measure").loc["A", "others"] == 0.3
    assert np.isnan(out.set_index("measure").loc["D", "others"])
    assert list(uncovered_needs(needs, measures, share=0.7)["measure"]) == ["D"]


def profiles(sizes: list[str], sectors: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"C{i:02d}" for i in range(len(sizes))]
    companies = pd.DataFrame({"company_id": ids, "size_class": sizes, "ateco_section": sectors})
    return pd.DataFrame({"company_id": ids}), companies


@pytest.mark.parametrize(("same_both", "same_size", "same_sector", "kind"), [
    (MIN_PEER_COMPANIES, 0, 0, "size_sector"),
    (MIN_PEER_COMPANIES - 1, 1, 0, "size"),
    (3, 2, MIN_PEER_COMPANIES - 3, "sector"),
    (2, 2, 2, "network"),
])
def test_the_most_similar_group_large_enough_is_chosen(same_both, same_size, same_sector, kind):
    rest = 6  # other size, other sector
    sizes = ["50-249"] + ["50-249"] * (same_both + same_size) + ["10-49"] * (same_sector + rest)
    sectors = ["C"] + ["C"] * same_both + ["G"] * same_size + ["C"] * same_sector + ["G"] * rest
    survey, companies = profiles(sizes, sectors)
    group = peer_group(survey, companies, "C00")
    assert group.kind == kind and "C00" not in group.company_ids
    expected = {"size_sector": same_both, "size": same_both + same_size,
                "sector": same_both + same_sector, "network": len(sizes) - 1}[kind]
    assert len(group) == expected
    assert (group.size_class, group.sector) == ("50-249", "C")


def test_no_group_when_the_network_is_too_small():
    survey, companies = profiles(["1-9"] * MIN_OTHER_COMPANIES, ["C"] * MIN_OTHER_COMPANIES)
    group = peer_group(survey, companies, "C00")
    assert group.kind == "none" and len(group) == 0


def test_suggestions_are_common_among_peers_missing_here_and_never_withheld():
    peers = pd.DataFrame({"company_id": [f"P{i}" for i in range(10)],
                          "m_A": ["active_all"] * 7 + ["none"] * 3,      # 7 of 10: suggested
                          "m_B": ["active_all"] * 10,                    # all: withheld
                          "m_C": ["active_some"] * 9 + ["none"],         # all but one
                          "m_D": ["active_all"] * 5 + ["planned"] * 5,   # half: suggested
                          "m_E": ["active_all"] * 4 + ["none"] * 6,      # 40 %: not common
                          "m_F": ["active_all"] * 8 + ["none"] * 2})     # active here
    shares = company_shares(peers, list("ABCDEF"))
    measures = company({"A": "none", "B": "none", "C": "planned", "D": None, "E": "none",
                        "F": "active_some"})
    out = peer_suggestions(shares, measures, pd.Series(["D", "X"]))
    assert list(out["measure"]) == ["A", "D"]
    assert out[["k", "n"]].to_numpy().tolist() == [[7, 10], [5, 10]]
    assert list(out["wanted"]) == [False, True]
    assert list(peer_suggestions(shares, measures, limit=1)["measure"]) == ["A"]
    assert not peer_suggestions(shares, measures)["wanted"].any()
