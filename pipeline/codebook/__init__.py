"""The codebook: columns, codes, labels and scales of the raw data contract.

``codebook.yaml`` describes every table and column; ``measures.csv`` is the measure
taxonomy (14 areas, 62 measures) with Italian and English labels; ``service_types.csv``
the codes of local services; ``legal_references.yaml`` the thresholds and citations by date
(:mod:`pipeline.codebook.legal`). Families such as ``need_imp_<MEASURE>`` are expanded here,
so every consumer (ingestion, data-quality suites, chart labels, the variable documentation)
sees the same concrete list of columns.

Dated labels: ``load_codebook(on=wave_meta)`` gives the codebook *of a wave*: its measure
labels (in ``measures``, the ``measure`` code list and every column label built from them)
cite a law only where it was in force on the wave's last fieldwork day
(:func:`pipeline.codebook.legal.wave_date`), and its thresholds
(:meth:`Codebook.fringe_benefit_threshold`) are those of that day. Without a date the
labels are the taxonomy's own and the thresholds those of the newest period.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.codebook.legal import (
    DateLike,
    LegalReferences,
    LegalReferencesError,
    Period,
    as_date,
    fringe_benefit_threshold,
    load_legal_references,
    rules_in_force,
    wave_date,
)
from pipeline.config import CODEBOOK_DIR

__all__ = ["ACTIVE_STATUSES", "CODEBOOK_DIR", "COLUMN_TYPES", "Codebook", "Column",
           "DateLike", "LegalReferences", "LegalReferencesError", "Period", "Table",
           "as_date", "fringe_benefit_threshold", "load_codebook", "load_legal_references",
           "rules_in_force", "wave_date"]

#: Codes of the ``adoption`` code list that count as an active measure (for all employees
#: or for some): the one definition every stage uses.
ACTIVE_STATUSES = ("active_some", "active_all")

#: Column types the codebook may use (see the header of codebook.yaml).
COLUMN_TYPES = (
    "id", "text", "category", "multi", "boolean", "integer", "number",
    "ordinal", "date", "time", "municipality",
)


@dataclass(frozen=True)
class Column:
    """One column of a table, raw or derived.

    Attributes
    ----------
    codes
        Allowed codes, in codebook order (``category``, ``multi``, ``boolean``), or the scale
        points as strings (``ordinal``).
    code_labels
        ``{code: {"it": ..., "en": ...}}`` for the codes.
    minimum, maximum
        Bounds for ``integer``, ``number`` and ``ordinal`` columns (inclusive).
    dont_know
        A "don't know" answer is kept apart: the value is missing and ``<name>_dk`` is true.
    publish
        False for personal data (free text, respondent ids) that never reaches a report.
    """

    name: str
    table: str
    type: str
    label_it: str
    label_en: str
    required: bool = False
    unique: bool = False
    codes: tuple[str, ...] = ()
    code_list: str | None = None
    code_labels: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    scale: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    dont_know: bool = False
    publish: bool = True
    unit: str | None = None
    references: str | None = None
    family: str | None = None
    measure: str | None = None
    max_items: int | None = None
    derived: bool = False
    definition: str | None = None

    def label(self, lang: str = "it") -> str:
        """The column's label in ``lang`` (``it`` or ``en``)."""
        return self.label_en if lang == "en" else self.label_it

    def code_label(self, code: Any, lang: str = "it") -> str:
        """Label of one code of this column (the code itself when it has no label)."""
        labels = self.code_labels.get(str(code))
        return labels[lang] if labels else str(code)


@dataclass(frozen=True)
class Table:
    """One table of a wave: its raw columns and the columns ingestion derives."""

    name: str
    required: bool
    key: str | None
    label_it: str
    label_en: str
    columns: dict[str, Column]
    derived: dict[str, Column]

    def label(self, lang: str = "it") -> str:
        return self.label_en if lang == "en" else self.label_it

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]

    def all_columns(self) -> dict[str, Column]:
        """Raw and derived columns, raw first."""
        return {**self.columns, **self.derived}


