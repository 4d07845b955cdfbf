"""Disclosure control: small cells are blanked; the site scanner finds what leaks."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.analyse.disclosure import scan_site, suppress_small_cells


def test_small_cells_are_blanked_with_their_count():
    table = pd.DataFrame({"group": ["F", "M", "X"], "estimate": [0.5, 0.4, 1.0],
                          "se": [0.1, 0.1, 0.0], "n": [40, 30, 2]})
    out = suppress_small_cells(table, min_cell=5)
    assert out["suppressed"].tolist() == [False, False, True]
    assert out.loc[2, ["estimate", "se", "n"]].isna().all()
    assert out.loc[0, "estimate"] == 0.5 and out.loc[1, "n"] == 30
    assert table.loc[2, "n"] == 2, "the input is not modified"


def test_scan_finds_ids_free_text_and_small_cells(tmp_path):
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"group": ["a", "b"], "n": [12, 3]}).to_csv(tmp_path / "tables" / "t.csv",
                                                          index=False)
    (tmp_path / "index.html").write_text(
        "<p>Risponde R000123 che scrive: vorrei un nido vicino a Legnago</p>", encoding="utf-8")
    findings = scan_site(tmp_path, respondent_ids=["R000123", "R9"],
                         free_texts=["vorrei un nido vicino a Legnago", "ok"], min_cell=5)
    kinds = sorted(f.kind for f in findings)
    assert kinds == ["free text", "respondent id", "small cell"]
    assert any("column n = 3 < 5 (row 3)" in str(f) for f in findings)


def test_scan_of_a_clean_site_is_empty(tmp_path):
    pd.DataFrame({"group": ["a", "b"], "n": [12, pd.NA]}).to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "index.html").write_text("<p>R0001X is not an id token here</p>")
    assert scan_site(tmp_path, respondent_ids=["R0001"], free_texts=[], min_cell=5) == []


def test_frequency_tables_keep_their_zeros():
    table = pd.DataFrame({"maturity_class": ["1W", "2W", "5W"], "low": [0, 10, 40],
                          "n_companies": [0, 2, 12], "share": [0.0, 2 / 14, 12 / 14]})
    out = suppress_small_cells(table, min_cell=5, n_col="n_companies", value_cols=["share"],
                               keep_zero=True)
    assert out["suppressed"].tolist() == [False, True, False]
    assert out.loc[0, "n_companies"] == 0 and pd.isna(out.loc[1, "share"])
    assert out["low"].tolist() == [0, 10, 40], "class bounds are not data: never blanked"


def test_protect_complement_withholds_the_smallest_parts_until_the_difference_is_safe():
    import numpy as np

    from pipeline.analyse.disclosure import protect_complement

    parts = pd.Series([10_000.0, 4_500.0, 5_500.0, 3_000.0, np.nan], index=list("abcde"))
    counts = pd.Series([6, 4, 5, 3, 2], index=list("abcde"))
    # the network's 25,000 minus a-d would give e's 2,000 euro from 2 companies
    hide = protect_complement(parts, counts, total_published=True, min_cell=5)
    assert hide.tolist() == [False, False, False, True, True]  # d joins e: 5 companies
    assert protect_complement(parts, counts, total_published=False, min_cell=5).tolist() == [
        False, False, False, False, True]  # no total: nothing to subtract from
    nothing_hidden = parts.fillna(1.0)
    assert not protect_complement(nothing_hidden, counts, total_published=True,
                                  min_cell=5).any()


@pytest.mark.parametrize(("amounts", "sensitive"), [
    ([100, 10, 5], True),          # the rest, 5, is under 10 % of 100
    ([100, 10, 10], False),        # exactly 10 %: protected
    ([100, 10, 9, 0, None], True),  # zeros and missing are no contributors
    ([50, 40, 30, 20], False),
    ([7000], True), ([3000, 2000], True),  # one or two contributors: always
    ([], False),
])
def test_p_percent_rule(amounts, sensitive):
    from pipeline.analyse.disclosure import dominated

    assert dominated(amounts, p=10) is sensitive
