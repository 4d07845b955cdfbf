"""The expectations the codebook implies: the rules behind the suites of ``expectations/``.

:func:`column_expectations` gives the checks of one column of the codebook, in a fixed order,
and :func:`extra_expectations` the plausibility and cross-table checks of a table that no
single column's entry can express; each is a plain dictionary in great-expectations 1.x's
suite format (:func:`expectation`). :mod:`pipeline.validate.suites` assembles them into the
suite files. The thresholds are the constants below (``expectations/README.md``).

What each column of the codebook gets
-------------------------------------
=================  ============================================================  ========
check (meta.kind)  expectation                                                   severity
=================  ============================================================  ========
exists             ``expect_column_to_exist`` (required columns)                 critical
type               ``expect_column_values_to_be_of_type`` (typed representation) critical
codes              ``expect_column_values_to_be_in_set`` (category codes) or     critical
                   ``..._to_match_regex`` (``multi``: codes joined by ``|``)
scale              ``expect_column_values_to_be_in_set`` (ordinal scale points)  critical
range              ``expect_column_values_to_be_between`` (codebook min/max)      critical
format             ``..._to_match_regex`` (municipality, time)                   critical
istat              ``..._to_be_in_set`` ``$PARAMETER istat_municipalities``      critical
                                                                                 (warning
                                                                                 for
                                                                                 residence)
not_future         ``..._to_be_between`` max ``$PARAMETER now`` (dates)           critical
unique             ``expect_column_values_to_be_unique``                         critical
references         ``..._to_be_in_set`` ``$PARAMETER <table>__<column>``         critical
complete           ``expect_column_values_to_not_be_null``: keys ``mostly`` 1,   critical
                   other required answers ``mostly`` 0.80 (at most 20 % missing)
complete_warn      the same with ``mostly`` 0.95 (at most 5 % missing)           warning
=================  ============================================================  ========

plus the plausibility and cross-table checks of :func:`extra_expectations` (respondents
above a company's headcount, surveyed companies outside the network, implausible headcounts
and dates, duplicated companies and duplicated questionnaires, wave-over-wave identity).

Columns whose name starts with ``ctx_`` do not exist in the data: the gate
(:mod:`pipeline.validate.context`) adds them to a copy of the table before validating, from
other tables, the previous wave or the reference data. ``$PARAMETER`` values (suite
parameters of great-expectations) are also supplied by the gate at validation time.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.codebook import Codebook, Column

#: ``mostly`` of the completeness checks of required answers (at most 20 % / 5 % missing).
COMPLETE_CRITICAL = 0.80
COMPLETE_WARNING = 0.95
#: A company with more employees than this is flagged as implausible (warning).
MAX_PLAUSIBLE_EMPLOYEES = 10_000
#: Dates before this are flagged as implausible (warning). Full datetime: GX compares a bare
#: date as ``datetime.date`` and silently fails (STACK_NOTES.md).
MIN_PLAUSIBLE_DATE = "2000-01-01T00:00:00"
#: A headcount at or below this share of the previous wave's is flagged (warning).
MIN_HEADCOUNT_RATIO = 0.5

#: great-expectations ``type_`` of each codebook column type, as the typed representation of
#: :mod:`pipeline.ingest.convert` stores it. GX compares ``dtype.type``, so ``int64`` matches both
#: ``Int64`` and ``int64``, ``int8`` both ``Int8`` and ``int8``, ``bool`` both ``boolean``
#: and ``bool``; ``str`` matches pandas' ``str`` dtype (``object`` would not).
GX_TYPES = {
    "id": "str", "text": "str", "category": "str", "multi": "str", "municipality": "str",
    "time": "str", "boolean": "bool", "integer": "int64", "ordinal": "int8",
    "number": "float64", "date": "datetime64",
}

#: Nouns of referenced columns, for messages ("'C99' is not a company of company_survey").
REFERENCE_NOUNS = {"company_id": {"it": "un'impresa", "en": "a company"}}

SEVERITIES = ("critical", "warning")


def parameter_name(reference: str) -> str:
    """Suite parameter of a reference ``table.column``: ``table__column`` (GX parameter names
    must be identifiers)."""
    return reference.replace(".", "__")


def _pct(share: float) -> str:
    return f"{round((1 - share) * 100):g} %"


def expectation(
    etype: str,
    kwargs: dict[str, Any],
    *,
    table: str,
    kind: str,
    column: str | None,
    it: str,
    en: str,
    severity: str = "critical",
    **meta: Any,
) -> dict[str, Any]:
    """One expectation of the suite of ``table``: great-expectations' ``type``, ``kwargs`` and
    ``severity``, and a ``meta`` naming the check ``<table>.<column>.<kind>`` (``<table>.<kind>``
    without a column) with its description in both languages and any further ``meta``."""
    name = f"{table}.{column}.{kind}" if column else f"{table}.{kind}"
    return {
        "type": etype,
        "kwargs": kwargs,
        "meta": {"check": name, "kind": kind, "column": column,
                 "description": {"it": it, "en": en}, **meta},
        "severity": severity,
    }


def _codes_regex(codes: tuple[str, ...], max_items: int | None) -> str:
    alt = "|".join(re.escape(c) for c in codes)
    repeat = f"{{0,{max_items - 1}}}" if max_items else "*"
    return f"^(?:{alt})(?:\\|(?:{alt})){repeat}$"


def _short_list(codes: tuple[str, ...] | list[str], lang: str, n: int = 12) -> str:
    codes = list(codes)
    more = f", ... ({len(codes)} {'codici' if lang == 'it' else 'codes'})"
    return ", ".join(codes[:n]) + (more if len(codes) > n else "")


def _check(col: Column, etype: str, kwargs: dict[str, Any], kind: str, it: str, en: str,
           severity: str = "critical", **meta: Any) -> dict[str, Any]:
    """An expectation on the column ``col`` (its name added to ``kwargs``)."""
    return expectation(etype, {"column": col.name, **kwargs}, table=col.table, kind=kind,
                        column=col.name, it=it, en=en, severity=severity, **meta)


# -- the checks of each column type (codes, scale, range, format, istat, dates) ---------------
def _category_checks(col: Column) -> list[dict[str, Any]]:
    return [_check(col, "expect_column_values_to_be_in_set", {"value_set": list(col.codes)},
                   "codes", f"Solo codici ammessi ({_short_list(col.codes, 'it')})",
                   f"Only allowed codes ({_short_list(col.codes, 'en')})")]


def _multi_checks(col: Column) -> list[dict[str, Any]]:
    most = f" (al massimo {col.max_items})" if col.max_items else ""
    most_en = f" (at most {col.max_items})" if col.max_items else ""
    return [_check(col, "expect_column_values_to_match_regex",
                   {"regex": _codes_regex(col.codes, col.max_items)}, "codes",
                   f"Codici ammessi separati da '|'{most}",
                   f"Allowed codes separated by '|'{most_en}")]


def _ordinal_checks(col: Column) -> list[dict[str, Any]]:
    points = list(range(int(col.minimum), int(col.maximum) + 1))
    return [_check(col, "expect_column_values_to_be_in_set", {"value_set": points}, "scale",
                   f"Valori sulla scala {points[0]}-{points[-1]}",
                   f"Values on the scale {points[0]}-{points[-1]}")]


def _range_checks(col: Column) -> list[dict[str, Any]]:
    """``integer`` and ``number``: between the codebook's bounds, if it gives any."""
    if col.minimum is None and col.maximum is None:
        return []
    bounds: dict[str, Any] = {}
    if col.minimum is not None:
        bounds["min_value"] = col.minimum
    if col.maximum is not None:
        bounds["max_value"] = col.maximum
    lo = "" if col.minimum is None else f"{col.minimum:g}"
    hi = "" if col.maximum is None else f"{col.maximum:g}"
    return [_check(col, "expect_column_values_to_be_between", bounds, "range",
                   f"Valori tra {lo or '-inf'} e {hi or '+inf'}",
                   f"Values between {lo or '-inf'} and {hi or '+inf'}")]


