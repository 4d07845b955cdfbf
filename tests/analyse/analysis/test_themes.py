"""Free-text themes: keyword matching at word starts, accents ignored, counts only."""

from __future__ import annotations

import pandas as pd

from pipeline.analyse.analysis.themes import code_themes, load_themes, theme_counts


def test_keywords_match_word_starts_and_ignore_accents():
    texts = pd.Series(["Più FLESSIBILITÀ negli orari", "un nido aziendale", None,
                       "bisogno di una navetta per la zona industriale", "nessuna"])
    coded = code_themes(texts)
    assert coded.loc[0, "flexibility"] and not coded.loc[0, "childcare"]
    assert coded.loc[1, "childcare"]
    assert not coded.loc[2].any()
    assert coded.loc[3, "mobility"]
    assert not coded.loc[4].any()
    # "rete" must not match inside "interesse" or "caretere": only at a word start
    assert not code_themes(pd.Series(["interesse per la segreteria"]))["network"].iloc[0]


def test_counts_are_suppressed_below_min_cell_and_carry_no_text():
    texts = pd.Series(["nido"] * 6 + ["navetta"] * 2 + [""] * 3)
    table = theme_counts(texts, min_cell=5)
    row = table.set_index("theme")
    assert row.loc["childcare", "n"] == 6
    assert row.loc["childcare", "share"] == 6 / 8
    assert pd.isna(row.loc["mobility", "n"])
    assert set(table["n_answers"]) == {8}
    assert "nido" not in table.to_csv()


def test_dictionary_is_well_formed():
    themes = load_themes()
    assert len(themes) >= 8
    for spec in themes.values():
        assert set(spec["label"]) == {"it", "en"} and spec["keywords"]
