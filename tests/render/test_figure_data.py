"""A figure in a report: its short description as ``alt``, its data as a collapsed table
named after it ("Dati della figura 1"), neither numbered as a table nor able to carry
markup; in print the table is left out, the figure's ``alt`` keeps the key values."""

from __future__ import annotations

import datetime
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pipeline.analyse.plots.bars import share_bars
from pipeline.render import render_html
from pipeline.render.html import prepare_notebook

DATE = datetime.date(2026, 11, 24)


@pytest.fixture(scope="module")
def outputs() -> list:
    """The outputs :func:`pipeline.notebook.show_figure` displays, as a kernel records them."""
    import matplotlib.pyplot as plt
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import print_figure

    from pipeline.notebook import show_figure

    InteractiveShell.instance()
    recorded = []

    def display(obj, metadata=None, raw=False):
        if raw:
            recorded.append(new_output("display_data", data=obj, metadata=metadata or {}))
        else:
            svg = print_figure(obj, "svg", bbox_inches="tight")
            recorded.append(new_output("display_data", data={"image/svg+xml": svg,
                                                              "text/plain": "<Figure>"},
                                       metadata=metadata or {}))

    import IPython.display

    original = IPython.display.display
    IPython.display.display = display
    try:
        table = pd.DataFrame({"label": ["<script>alert(1)</script>", "Banca ore"],
                              "share": [0.4, np.nan]})
        show_figure(share_bars(table, label="label", xlabel="Quota", label_name="Misura",
                               source="Fonte: prova."), "Quota per misura")
    finally:
        IPython.display.display = original
        plt.close("all")
    return recorded


def _notebook(outputs) -> object:
    table = pd.DataFrame({"settore": ["A"], "imprese": [3]}).to_html()
    cells = [new_markdown_cell("## Sezione"),
             new_code_cell("show_figure(...)", outputs=list(outputs)),
             new_code_cell("df", outputs=[new_output("execute_result", data={
                 "text/html": table, "text/plain": "df"}, execution_count=2)],
                 metadata={"caption": "Imprese per settore"})]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def test_the_data_is_not_a_numbered_table_and_names_its_figure(outputs):
    prepared = prepare_notebook(_notebook(outputs), "it")
    figure, data = prepared.cells[1].outputs
    table = prepared.cells[2].outputs[0]
    assert figure.metadata["welfare_report"]["label"] == "Figura 1"
    assert figure.metadata["welfare_report"]["alt"].startswith("Grafico a barre. Quota:")
    assert "welfare_report" not in data.metadata
    assert '<summary class="figure-data-summary">Dati della figura 1</summary>' in \
        data.data["text/html"]
    assert table.metadata["welfare_report"]["label"] == "Tabella 1"  # not "Tabella 2"


def test_the_report_shows_the_description_and_the_collapsed_escaped_table(outputs):
    html = render_html(_notebook(outputs), title="Prova", wave="w", date=DATE)
    main = html.split("<main", 1)[1]
    img = re.search(r"<img [^>]*>", main).group(0)
    alt = re.search(r'alt="([^"]*)"', img).group(1)
    assert alt.startswith("Grafico a barre. Quota: ") and "Quota per misura" not in alt
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in alt  # escaped in the attribute
    details = re.search(r'<details class="figure-data">.*?</details>', main, re.S).group(0)
    assert "<summary" in details and "Dati della figura 1" in details
    assert "<script>" not in html.split("</head>", 1)[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in details
    assert "n.d." in details and "Fonte: prova." in details


def test_in_english_the_summary_says_data_of_figure(outputs):
    html = render_html(_notebook(outputs), title="Test", wave="w", lang="en", date=DATE)
    assert "Data of figure 1" in html


def test_print_leaves_the_data_table_out():
    from pipeline.config import TEMPLATES_DIR

    css = (TEMPLATES_DIR / "welfare_report" / "report.css").read_text(encoding="utf-8")
    rule = re.search(r"@media print\s*{\s*\.figure-data\s*{\s*display:\s*none;", css)
    assert rule is not None
