"""What each published table and column is, and the words for its codes.

The registry is ``pipeline/analyse/published.yaml`` (:data:`pipeline.config.
PUBLISHED_TABLES_PATH`): for every table a wave publishes (``reports/<wave>/tables/
<name>.csv``) its title, description and sources, and for every column its type, rounding,
unit, meaning and, for a code, where its labels come from. :func:`column_spec` resolves a
column of a table (the defaults of its name, the table's own entry, ``like`` another
column, the codebook's words); :func:`code_labels` puts the site's words on a column of
codes, from the sources the reports already use: the codebook (measures dated as the wave,
code lists, scales, variables), the text catalogue, the theme dictionary and the shared
ISTAT list of municipalities (read once through :func:`pipeline.analyse.plots.maps.
municipalities`, the map's own reader).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.codebook import DateLike, load_codebook
from pipeline.config import PUBLISHED_TABLES_PATH, get_paths
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import fill, has_text, text

__all__ = ["TYPES", "ColumnSpec", "code_labels", "column_spec", "load_registry",
           "municipality_names", "table_spec"]

#: The types of a published column (``code`` and ``text`` are strings in the data package).
TYPES = ("code", "text", "boolean", "integer", "number")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of one published table, resolved.

    Attributes
    ----------
    type
        One of :data:`TYPES`.
    decimals, digits
        Numbers are rounded to ``decimals`` decimals, or to ``digits`` significant digits
        (p-values, standard errors); neither: 6 significant digits.
    unit
        A key of the registry's ``units`` (``share``, ``euro``, ``companies`` ...).
    labels, extra
        Where the labels of a code come from (see the registry's header) and the codes
        they lack (a catalogue key or ``{it, en}``); a code column with neither has no
        label column.
    title, description
        ``{it, en}``; ``None`` when the registry does not describe the column.
    """

    name: str
    type: str
    decimals: int | None = None
    digits: int | None = None
    unit: str | None = None
    labels: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    title: Mapping[str, str] | None = None
    description: Mapping[str, str] | None = None

    @property
    def labelled(self) -> bool:
        """Whether the column gets a label column ``<name>_label``."""
        return self.type == "code" and bool(self.labels or self.extra)


@cache
def load_registry(path: Path = PUBLISHED_TABLES_PATH) -> dict[str, Any]:
    """The registry of published tables (``published.yaml``), as read."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def table_spec(table: str, registry: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """The registry's entry of ``table`` (title, description, sources, columns), or None."""
    registry = registry or load_registry()
    return (registry.get("tables") or {}).get(table)


def _codebook_words(ref: str) -> dict[str, Any]:
    """Title and description of a codebook column ``<table>.<column>`` (its definition,
    written in English in the codebook, goes to the English description only)."""
    table, column = ref.split(".", 1)
    col = load_codebook().column(table, column)
    definition = f": {col.definition}" if col.definition else ""
    return {"title": {"it": col.label_it, "en": col.label_en},
            "description": {"it": f"{col.label_it} (variabile {ref} del codebook).",
                            "en": f"{col.label_en} (variable {ref} of the codebook){definition}."}}


def _raw(table: str, column: str, registry: Mapping[str, Any]) -> dict[str, Any] | None:
    default = (registry.get("columns") or {}).get(column)
    own = ((table_spec(table, registry) or {}).get("columns") or {}).get(column)
    if default is None and own is None:
        return None
    merged = {**(default or {}), **(own or {})}
    if own and "like" not in own and "like" in merged and "type" in own:
        del merged["like"]  # a table that types the column itself does not inherit
    return merged


def column_spec(table: str, column: str,
                registry: Mapping[str, Any] | None = None) -> ColumnSpec | None:
    """The resolved spec of ``column`` in ``table``, or None when the registry lacks it.

    A label column ``<code>_label`` of a labelled code column is described from the code
    column's title (the registry's ``label_column``).
    """
    registry = registry or load_registry()
    raw = _raw(table, column, registry)
    if raw is None:
        if column.endswith("_label"):
            code = column_spec(table, column[: -len("_label")], registry)
            if code is not None and code.labelled:
                words = registry["label_column"]
                return ColumnSpec(
                    name=column, type="text",
                    title={lang: fill(words["title"][lang], lang, title=(code.title or {}).get(
                        lang, code.name)) for lang in ("it", "en")},
                    description={lang: fill(words["description"][lang], lang,
                                            column=code.name) for lang in ("it", "en")})
        return None
    if "like" in raw:
        base = column_spec(table, raw["like"], registry)
        if base is not None:
            raw = {"type": base.type, "decimals": base.decimals, "digits": base.digits,
                   "unit": base.unit, **{k: v for k, v in raw.items() if k != "like"}}
            if "digits" in raw and raw.get("digits") is not None:
                raw["decimals"] = None
    words = _codebook_words(raw["codebook"]) if raw.get("codebook") else {}
    kind = raw.get("type", "text")
    if kind not in TYPES:
        raise ValueError(f"published.yaml: {table}.{column} has unknown type {kind!r}")
    return ColumnSpec(
        name=column, type=kind, decimals=raw.get("decimals"), digits=raw.get("digits"),
        unit=raw.get("unit"), labels=raw.get("labels"), extra=raw.get("extra") or {},
        title=raw.get("title") or words.get("title"),
        description=raw.get("description") or words.get("description"))


