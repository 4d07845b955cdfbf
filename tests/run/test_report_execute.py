"""End to end: a notebook really executed by a kernel, then rendered to HTML and PDF."""

from __future__ import annotations

import datetime

import nbformat
import pytest
from helpers.report_nb import pdf_page_count, pdf_page_sizes
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from pipeline.render import render_notebook

SOURCES = [
    ("markdown", "# Quaderno di prova\n\n## Risultati\n\nTesto dei risultati."),
    ("code", "import sys, warnings\nimport matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
             "import matplotlib.pyplot as plt\nimport pandas as pd\nfrom IPython.display import display"),
    ("code", "#| fig-cap: Imprese per classe dimensionale\n"
             "fig, ax = plt.subplots(figsize=(4, 2.5))\n"
             "ax.bar(['micro', 'piccole', 'medie'], [12, 7, 3], color='#0072B2')\n"
             "ax.set_title('Imprese')"),
    ("code", "df = pd.DataFrame({'settore': ['Manifattura', 'Servizi'], 'quota': [0.4, 0.6]})\n"
             "display(df, metadata={'caption': 'Quota per settore'})"),
    ("code", "print('stampa-visibile')\n"
             "sys.stderr.write('stderr-invisibile\\n')\n"
             "warnings.warn('avviso-invisibile')"),
]


@pytest.mark.slow
def test_executed_notebook_to_html_and_pdf(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:  # pragma: no cover - depends on the environment
        pytest.skip("no python3 kernelspec: python -m ipykernel install --sys-prefix")

    cells = [new_markdown_cell(src) if kind == "markdown" else new_code_cell(src)
             for kind, src in SOURCES]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()

    # The kernel did produce what the report must hide.
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any(o.get("name") == "stderr" and "avviso-invisibile" in o.text for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs)

    executed = tmp_path / "executed.ipynb"
    nbformat.write(nb, executed)
    html_path, pdf_path = tmp_path / "report.html", tmp_path / "report.pdf"
    render_notebook(executed, html_path, pdf_path, title="Prova eseguita", wave="2026-autunno",
                    date=datetime.date(2026, 11, 24))

    html = html_path.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html
    assert "Figura 1</span>" in html and "Imprese per classe dimensionale" in html
    assert "Tabella 1</span>" in html and "Quota per settore" in html
    assert "Manifattura" in html
    assert "stampa-visibile" in html
    for hidden in ("stderr-invisibile", "avviso-invisibile", "UserWarning", "plt.subplots",
                   "import pandas", "Text(0.5"):
        assert hidden not in html, hidden
    assert "<script" not in html and "https://" not in html and "http://" not in html
    assert 'href="#Risultati"' in html

    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf_page_count(data) >= 1
    assert all(abs(w - 595.28) < 1 and abs(h - 841.89) < 1 for w, h in pdf_page_sizes(data))