def _municipality_checks(col: Column) -> list[dict[str, Any]]:
    # A worker's residence outside the list is worth a look; a company's or a service's
    # municipality must exist (maps and territorial matching are built on it).
    severity = "warning" if col.table == "worker_survey" else "critical"
    return [
        _check(col, "expect_column_values_to_match_regex", {"regex": r"^\d{6}$"}, "format",
               "Codice ISTAT di 6 cifre", "ISTAT code of 6 digits"),
        _check(col, "expect_column_values_to_be_in_set",
               {"value_set": {"$PARAMETER": "istat_municipalities"}}, "istat",
               "Il comune esiste nell'elenco ISTAT dei dati di riferimento (i codici di province "
               "che l'elenco non copre sono accettati se la provincia esiste, 001-111)",
               "The municipality exists in the ISTAT list of the reference data (codes of "
               "provinces the list does not cover are accepted when the province exists, "
               "001-111)",
               severity=severity),
    ]


def _time_checks(col: Column) -> list[dict[str, Any]]:
    return [_check(col, "expect_column_values_to_match_regex",
                   {"regex": r"^(?:[01]\d|2[0-3]):[0-5]\d$"}, "format",
                   "Ora del giorno HH:MM", "Time of day HH:MM")]


def _date_checks(col: Column) -> list[dict[str, Any]]:
    return [
        _check(col, "expect_column_values_to_be_between", {"max_value": {"$PARAMETER": "now"}},
               "not_future", "Nessuna data nel futuro", "No date in the future"),
        _check(col, "expect_column_values_to_be_between", {"min_value": MIN_PLAUSIBLE_DATE},
               "plausible", f"Nessuna data prima del {MIN_PLAUSIBLE_DATE[:10]}",
               f"No date before {MIN_PLAUSIBLE_DATE[:10]}", severity="warning"),
    ]