# --- labels -------------------------------------------------------------------------------------

@cache
def municipality_names(csv: Path) -> dict[str, str]:
    """``{ISTAT code: name}`` of the shared list of municipalities (``Paths.
    municipalities_csv``), read by the map's own reader."""
    from pipeline.analyse.plots.maps import municipalities

    table = municipalities(csv)
    return dict(zip(table["code"], table["name"], strict=True))


def _variable_label(name: str, lang: str) -> str | None:
    """The codebook's label of a variable (a column of any table) named ``name``."""
    codebook = load_codebook()
    for table in ("worker_survey", "companies", "company_survey"):
        if table in codebook.tables and name in codebook.tables[table].all_columns():
            return codebook.column(table, name).label(lang)
    return None


def _maturity_labels(lang: str) -> dict[str, str]:
    from pipeline.analyse.analysis.measures_maturity import MATURITY_CLASSES, MATURITY_CUTS

    words = load_registry()["maturity_label"]
    fmt = Formatter(lang)
    bounds = [0.0, *MATURITY_CUTS, 100.0]
    return {c: fill(words[lang], lang, cls=c, low=fmt.number(bounds[i], 0),
                    high=fmt.number(bounds[i + 1], 0))
            for i, c in enumerate(MATURITY_CLASSES)}


def _source_labels(source: str, lang: str, on: DateLike) -> Mapping[str, str] | None:
    """``{code: label}`` of a label source that does not depend on the row."""
    codebook = load_codebook(on=on)
    kind, _, arg = source.partition(":")
    if kind == "measure":
        return {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}
    if kind == "welfare_area":
        return {a: v[lang] for a, v in codebook.areas().items()}
    if kind == "code_list":
        return {c: v[lang] for c, v in codebook.code_lists[arg].items()}
    if kind == "scale":
        return {str(c): v[lang] for c, v in codebook.scales[arg]["labels"].items()}
    if kind == "municipality":
        return municipality_names(get_paths().municipalities_csv)
    if kind == "theme":
        from pipeline.analyse.analysis.themes import load_themes

        return {t: spec["label"][lang] for t, spec in load_themes().items()}
    if kind == "maturity":
        return _maturity_labels(lang)
    return None


def _one(code: str, source: str | None, extra: Mapping[str, Any], lang: str,
         fixed: Mapping[str, str] | None, group_var: str | None) -> str:
    """The label of one code (the code itself when no source has one)."""
    if code in extra:
        word = extra[code]
        return word[lang] if isinstance(word, Mapping) else text(word, lang)
    if fixed is not None:
        return fixed.get(code, code)
    kind, _, arg = (source or "").partition(":")
    if kind == "text" and has_text(f"{arg}.{code}"):
        return text(f"{arg}.{code}", lang)
    if kind == "variable":
        return _variable_label(code, lang) or code
    if kind == "group" and group_var is not None:
        if has_text(f"group.{group_var}.{code}"):
            return text(f"group.{group_var}.{code}", lang)
        lists = load_codebook().code_lists
        if group_var in lists and code in lists[group_var]:
            return lists[group_var][code][lang]
    return code


def code_labels(spec: ColumnSpec, codes: pd.Series, lang: str, *, on: DateLike = None,
                frame: pd.DataFrame | None = None) -> pd.Series:
    """The label of each code of ``codes`` in ``lang``; a missing code has an empty label.

    Parameters
    ----------
    spec
        The code column's spec (:func:`column_spec`): ``labels`` and ``extra``.
    codes
        The codes, as published.
    on
        The wave's date or meta: measure labels cite a law only where in force then.
    frame
        The table, for labels that depend on another column of the row (``group``: its
        ``group_var``).
    """
    fixed = _source_labels(spec.labels, lang, on) if spec.labels else None
    group_vars = (frame["group_var"] if frame is not None and "group_var" in frame.columns
                  else pd.Series(None, index=codes.index, dtype="object"))
    out = []
    for code, group_var in zip(codes, group_vars, strict=True):
        if code is None or (not isinstance(code, str) and pd.isna(code)):
            out.append("")
            continue
        key = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code)
        out.append(_one(key, spec.labels, spec.extra, lang, fixed,
                        None if pd.isna(group_var) else str(group_var)))
    return pd.Series(out, index=codes.index, dtype="object")
