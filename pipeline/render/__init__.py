"""Reports for stakeholders: an executed notebook to self-contained HTML and A4 PDF.

Italian by default, English on request, offline and printable. The public API:

* :func:`render_html` (``pipeline.render.html``): notebook to one HTML string;
* :func:`html_to_pdf` (``pipeline.render.pdf``): that HTML to an A4 PDF, atomically;
* :func:`render_notebook` (``pipeline.render.report``): ``.ipynb`` file to both files;
* :func:`format_number`, :func:`format_percent`, :func:`format_date`
  (``pipeline.i18n.formatting``): for notebooks and tables too.

Importing this package is cheap: nbconvert and WeasyPrint are imported on first use, so
notebooks can ``from pipeline.render import format_percent`` at no cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.i18n.formatting import format_date, format_number, format_percent

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.render.html import render_html
    from pipeline.render.pdf import html_to_pdf
    from pipeline.render.report import render_notebook

__all__ = [
    "format_date",
    "format_number",
    "format_percent",
    "html_to_pdf",
    "render_html",
    "render_notebook",
]

_LAZY = {
    "render_html": "pipeline.render.html",
    "html_to_pdf": "pipeline.render.pdf",
    "render_notebook": "pipeline.render.report",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
