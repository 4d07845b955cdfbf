"""pipeline.notebook: a figure goes out with its caption, a short description and its data;
the source line names the data and the wave."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.plots.bars import share_bars
from pipeline.notebook import WaveContext, figure_data_html, show_figure


@pytest.fixture
def shown(monkeypatch):
    """What show_figure displays: ``[(object, metadata, raw)]``."""
    calls = []

    def display(obj, metadata=None, raw=False):
        calls.append((obj, metadata or {}, raw))

    monkeypatch.setattr("IPython.display.display", display)
    return calls


def _figure():
    table = pd.DataFrame({"label": ["<script>alert(1)</script>", "Banca ore", "Navetta"],
                          "share": [0.4, np.nan, 0.1]})
    return share_bars(table, label="label", xlabel="Quota", label_name="Misura",
                      source="Fonte: prova & co. Rilevazione X.")


def test_the_figure_goes_out_with_caption_and_description_then_its_data(shown):
    show_figure(_figure(), "Quota di imprese per misura", lang="it")
    (fig, meta, _), (data, data_meta, raw) = shown
    assert meta["caption"] == "Quota di imprese per misura"
    assert meta["alt"].startswith("Grafico a barre. Quota: il valore più alto è")
    assert meta["alt"] != meta["caption"]
    assert raw and data_meta == {"welfare_figure_data": True}
    html = data["text/html"]
    assert html.startswith('<details class="figure-data"><summary class="figure-data-summary">'
                           "Dati della figura</summary>")
    assert "<th>Misura</th><th>Quota</th>" in html
    assert "Fonte: prova &amp; co. Rilevazione X." in html
    assert "n.d." in data["text/plain"]


def test_a_label_of_the_data_shows_as_text_never_as_markup(shown):
    show_figure(_figure(), "Didascalia")
    html = shown[1][0]["text/html"]
    assert "<script>" not in html
    assert "<th>&lt;script&gt;alert(1)&lt;/script&gt;</th>" in html


def test_a_table_given_by_the_notebook_replaces_the_figures_own(shown):
    given = pd.DataFrame({"Settore": ["<b>A</b>", "B"], "Imprese": [12, np.nan],
                          "Quota": ["30 %", "n.d."], "Media": [2.5, 3.0]})
    show_figure(_figure(), "Didascalia", data=given, alt="Descrizione breve")
    assert shown[0][1]["alt"] == "Descrizione breve"
    html = shown[1][0]["text/html"]
    assert "<th>&lt;b&gt;A&lt;/b&gt;</th>" in html
    cells = [c.split(">", 1)[1] for c in html.split("<td")[1:]]
    # a number missing from a table without a suppressed flag is not applicable: "—"
    assert [c.split("<", 1)[0] for c in cells] == ["12", "30 %", "2,50", "—", "n.d.", "3"]


def test_a_figure_of_another_library_gets_its_caption_as_alt_and_no_data(shown):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    show_figure(fig, "Solo didascalia")
    assert len(shown) == 1 and shown[0][1]["alt"] == "Solo didascalia"


def test_the_data_table_reads_as_a_table_with_row_headers():
    html = figure_data_html(pd.DataFrame({"A": ["x"], "B": ["1"]}), "en", None)
    assert "<summary class=\"figure-data-summary\">Data of the figure</summary>" in html
    assert "<tr><th>x</th><td style=\"text-align: right\">1</td></tr>" in html
    assert "figure-data-source" not in html


def _context(meta: dict, lang: str = "it") -> WaveContext:
    return WaveContext(wave="2014-autunno", lang=lang, synthetic=False, meta=meta, tables={},
                       tables_dir=None, min_cell=5)


def test_the_source_line_names_the_data_and_the_wave_by_its_fieldwork():
    meta = {"label": "2014-autunno", "fieldwork_start": "2014-10-06",
            "fieldwork_end": "2014-11-28"}
    assert _context(meta).source("workers") == (
        "Fonte: questionario ai lavoratori delle imprese della rete. "
        "Rilevazione ottobre–novembre 2014.")
    assert _context(meta, "en").source("companies", "local_services") == (
        "Source: questionnaire to the network companies and list of local services. "
        "October–November 2014 survey.")
    assert _context({"title": "Indagine 2014"}).source("mapping") == (
        "Fonte: mappatura delle imprese della provincia di Verona. Indagine 2014.")


def test_the_source_of_a_comparison_names_every_wave():
    assert _context({}).source("workers", waves=["2013", "2014"]) == (
        "Fonte: questionario ai lavoratori delle imprese della rete. Rilevazioni 2013 e 2014.")
    with pytest.raises(ValueError, match="figure source"):
        _context({}).source("gossip")


@pytest.mark.parametrize(("lang", "note"), [
    ("it", "n.d.: dato non diffuso per riservatezza, perché si basa su meno di 5 persone"),
    ("en", "n/a: withheld for confidentiality, because it rests on fewer than 5 people")])
def test_a_withheld_value_in_the_data_gets_the_footnote_with_the_threshold(shown, lang, note):
    table = pd.DataFrame({"label": ["A", "B", "C"], "share": [0.4, np.nan, 0.0]})
    show_figure(share_bars(table, label="label", xlabel="Quota", min_cell=5, lang=lang),
                "Didascalia", lang=lang)
    html = shown[1][0]["text/html"]
    assert f'<p class="table-note">{note}' in html
    assert html.index("</table>") < html.index("table-note")  # under the table
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in html.split("<td")[1:]]
    assert cells == (["40,0\u00a0%", "n.d.", "0,0\u00a0%"] if lang == "it"
                     else ["40.0%", "n/a", "0.0%"])  # a true zero reads 0


def test_no_footnote_when_nothing_in_the_data_is_withheld(shown):
    table = pd.DataFrame({"label": ["A", "C"], "share": [0.4, 0.0]})
    show_figure(share_bars(table, label="label", xlabel="Quota", min_cell=5), "Didascalia")
    assert "table-note" not in shown[1][0]["text/html"]


def test_a_published_table_given_as_data_reads_nd_only_where_withheld():
    given = pd.DataFrame({"Classe": ["1W", "2W", "3W"], "Imprese": [np.nan, 0, np.nan],
                          "suppressed": [True, False, False]})
    html = figure_data_html(given, "it", None, min_cell=5)
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in html.split("<td")[1:]]
    assert cells == ["n.d.", "0", "—"]
    assert "<th>suppressed</th>" not in html and "table-note" in html
