"""The site's ``provenance.html``: what produced these pages, to reproduce or audit them.

Run id and time, code version, hashes of the raw input files (with their rows and sizes
from the ingestion's record), parameters and the versions of the libraries that computed
and rendered the results.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import has_text
from pipeline.render.site.common import (
    date_time,
    format_bytes,
    prose,
    render_page,
    site_text,
    started,
)
from pipeline.wave import WaveData

__all__ = ["LIBRARIES", "library_versions", "provenance_page"]

#: Libraries whose versions the provenance page lists (distribution names).
LIBRARIES = ("pandas", "numpy", "scipy", "seaborn", "matplotlib", "pyarrow",
             "papermill", "jupytext", "nbconvert", "weasyprint", "great_expectations")


def library_versions(names: Sequence[str] = LIBRARIES) -> dict[str, str | None]:
    """The installed version of each library, read from the metadata (nothing imported).

    Parameters
    ----------
    names
        Distribution names (default :data:`LIBRARIES`).

    Returns
    -------
    dict
        ``{distribution: version}``, ``None`` for one that is not installed.
    """
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _run_rows(data: WaveData, run_info: Mapping[str, Any],
              lang: str) -> list[tuple[str, Any, bool]]:
    """``(label, value, monospace)`` of the run: id, start, wave, language, synthetic."""
    moment = started(run_info)
    when = date_time(moment, lang) + f" ({run_info['started']})" if moment else "—"
    synthetic = site_text("site.yes" if data.synthetic else "site.no", lang)
    return [
        (site_text("site.prov.run_id", lang), run_info.get("run_id") or "—", True),
        (site_text("site.prov.started", lang), when, False),
        (site_text("site.prov.wave", lang), data.wave, False),
        (site_text("site.prov.lang", lang), lang, False),
        (site_text("site.prov.synthetic", lang), synthetic, False),
    ]


def _input_rows(data: WaveData, run_info: Mapping[str, Any],
                lang: str) -> list[tuple[str, str, str, str]]:
    """Raw input files: the run's hashes, with rows and sizes from the ingestion's record."""
    fmt = Formatter(lang)
    known = {str(info.get("file")): info for info in (data.inputs or {}).values()
             if isinstance(info, Mapping) and info.get("file")}
    hashes = dict(run_info.get("inputs") or {}) or {
        name: info.get("sha256", "") for name, info in known.items()}
    inputs = []
    for name in sorted(hashes):
        info = known.get(name, {})
        rows = info.get("rows")
        inputs.append((name, fmt.number(rows, 0) if rows is not None else "—",
                       format_bytes(info.get("bytes"), lang), hashes[name]))
    return inputs


def provenance_page(data: WaveData, common: dict[str, Any], run_info: Mapping[str, Any],
                    parameters: Mapping[str, Any], lang: str) -> str:
    """The site's ``provenance.html``.

    Parameters
    ----------
    data
        The processed wave: its label, synthetic flag and, when ``run_info`` has no
        ``inputs``, the hashes of its raw files.
    common
        The frame's values (cover, navigation, footer, style) of
        :func:`pipeline.render.site.write_site`.
    run_info
        The run's record (see :func:`pipeline.render.site.write_site`).
    parameters
        The run's parameters, listed by name.
    lang
        The page's language (labels, dates, numbers).

    Returns
    -------
    str
        ``provenance.html``, self-contained like every page of the site.
    """
    from pipeline.fingerprint import code_version

    code = dict(run_info.get("code_version") or code_version())
    code_rows = [(site_text(f"site.prov.code.{k}", lang) if has_text(f"site.prov.code.{k}")
                  else k, _value_text(v)) for k, v in code.items()]
    libraries = [(name, version or site_text("site.prov.not_installed", lang))
                 for name, version in library_versions().items()]
    libraries.append(("python", platform.python_version()))
    return render_page(
        "provenance.html.j2",
        **common,
        page="provenance",
        page_title=site_text("site.prov.title", lang),
        intro=prose(site_text("site.prov.intro", lang)),
        inputs_intro=prose(site_text("site.prov.inputs_intro", lang)),
        run_rows=_run_rows(data, run_info, lang),
        code_rows=code_rows,
        inputs=_input_rows(data, run_info, lang),
        parameters=[(k, _value_text(v)) for k, v in sorted(parameters.items())],
        libraries=libraries,
    )