#: The checks of the values of each column type beyond their type (other types have none).
TYPE_CHECKS = {
    "category": _category_checks,
    "multi": _multi_checks,
    "ordinal": _ordinal_checks,
    "integer": _range_checks,
    "number": _range_checks,
    "municipality": _municipality_checks,
    "time": _time_checks,
    "date": _date_checks,
}


def _reference_check(col: Column) -> dict[str, Any]:
    """Every value of ``col`` is a value of the column it references (``table.column``)."""
    ref_table, ref_col = col.references.split(".")
    noun = REFERENCE_NOUNS.get(ref_col, {"it": ref_col, "en": ref_col})
    return _check(col, "expect_column_values_to_be_in_set",
                  {"value_set": {"$PARAMETER": parameter_name(col.references)}}, "references",
                  f"Ogni valore è {noun['it']} di {ref_table}",
                  f"Every value is {noun['en']} of {ref_table}",
                  reference=col.references)


def _completeness_checks(col: Column, table_key: str | None) -> list[dict[str, Any]]:
    """A required column: keys never missing, other answers at most 20 % (5 %: warning)."""
    t, c = col.table, col.name
    key = col.unique or col.references or c == table_key
    # A don't-know answer is an answer: its completeness is measured on a companion
    # column the gate adds (value given or "don't know"); the values stay as they are.
    target = f"ctx_answered_{c}" if col.dont_know else c
    if key:
        return [expectation("expect_column_values_to_not_be_null", {"column": target}, table=t,
                             kind="complete", column=c, it="Nessun valore mancante",
                             en="No missing value")]
    note_it = " (\"non so\" conta come risposta)" if col.dont_know else ""
    note_en = " (\"don't know\" counts as an answer)" if col.dont_know else ""
    return [expectation("expect_column_values_to_not_be_null",
                         {"column": target, "mostly": share}, table=t, kind=kind, column=c,
                         it=f"Al massimo il {_pct(share)} di valori mancanti{note_it}",
                         en=f"At most {_pct(share)} missing values{note_en}",
                         severity=severity)
            for share, kind, severity in ((COMPLETE_CRITICAL, "complete", "critical"),
                                          (COMPLETE_WARNING, "complete_warn", "warning"))]


def column_expectations(col: Column, table_key: str | None) -> list[dict[str, Any]]:
    """The expectations the codebook implies for one column, in a fixed order.

    Exists (required columns), type, the checks of its type (:data:`TYPE_CHECKS`), unique,
    references, then completeness (required columns).
    """
    out: list[dict[str, Any]] = []
    if col.required:
        out.append(_check(col, "expect_column_to_exist", {}, "exists",
                          "La colonna obbligatoria è presente", "The required column is present"))
    gx_type = GX_TYPES[col.type]
    out.append(_check(col, "expect_column_values_to_be_of_type", {"type_": gx_type}, "type",
                      f"Tipo dei valori: {gx_type}", f"Type of the values: {gx_type}"))
    out += TYPE_CHECKS.get(col.type, lambda _: [])(col)
    if col.unique:
        out.append(_check(col, "expect_column_values_to_be_unique", {}, "unique",
                          "Valori unici (nessun duplicato)", "Unique values (no duplicates)"))
    if col.references:
        out.append(_reference_check(col))
    if col.required:
        out += _completeness_checks(col, table_key)
    return out