@dataclass(frozen=True)
class Codebook:
    """The loaded codebook. Build it with :func:`load_codebook`.

    Attributes
    ----------
    on
        The day whose legal references the labels and thresholds follow (a wave's last
        fieldwork day); ``None``: the taxonomy's own labels and the newest thresholds.
    legal
        The dated rules (:mod:`pipeline.codebook.legal`).
    written_labels
        ``{measure: {"it": ..., "en": ...}}``: the labels as the taxonomy writes them,
        before dating.
    """

    tables: dict[str, Table]
    code_lists: dict[str, dict[str, dict[str, str]]]
    scales: dict[str, dict[str, Any]]
    measures: tuple[dict[str, str], ...]
    service_types: tuple[dict[str, str], ...]
    missing_values: tuple[str, ...]
    dont_know_values: tuple[str, ...]
    on: dt.date | None = None
    legal: LegalReferences | None = field(default=None, compare=False, repr=False)
    written_labels: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict, compare=False, repr=False)

    def column(self, table: str, name: str) -> Column:
        """A raw or derived column of ``table``."""
        return self.tables[table].all_columns()[name]

    def measure_codes(self, subset: str = "all") -> list[str]:
        """Measure codes of the taxonomy: ``all``, ``asked_workers`` or ``shareable``."""
        if subset == "all":
            return [m["measure_code"] for m in self.measures]
        return [m["measure_code"] for m in self.measures if m[subset] == "1"]

    def measure(self, code: str) -> dict[str, str]:
        for m in self.measures:
            if m["measure_code"] == code:
                return m
        raise KeyError(f"unknown measure code {code!r}")

    def measure_label(self, code: str, lang: str = "it", *, on: DateLike = None) -> str:
        """The label of measure ``code`` in ``lang`` as of the codebook's date, or as of
        ``on`` when given (a date or a wave's meta: a law is cited only where in force)."""
        if on is None or self.legal is None:
            return self.measure(code)[f"measure_label_{lang}"]
        self.measure(code)  # unknown codes fail here
        return self.legal.measure_label(code, self.written_labels[code][lang], lang, on)

    def rules_in_force(self) -> dict[str, Period]:
        """``{rule id: period}`` of the legal references on the codebook's date."""
        return rules_in_force(self.on, references=self.legal)

    def fringe_benefit_threshold(self, *, with_children: bool = False) -> float:
        """The fringe-benefit ceiling (TUIR art. 51 c. 3) on the codebook's date, EUR a year
        (:func:`pipeline.codebook.legal.fringe_benefit_threshold`)."""
        return fringe_benefit_threshold(self.on, with_children=with_children,
                                        references=self.legal)

    def areas(self) -> dict[str, dict[str, str]]:
        """``{area_code: {"it": label, "en": label}}`` in taxonomy order."""
        out: dict[str, dict[str, str]] = {}
        for m in self.measures:
            out.setdefault(m["area_code"], {"it": m["area_label_it"], "en": m["area_label_en"]})
        return out

    def area_of(self) -> dict[str, str]:
        """``{measure_code: area_code}``."""
        return {m["measure_code"]: m["area_code"] for m in self.measures}

    def code_label(self, code_list: str, code: Any, lang: str = "it") -> str:
        labels = self.code_lists[code_list].get(str(code))
        return labels[lang] if labels else str(code)


def _read_csv(path: Path) -> tuple[dict[str, str], ...]:
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def _scale_codes(scale: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in range(int(scale["min"]), int(scale["max"]) + 1))


def _build_column(
    table: str,
    name: str,
    spec: dict[str, Any],
    code_lists: dict[str, dict[str, dict[str, str]]],
    scales: dict[str, dict[str, Any]],
    *,
    derived: bool = False,
    family: str | None = None,
    measure: str | None = None,
) -> Column:
    ctype = spec["type"]
    if ctype not in COLUMN_TYPES:
        raise ValueError(f"codebook: {table}.{name} has unknown type {ctype!r}")
    codes: tuple[str, ...] = ()
    code_labels: dict[str, dict[str, str]] = {}
    minimum, maximum = spec.get("min"), spec.get("max")
    scale_name = spec.get("scale")
    if ctype in ("category", "multi"):
        code_labels = code_lists[spec["codes"]]
        codes = tuple(code_labels)
    elif ctype == "boolean":
        code_labels = code_lists["yes_no"]
        codes = ("0", "1")
    elif ctype == "ordinal":
        scale = scales[scale_name]
        minimum, maximum = scale["min"], scale["max"]
        codes = _scale_codes(scale)
        code_labels = {str(k): v for k, v in scale["labels"].items()}
    label = spec["label"]
    return Column(
        name=name,
        table=table,
        type=ctype,
        label_it=label["it"],
        label_en=label["en"],
        required=bool(spec.get("required", False)),
        unique=bool(spec.get("unique", False)),
        codes=codes,
        code_list=spec.get("codes", "yes_no" if ctype == "boolean" else None),
        code_labels=code_labels,
        scale=scale_name,
        minimum=minimum,
        maximum=maximum,
        dont_know=bool(spec.get("dont_know", False)),
        publish=bool(spec.get("publish", ctype != "text")),
        unit=spec.get("unit"),
        references=spec.get("references"),
        family=family,
        measure=measure,
        max_items=spec.get("max_items"),
        derived=derived,
        definition=spec.get("definition"),
    )


