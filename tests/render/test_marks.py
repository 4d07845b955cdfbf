"""One convention for a value a report's table does not show (pipeline.render.sections.marks):
withheld "n.d." / "n/a" with a footnote saying why, not applicable "—", a true zero "0";
the table and its footnote as the report renders them, in HTML and PDF, both languages."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pipeline.i18n.formatting import NOT_AVAILABLE
from pipeline.render import render_html
from pipeline.render.sections import marks
from pipeline.render.sections.context import size_table

DATE = datetime.date(2026, 11, 24)
ND = {"it": "n.d.", "en": "n/a"}
NOTE = {"it": "n.d.: dato non diffuso per riservatezza, perché si basa su meno di 5 persone o "
              "imprese oppure perché permetterebbe di ricavare per differenza un altro dato "
              "non diffuso.",
        "en": "n/a: withheld for confidentiality, because it rests on fewer than 5 people or "
              "companies or because it would let another withheld figure be worked out by "
              "subtraction."}


def _published() -> pd.DataFrame:
    """Companies by size class and membership as published: micro in the network withheld
    (3 companies), no large company outside the network (no row: a true zero)."""
    return pd.DataFrame({"size_class": ["1-9", "10-49", "10-49", "250+", "1-9"],
                         "in_network": [False, False, True, True, True],
                         "n": pd.array([251, 94, 20, 6, pd.NA], dtype="Int64"),
                         "share": [0.63, 0.24, 0.05, 0.015, np.nan],
                         "suppressed": [False, False, False, False, True]})


def test_written_tells_withheld_from_missing_and_zero():
    values = [np.nan, np.nan, 0.0, 12.0]
    out = marks.written(values, lambda v: f"{v:.0f}", [True, False, False, False], "it")
    assert out == ["n.d.", NOT_AVAILABLE, "0", "12"]
    assert marks.written(values, str, [True, False, False, False], "en")[0] == "n/a"
    # a cell written from a tuple is missing when its first item is
    cells = [(np.nan, 1.0), (2.0, np.nan)]
    assert marks.written(cells, lambda c: f"{c[0]:.0f}", [False, False], "it") == [
        NOT_AVAILABLE, "2"]


def test_withheld_follows_the_suppressed_flag_only():
    table = pd.DataFrame({"estimate": [np.nan, np.nan, 0.0], "suppressed": [True, False, False]})
    assert marks.withheld(table, "estimate").tolist() == [True, False, False]
    assert not marks.withheld(table.drop(columns="suppressed"), "estimate").any()
    assert not marks.withheld(table, "no_such_column").any()


def test_mark_withheld_keeps_the_mark_through_a_reshape():
    marked = marks.mark_withheld(_published(), "it")
    assert "suppressed" not in marked.columns
    assert marked["n"].tolist()[-1] == "n.d." and marked["share"].tolist()[-1] == "n.d."
    assert marked["n"].tolist()[0] == 251
    wide = marked.pivot(index="size_class", columns="in_network", values="n")
    assert wide.loc["1-9", True] == "n.d."
    assert pd.isna(wide.loc["250+", False])  # no row: the caller decides (a zero here)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_size_table_reads_nd_zero_and_counts(lang):
    table = size_table(_published(), ["1-9", "10-49", "50-249", "250+"],
                       {"1-9": "Micro", "10-49": "Piccola", "50-249": "Media", "250+": "Grande"},
                       {True: "In", False: "Out"}, header="Classe", lang=lang)
    assert table.columns.tolist() == ["Classe", "In", "Out"]
    assert table.to_numpy().tolist() == [["Micro", ND[lang], 251], ["Piccola", 20, 94],
                                         ["Media", 0, 0], ["Grande", 6, 0]]
    assert marks.has_withheld(table, lang)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_footnote_says_why_with_the_threshold(lang):
    assert marks.withheld_note(lang, 5) == NOTE[lang]
    generic = marks.withheld_note(lang)
    assert generic.startswith(ND[lang]) and "5" not in generic


# --------------------------------------------------------------------------------------
# As the report shows it
# --------------------------------------------------------------------------------------
def _shown(table: pd.DataFrame, lang: str, min_cell: int | None = 5) -> list:
    """The outputs :func:`pipeline.notebook.show_table` displays, as a kernel records them."""
    import IPython.display

    from pipeline.notebook import show_table

    recorded = []

    def display(obj, metadata=None, raw=False):
        recorded.append(new_output("display_data", data=obj, metadata=metadata or {}))

    original = IPython.display.display
    IPython.display.display = display
    try:
        show_table(table, "Imprese per classe", lang=lang, min_cell=min_cell)
    finally:
        IPython.display.display = original
    return recorded


def _report(outputs: list, lang: str) -> str:
    nb = new_notebook(cells=[new_markdown_cell("## Sezione"),
                             new_code_cell("show_table(...)", outputs=outputs)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return render_html(nb, title="Prova", wave="w", lang=lang, date=DATE)


def _mixed() -> pd.DataFrame:
    """A withheld count, a true zero and an interval that does not exist."""
    return pd.DataFrame({"Classe": ["Micro", "Grande"], "Imprese": [np.nan, 0],
                         "Intervallo": ["2 – 9", np.nan], "suppressed": [True, False]})


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_table_reads_nd_zero_and_dash_with_the_footnote_under_it(lang):
    html = _report(_shown(_mixed(), lang), lang)
    figure = re.search(r'<figure class="report-table".*?</figure>', html, re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r"<td[^>]*>.*?</td>", figure, re.S)]
    assert cells == ["Micro", ND[lang], "2 – 9", "Grande", "0", NOT_AVAILABLE]
    assert "suppressed" not in figure
    table_end = figure.index("</table>")
    note = re.search(r'<p class="table-note">(.*?)</p>', figure, re.S)
    assert note is not None and note.start() > table_end, "the footnote is under the table"
    assert note.group(1) == NOTE[lang]


@pytest.mark.parametrize("lang", ["it", "en"])
def test_no_footnote_when_nothing_is_withheld(lang):
    plain = _mixed().iloc[1:]
    html = _report(_shown(plain, lang), lang)
    assert "table-note" not in html.split("</style>")[-1]
    assert ND[lang] not in re.search(r'<figure class="report-table".*?</figure>', html,
                                     re.S).group(0)


def test_the_plain_text_of_the_table_carries_the_footnote_too():
    (output,) = _shown(_mixed(), "it")
    assert output["data"]["text/plain"].endswith(NOTE["it"])
    assert output["metadata"] == {"caption": "Imprese per classe"}
    (plain,) = _shown(_mixed().iloc[1:], "it")
    assert "n.d." not in plain["data"]["text/plain"]


def test_the_pdf_prints_the_nd_and_its_footnote(tmp_path):
    from helpers.readers import pdf_text_pages

    from pipeline.render.pdf import html_to_pdf

    pdf = tmp_path / "t.pdf"
    html_to_pdf(_report(_shown(_mixed(), "it"), "it"), pdf)
    words = " ".join(" ".join(page.split()) for page in pdf_text_pages(pdf))
    assert "Micro n.d." in words and f"Grande 0 {NOT_AVAILABLE}" in words
    assert NOTE["it"] in words