def duplicate_answer_columns(codebook: Codebook) -> list[str]:
    """The answers a duplicated questionnaire repeats: required columns but ``resp_id``, and
    the don't-know flags (``<column>_dk``) of those that have one."""
    table = codebook.tables["worker_survey"]
    out = []
    for name in table.required_columns:
        if name != "resp_id":
            out.append(name)
            if table.columns[name].dont_know:
                out.append(f"{name}_dk")
    return out


def extra_expectations(codebook: Codebook, table: str) -> list[dict[str, Any]]:
    """Plausibility and cross-table checks a single column's codebook entry cannot express."""
    out: list[dict[str, Any]] = []

    def add(etype: str, kwargs: dict[str, Any], kind: str, column: str | None, it: str,
            en: str, severity: str = "critical", **meta: Any) -> None:
        out.append(expectation(etype, kwargs, table=table, kind=kind, column=column, it=it,
                                en=en, severity=severity, **meta))

    if table == "companies":
        add("expect_column_values_to_be_between",
            {"column": "n_employees", "max_value": MAX_PLAUSIBLE_EMPLOYEES}, "plausible",
            "n_employees",
            f"Al massimo {MAX_PLAUSIBLE_EMPLOYEES:,} dipendenti (oltre: verificare)".replace(
                ",", "."),
            f"At most {MAX_PLAUSIBLE_EMPLOYEES:,} employees (above: check)", severity="warning")
        add("expect_column_pair_values_a_to_be_greater_than_b",
            {"column_A": "n_employees", "column_B": "ctx_respondents", "or_equal": True,
             "ignore_row_if": "either_value_is_missing"},
            "respondents_le_headcount", "n_employees",
            "I rispondenti di worker_survey non superano i dipendenti dell'impresa",
            "Respondents in worker_survey do not outnumber the company's employees",
            context="ctx_respondents: worker_survey rows of the company")
        add("expect_compound_columns_to_be_unique",
            {"column_list": ["name", "municipality"], "ignore_row_if": "any_value_is_missing"},
            "duplicate_company", "name",
            "Nessuna coppia ragione sociale + comune ripetuta sotto codici diversi",
            "No company name + municipality repeated under different codes",
            severity="warning")
        add("expect_column_pair_values_to_be_equal",
            {"column_A": "ateco_section", "column_B": "ctx_prev_ateco_section",
             "ignore_row_if": "either_value_is_missing"},
            "same_sector_as_previous", "ateco_section",
            "Il settore ATECO di un'impresa è lo stesso dell'ondata precedente",
            "A company's ATECO section is the same as in the previous wave",
            severity="warning", needs="previous_wave",
            context="ctx_prev_ateco_section: ateco_section of the same company_id in the "
                    "previous wave")
        add("expect_column_values_to_be_between",
            {"column": "ctx_headcount_ratio", "min_value": MIN_HEADCOUNT_RATIO,
             "strict_min": True},
            "headcount_not_halved", "n_employees",
            "I dipendenti non si sono dimezzati rispetto all'ondata precedente",
            "The headcount has not halved since the previous wave",
            severity="warning", needs="previous_wave",
            show_columns=["ctx_prev_n_employees", "n_employees"],
            context="ctx_headcount_ratio: n_employees / n_employees of the same company_id "
                    "in the previous wave")
    elif table == "company_survey":
        add("expect_column_values_to_be_in_set",
            {"column": "company_id",
             "value_set": {"$PARAMETER": "companies__company_id__in_network"}},
            "in_network", "company_id",
            "Le imprese del questionario sono segnate come aderenti alla rete in companies",
            "Companies of the questionnaire are marked as in the network in companies",
            severity="warning")
    elif table == "worker_survey":
        add("expect_column_values_to_be_unique", {"column": "ctx_answers_key"},
            "duplicate_answers", None,
            "Nessun questionario con le stesse risposte obbligatorie (impresa compresa) di un "
            "altro (esportazione duplicata?)",
            "No questionnaire with the same required answers (company included) as another "
            "(a duplicated export?)",
            severity="warning", show_values=False,
            context="ctx_answers_key: 64-bit fingerprint of the row's values of "
                    + ", ".join(duplicate_answer_columns(codebook)))
    return out
