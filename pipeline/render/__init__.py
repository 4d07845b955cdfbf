"""Reports for stakeholders: an executed notebook to self-contained HTML and A4 PDF.

Italian by default, English on request, offline and printable. The public API:

* :func:`render_html` (``pipeline.render.html``): notebook to one HTML string;
* :func:`html_to_pdf` (``pipeline.render.pdf``): that HTML to an A4 PDF, atomically;
* :func:`render_notebook` (``pipeline.render.report``): ``.ipynb`` file to both files;
* :func:`pipeline.render.site.write_site`: the wave's index, methods and provenance pages.

Numbers, percentages and dates are written by :class:`pipeline.i18n.formatting.Formatter`.

The three functions above are imported on first use (the module ``__getattr__`` below):
``pipeline.render.html`` imports nbformat, whose JSON-schema validation costs about a
second to import, and nbconvert and WeasyPrint on top of that when a report is made.
Modules that only need ``pipeline.render.labels`` or ``pipeline.render.pdf.page_css``,
and ``import pipeline.render`` itself, stay cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.render.html import render_html
    from pipeline.render.pdf import html_to_pdf
    from pipeline.render.report import render_notebook

__all__ = ["html_to_pdf", "render_html", "render_notebook"]

#: Public name -> the module that defines it, imported when the name is first used.
_LAZY = {
    "render_html": "pipeline.render.html",
    "html_to_pdf": "pipeline.render.pdf",
    "render_notebook": "pipeline.render.report",
}


def __getattr__(name: str) -> Any:
    """``pipeline.render.render_html`` and the others, imported on first use (PEP 562).

    Parameters
    ----------
    name
        The attribute asked for.

    Returns
    -------
    Any
        The function of :data:`_LAZY`.

    Raises
    ------
    AttributeError
        For any other name.
    """
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
