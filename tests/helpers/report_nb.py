"""Helpers of the report tests: notebooks built with nbformat with their outputs in place,
and a dependency-free look inside PDF files.

Building the outputs directly keeps these tests fast; one test in test_report_execute.py
runs a real kernel.

Not a conftest.py on purpose: a conftest.py in a subfolder of tests/ takes the place of
tests/conftest.py as the module ``conftest`` and breaks ``from conftest import ...`` in
the test files of tests/. The fixtures ``png`` and ``notebook`` below are imported by the test modules that
use them (as ``png_fixture``, ``notebook_fixture``).
"""

from __future__ import annotations

import base64
import io
import re
import zlib

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

#: Code that must never reach a report; each cell's source contains it.
CODE_MARKER = "SECRET_CODE_MARKER_42"

_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
    '<rect x="10" y="10" width="40" height="40" fill="#0072B2"/>'
    '<rect x="60" y="25" width="40" height="25" fill="#E69F00"/></svg>'
)


def png_base64(width: float = 4.0, height: float = 2.5) -> str:
    """A real matplotlib PNG, base64-encoded as in a notebook output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height))
    ax.bar(["A", "B", "C"], [3, 5, 2], color="#0072B2")
    ax.set_title("Imprese per classe")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def dataframe_html() -> str:
    import pandas as pd

    df = pd.DataFrame({"settore": ["Manifattura", "Commercio"], "imprese": [12, 7]})
    return df.to_html()


def code(source: str, outputs: list, **metadata) -> nbformat.NotebookNode:
    cell = new_code_cell(f"{source}\n# {CODE_MARKER}", outputs=outputs, execution_count=1)
    cell.metadata.update(metadata)
    return cell


def build_notebook(png: str) -> nbformat.NotebookNode:
    """Headings, a PNG figure with a metadata caption, an SVG figure captioned by a ``#|``
    comment, a DataFrame table captioned by cell metadata, stdout, stderr, a warning, an
    error, accidental reprs, and cells removed by tags."""
    cells = [
        new_markdown_cell("# Titolo del quaderno\n\nTesto introduttivo."),
        new_markdown_cell("## Contesto\n\nIl progetto.\n\n### Territorio\n\nLa provincia."),
        code("fig", [
            new_output("execute_result", data={"text/plain": "[<matplotlib.lines.Line2D at 0x7f3a>]"},
                       execution_count=1),
            new_output("display_data",
                       data={"image/png": png, "text/plain": "<Figure size 400x250 with 1 Axes>"},
                       metadata={"caption": {"it": "Imprese per classe", "en": "Companies by size"}}),
        ]),
        new_markdown_cell("## Risultati\n\nI risultati principali."),
        code("#| fig-cap: Schema dei servizi\nsvg()", [
            new_output("display_data", data={"image/svg+xml": _SVG, "text/plain": "<SVG>"}),
        ]),
        code("df", [
            new_output("execute_result",
                       data={"text/html": dataframe_html(), "text/plain": "df as text"},
                       execution_count=3),
        ], caption="Imprese per settore"),
        code("print('x'); warnings.warn('w'); sys.stderr.write('e')", [
            new_output("stream", name="stdout", text="Numero di imprese: 19\n"),
            new_output("stream", name="stderr",
                       text="/tmp/x.py:3: UserWarning: attenzione-avviso\n  warnings.warn('w')\n"),
            new_output("stream", name="stderr", text="messaggio-su-stderr\n"),
        ]),
        code("1/0", [
            new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                       traceback=["Traceback (most recent call last)", "ZeroDivisionError: x"]),
        ]),
        code("ax.set_title('t')", [
            new_output("execute_result", data={"text/plain": "Text(0.5, 1.0, 't')"},
                       execution_count=5),
        ]),
        code("hidden()", [new_output("stream", name="stdout", text="cella-rimossa\n")],
             tags=["remove-cell"]),
        code("quiet()", [new_output("stream", name="stdout", text="output-rimosso\n")],
             tags=["remove-output"]),
        code("logo()", [new_output("display_data", data={"image/png": png})],
             tags=["unnumbered"]),
        new_markdown_cell("## Risultati\n\nUn secondo titolo uguale."),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def pdf_text(data: bytes) -> bytes:
    """The PDF's bytes with every Flate stream decompressed appended (no dependency)."""
    parts = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_page_sizes(data: bytes) -> list[tuple[float, float]]:
    """Width and height in points of each page's MediaBox."""
    text = pdf_text(data)
    sizes = []
    for m in re.finditer(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]",
                         text):
        x0, y0, x1, y1 = (float(v) for v in m.groups())
        sizes.append((x1 - x0, y1 - y0))
    return sizes


def pdf_page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf_text(data)))


@pytest.fixture(scope="session", name="png")
def png_fixture() -> str:
    """A matplotlib PNG, base64-encoded."""
    return png_base64()


@pytest.fixture(name="notebook")
def notebook_fixture(png: str) -> nbformat.NotebookNode:
    """A fresh copy of :func:`build_notebook`."""
    return build_notebook(png)
