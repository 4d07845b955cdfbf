"""Executed notebook file to HTML (and PDF) report files in one call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from pipeline.atomic import write_text_atomic
from pipeline.render.html import render_html
from pipeline.render.pdf import html_to_pdf

__all__ = ["render_node", "render_notebook"]


def render_notebook(
    executed_ipynb: Path,
    html_path: Path,
    pdf_path: Path | None,
    **cover_kwargs: Any,
) -> None:
    """Read an executed notebook and write its HTML report (and the PDF unless ``None``).

    ``cover_kwargs`` are those of :func:`pipeline.render.html.render_html` (``title``,
    ``wave``, ``lang``, ``synthetic``, ``subtitle``, ``date``, ``promoters``). When
    ``wave`` is not given it is read from the papermill parameters of the notebook
    (``wave``), and ``title`` from the notebook metadata ``title``; relative image paths
    in markdown are resolved against the notebook's folder. Both files are written
    atomically: the PDF is printed from the HTML after the HTML is written.
    """
    executed_ipynb = Path(executed_ipynb)
    render_node(nbformat.read(executed_ipynb, as_version=4), executed_ipynb, html_path,
                pdf_path, **cover_kwargs)


def render_node(nb: Any, executed_ipynb: Path, html_path: Path, pdf_path: Path | None,
                **cover_kwargs: Any) -> None:
    """:func:`render_notebook` of a notebook already in memory (``nb``, an nbformat node),
    written at ``executed_ipynb`` (its folder resolves relative paths)."""
    executed_ipynb = Path(executed_ipynb)
    kwargs = dict(cover_kwargs)
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    if "wave" not in kwargs and params.get("wave"):
        kwargs["wave"] = str(params["wave"])
    if "title" not in kwargs and nb.metadata.get("title"):
        kwargs["title"] = str(nb.metadata["title"])
    missing = [k for k in ("title", "wave") if k not in kwargs]
    if missing:
        raise TypeError(
            f"render_notebook({executed_ipynb.name}): missing {', '.join(missing)} "
            "(not given and not found in the notebook's metadata)"
        )
    kwargs.setdefault("resources_dir", executed_ipynb.parent)
    html = render_html(nb, **kwargs)
    write_text_atomic(Path(html_path), html)
    if pdf_path is not None:
        html_to_pdf(html, Path(pdf_path), base_url=executed_ipynb.parent)
