"""A wave's tables as an open-data package: ``tables/datapackage.json`` (Frictionless).

:func:`write_datapackage` describes every CSV of a site's ``tables/`` folder, as written by
:func:`pipeline.analyse.published.write_table`, in a Frictionless data package
(https://specs.frictionlessdata.io/data-package/, tabular data resources): for each table
its name, path, title and description in Italian and English and its sources; for each
column its title, type, unit and meaning (from the registry ``pipeline/analyse/
published.yaml``, and from the codebook where the column is one of its variables); the
missing-value marks (``n.d.``: withheld for confidentiality; empty: not applicable), the
licence (CC BY 4.0), the sources and the wave's title and fieldwork dates.

The package is in the site's language (``title``, ``description``, ``unit``); the
properties ``titles``, ``descriptions`` and ``units`` give both languages (custom
properties, which the specification allows). ``frictionless validate
tables/datapackage.json`` checks the tables against it.

A table or a column the registry does not describe is refused
(:class:`UndescribedTablesError`): no table is published without saying what it holds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.analyse.published import ENCODING, NOT_DISCLOSED, XLSX_DIR
from pipeline.analyse.published_spec import ColumnSpec, column_spec, load_registry, table_spec
from pipeline.atomic import write_text_atomic
from pipeline.config import LANGUAGES, is_demo_wave
from pipeline.config import min_cell as default_min_cell
from pipeline.errors import PipelineError
from pipeline.i18n.formatting import Formatter, normalize_lang
from pipeline.i18n.text import fill, text
from pipeline.wave import wave_title

__all__ = ["LICENSE", "PACKAGE_FILE", "UndescribedTablesError", "datapackage",
           "undescribed", "write_datapackage"]

#: The package's file, in the tables' folder.
PACKAGE_FILE = "datapackage.json"
#: The licence of the published tables.
LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}
#: Types of the data package for the registry's column types.
_FIELD_TYPES = {"code": "string", "text": "string", "boolean": "boolean",
                "integer": "integer", "number": "number"}
#: Where a table's data come from: the catalogue's ``chart.source.<name>``.
_SOURCES = ("workers", "companies", "mapping", "activity", "local_services")


class UndescribedTablesError(PipelineError):
    """Published tables or columns without a title and a description in the registry."""


def _header(path: Path) -> list[str]:
    with path.open(encoding=ENCODING, newline="") as f:
        return next(csv.reader(f), [])


def undescribed(tables_dir: Path) -> list[str]:
    """What the registry does not describe among the CSVs of ``tables_dir``.

    Returns
    -------
    list of str
        ``"<table>"`` for a table without title, description or sources, ``"<table>.
        <column>"`` for a column without title or description; empty when all are.
    """
    missing = []
    for path in sorted(Path(tables_dir).glob("*.csv")):
        spec = table_spec(path.stem)
        if not spec or not spec.get("title") or not spec.get("description") or not all(
                s in _SOURCES for s in spec.get("sources") or [None]):
            missing.append(path.stem)
        for column in _header(path):
            col = column_spec(path.stem, column)
            if col is None or not col.title or not col.description:
                missing.append(f"{path.stem}.{column}")
    return missing


def _both(words: Mapping[str, str], **values: Any) -> dict[str, str]:
    """``{it, en}`` with ``values`` filled in."""
    return {lang: fill(words[lang], lang, **values).strip() for lang in LANGUAGES}


def _field(spec: ColumnSpec, lang: str) -> dict[str, Any]:
    """One column as a Table Schema field."""
    units = load_registry()["units"]
    field: dict[str, Any] = {"name": spec.name, "type": _FIELD_TYPES[spec.type],
                             "title": spec.title[lang], "description": spec.description[lang]}
    if spec.unit:
        field["unit"] = units[spec.unit][lang]
    if spec.type == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    if spec.labelled:
        field["labelField"] = f"{spec.name}_label"
    field["titles"] = {k: spec.title[k] for k in LANGUAGES}
    field["descriptions"] = {k: spec.description[k] for k in LANGUAGES}
    if spec.unit:
        field["units"] = {k: units[spec.unit][k] for k in LANGUAGES}
    return field


def _sources(names: list[str], lang: str) -> list[dict[str, str]]:
    return [{"title": text(f"chart.source.{n}", lang)} for n in names]


def _resource(path: Path, lang: str) -> dict[str, Any]:
    """One CSV as a tabular data resource."""
    spec = table_spec(path.stem) or {}
    words = load_registry()["package"]
    missing = _both(words["missing"])
    descriptions = {k: f"{spec['description'][k]} {missing[k]}" for k in LANGUAGES}
    fields = [_field(column_spec(path.stem, c), lang) for c in _header(path)]
    return {
        "name": path.stem, "path": path.name, "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "title": spec["title"][lang], "description": descriptions[lang],
        "titles": dict(spec["title"]), "descriptions": descriptions,
        "sources": _sources(list(spec.get("sources") or []), lang),
        "schema": {"fields": fields, "missingValues": ["", NOT_DISCLOSED]},
    }


def datapackage(tables_dir: Path, *, lang: str, wave_meta: Mapping[str, Any],
                min_cell: int | None = None) -> dict[str, Any]:
    """The data package describing the CSVs of ``tables_dir`` (see the module doc).

    Parameters
    ----------
    tables_dir
        A site's ``tables/`` folder.
    lang
        The site's language: the language of ``title``, ``description`` and ``unit``.
    wave_meta
        The wave's ``wave.yaml`` (``label``, ``fieldwork_start``, ``fieldwork_end``,
        ``title``, ``synthetic``).
    min_cell
        The disclosure threshold the description states (default the run's,
        :func:`pipeline.config.min_cell`).

    Raises
    ------
    UndescribedTablesError
        When a table or a column is not described in the registry.
    """
    lang = normalize_lang(lang)
    tables_dir = Path(tables_dir)
    missing = undescribed(tables_dir)
    if missing:
        raise UndescribedTablesError(
            f"{tables_dir}: describe in pipeline/analyse/published.yaml (title and "
            f"description, Italian and English): {', '.join(missing)}")
    words = load_registry()["package"]
    label = str(wave_meta.get("label") or tables_dir.parent.name)
    titles = {k: wave_title({"label": label, **wave_meta}, k) for k in LANGUAGES}
    dates = {k: {"start": _day(wave_meta.get("fieldwork_start"), k),
                 "end": _day(wave_meta.get("fieldwork_end"), k)} for k in LANGUAGES}
    threshold = default_min_cell() if min_cell is None else int(min_cell)
    descriptions = {k: fill(words["description"][k], k, wave=titles[k],
                            min_cell=threshold, **dates[k]).strip() for k in LANGUAGES}
    if wave_meta.get("synthetic") or is_demo_wave(label):
        descriptions = {k: f"{text('synthetic_mark', k)}. {v}" for k, v in descriptions.items()}
    resources = [_resource(p, lang) for p in sorted(tables_dir.glob("*.csv"))]
    used = sorted({s for p in tables_dir.glob("*.csv") for s in table_spec(p.stem)["sources"]},
                  key=_SOURCES.index)
    return {
        "profile": "tabular-data-package",
        "name": f"welfare-verona-{label.lower()}-tables",
        "title": fill(words["title"][lang], lang, wave=titles[lang]),
        "description": descriptions[lang],
        "titles": {k: fill(words["title"][k], k, wave=titles[k]) for k in LANGUAGES},
        "descriptions": descriptions,
        "language": lang,
        "licenses": [{**LICENSE, "title": words["license"][lang]}],
        "sources": [*_sources(used, lang), {"title": words["reference_source"][lang]}],
        "wave": {"label": label, "title": titles[lang],
                 "fieldwork_start": _iso(wave_meta.get("fieldwork_start")),
                 "fieldwork_end": _iso(wave_meta.get("fieldwork_end"))},
        "xlsx": f"{XLSX_DIR}/",
        "resources": resources,
    }


def _iso(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _day(value: Any, lang: str) -> str:
    return "?" if value is None else Formatter(lang).date(_iso(value))


def write_datapackage(tables_dir: Path, *, lang: str, wave_meta: Mapping[str, Any],
                      min_cell: int | None = None) -> Path:
    """Write ``<tables_dir>/datapackage.json`` (:func:`datapackage`) and return its path.

    Call it once every table of the wave is written (``welfare run``, after the sections).
    """
    package = datapackage(tables_dir, lang=lang, wave_meta=wave_meta, min_cell=min_cell)
    path = Path(tables_dir) / PACKAGE_FILE
    write_text_atomic(path, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
    return path