def _dated_measures(measures: tuple[dict[str, str], ...], legal: LegalReferences,
                    day: dt.date | None) -> tuple[dict[str, str], ...]:
    """The taxonomy rows with their labels as of ``day`` (new dicts; the rows read from
    ``measures.csv`` are left as they are). A citation the labels no longer write is an
    error, so that the dated table and the taxonomy cannot drift apart unseen."""
    codes = {m["measure_code"] for m in measures}
    for c in legal.citations:
        if c.measure not in codes:
            raise LegalReferencesError(f"legal references: measure citation of unknown "
                                       f"measure {c.measure!r}")
    out = []
    for m in measures:
        row = dict(m)
        for lang in ("it", "en"):
            key = f"measure_label_{lang}"
            for c in legal.citations:
                if c.measure == m["measure_code"] and c.written[lang] not in m[key]:
                    raise LegalReferencesError(
                        f"legal references: the {lang} label of {c.measure} "
                        f"({m[key]!r}) does not write {c.written[lang]!r}: update "
                        "measure_citations")
            if day is not None:
                row[key] = legal.measure_label(m["measure_code"], m[key], lang, day)
        out.append(row)
    return tuple(out)


def load_codebook(directory: Path = CODEBOOK_DIR, on: DateLike = None) -> Codebook:
    """Load and expand the codebook, dated by ``on`` (cached per directory and day).

    Parameters
    ----------
    directory
        The folder of ``codebook.yaml``, ``measures.csv``, ``service_types.csv`` and
        ``legal_references.yaml``.
    on
        The day whose legal references apply: a date, an ISO string, a wave's meta
        (``WaveContext.meta``, ``WaveData.meta``: its last fieldwork day, see
        :func:`pipeline.codebook.legal.wave_date`) or a ``(start, end)`` period (its end).
        ``None``: the taxonomy's labels as written and the newest thresholds.
    """
    return _load_codebook(Path(directory), as_date(on))


@cache
def _load_codebook(directory: Path, day: dt.date | None) -> Codebook:
    raw = yaml.safe_load((directory / "codebook.yaml").read_text(encoding="utf-8"))
    written = _read_csv(directory / "measures.csv")
    legal = load_legal_references(directory / "legal_references.yaml")
    measures = _dated_measures(written, legal, day)
    services = _read_csv(directory / "service_types.csv")
    code_lists: dict[str, dict[str, dict[str, str]]] = {
        name: {str(k): v for k, v in (codes or {}).items()}
        for name, codes in raw["code_lists"].items()
    }
    code_lists["measure"] = {
        m["measure_code"]: {"it": m["measure_label_it"], "en": m["measure_label_en"]}
        for m in measures
    }
    code_lists["service_type"] = {
        s["service_type"]: {"it": s["label_it"], "en": s["label_en"]} for s in services
    }
    scales = raw["scales"]
    by_subset = {
        "all": [m for m in measures],
        "asked_workers": [m for m in measures if m["asked_workers"] == "1"],
        "shareable": [m for m in measures if m["shareable"] == "1"],
    }
    tables: dict[str, Table] = {}
    for tname, tspec in raw["tables"].items():
        columns: dict[str, Column] = {}
        for cname, cspec in tspec.get("columns", {}).items():
            columns[cname] = _build_column(tname, cname, cspec, code_lists, scales)
        for fam in tspec.get("families", []):
            pattern = fam["pattern"]
            if "measures" in fam:
                for m in by_subset[fam["measures"]]:
                    name = pattern.format(measure=m["measure_code"])
                    spec = dict(fam)
                    spec["label"] = {
                        lang: text.format(measure_it=m["measure_label_it"],
                                          measure_en=m["measure_label_en"])
                        for lang, text in fam["label"].items()
                    }
                    columns[name] = _build_column(
                        tname, name, spec, code_lists, scales,
                        family=pattern, measure=m["measure_code"],
                    )
            else:
                for item in fam["items"]:
                    name = pattern.format(item=item)
                    spec = dict(fam)
                    spec["label"] = {k: v.format(item=item) for k, v in fam["label"].items()}
                    columns[name] = _build_column(tname, name, spec, code_lists, scales,
                                                  family=pattern)
        derived = {
            cname: _build_column(tname, cname, cspec, code_lists, scales, derived=True)
            for cname, cspec in tspec.get("derived", {}).items()
        }
        for cname, col in list(columns.items()):
            if col.dont_know:
                derived[f"{cname}_dk"] = Column(
                    name=f"{cname}_dk", table=tname, type="boolean",
                    label_it=f"{col.label_it}: non so", label_en=f"{col.label_en}: don't know",
                    codes=("0", "1"), code_list="yes_no", code_labels=code_lists["yes_no"],
                    derived=True, family=f"{col.family}_dk" if col.family else None,
                    measure=col.measure,
                    definition=f"true where {cname} was answered \"don't know\"",
                )
        tables[tname] = Table(
            name=tname,
            required=bool(tspec.get("required", False)),
            key=tspec.get("key"),
            label_it=tspec["label"]["it"],
            label_en=tspec["label"]["en"],
            columns=columns,
            derived=derived,
        )
    return Codebook(
        tables=tables,
        code_lists=code_lists,
        scales=scales,
        measures=measures,
        service_types=services,
        missing_values=tuple(raw["missing_values"]),
        dont_know_values=tuple(raw["dont_know_values"]),
        on=day,
        legal=legal,
        written_labels={m["measure_code"]: {"it": m["measure_label_it"],
                                            "en": m["measure_label_en"]} for m in written},
    )
