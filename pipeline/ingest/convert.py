"""Typing raw text cells as the codebook says, collecting every problem with its row.

Each converter takes a column's cells (index = spreadsheet row numbers) and returns the typed
Series and a boolean mask of invalid cells. A column is first factorized once
(:func:`pipeline.ingest.cells.distinct_cells`): trimming, the missing and don't-know
markers and every converter work on its distinct values, and the typed values reach the
rows by one ``take`` of the codes, so a million rows cost little more than the few hundred
distinct answers in them (``id`` and ``text`` columns, mostly distinct, are trimmed row by
row, vectorised).

Typed representation (what the processed Parquet tables hold)
-------------------------------------------------------------
id, text, category, multi, municipality, time -> pandas ``str`` (missing: NA)
boolean  -> ``boolean``;  integer, ordinal -> ``Int64`` (``Int8`` for ordinal scales)
number   -> ``float64`` (NaN for missing);  date -> ``datetime64[s]``

Numbers are read by :mod:`pipeline.ingest.numbers` (decimal mark and thousands separators
by the file's own format, plausible ranges); an error quotes at most 80 characters of a
cell, on one line (:func:`pipeline.ingest.limits.shown`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook, Column
from pipeline.ingest.cells import Cells, blank_masks, distinct_cells, map_cells
from pipeline.ingest.limits import shown
from pipeline.ingest.numbers import (
    NUMBER_TYPES,
    STORED,
    NumberFormat,
    bound_text,
    plausible_range,
)

_INT_TEXT = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_IT_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")
_MUNICIPALITY = re.compile(r"^\d{6}$")

BOOLEAN_WORDS = {"0": False, "1": True, "no": False, "sì": True, "si": True, "sí": True,
                 "falso": False, "vero": True}


@dataclass
class Converted:
    """A typed column: values, a mask of invalid cells with a reason, and don't-know flags."""

    values: pd.Series
    invalid: pd.Series
    reason: Callable[[str], str]
    dont_know: pd.Series | None = None


def _label_lookup(column: Column) -> dict[str, str]:
    lookup = {}
    for code, labels in column.code_labels.items():
        lookup[labels["it"].strip().lower()] = code
    for code in column.codes:
        lookup[code.lower()] = code
    return lookup


def _allowed(column: Column) -> str:
    codes = ", ".join(column.codes[:12]) + (", ..." if len(column.codes) > 12 else "")
    return f"allowed: {codes} or their Italian labels"


def convert_column(text: pd.Series, column: Column, codebook: Codebook, *,
                   numbers: NumberFormat | None = None,
                   stored: pd.Series | None = None) -> Converted:
    """Convert one column of raw text cells to its codebook type.

    Parameters
    ----------
    text
        Raw cells as read (``str``), indexed by spreadsheet row number.
    column
        The codebook's description of the column.
    codebook
        For the missing and don't-know markers.
    numbers
        The decimal mark of the column's file (:func:`pipeline.ingest.numbers.file_format`;
        default: none shown, so an ambiguous ``1.000`` is refused).
    stored
        True where the workbook stores the cell as a number (XLSX), read as stored.

    Raises
    ------
    ValueError
        If the column's type has no converter (:data:`CONVERTERS`).
    """
    if column.type in NUMBER_TYPES:
        cells, _ = distinct_cells(text, codebook, column.dont_know)
        return convert_number(cells, column, numbers or NumberFormat(), stored)
    converter = CONVERTERS.get(column.type)
    if converter is None:
        raise ValueError(f"no converter for column type {column.type!r}")
    if column.type in ROW_BY_ROW:
        trimmed, missing, dk = blank_masks(text, codebook)
        present = ~missing & ~dk if column.dont_know else ~missing
        flags = dk.astype("boolean") if column.dont_know else None
        return converter(trimmed.where(present), column, codebook, flags)
    cells, flags = distinct_cells(text, codebook, column.dont_know)
    return converter(cells, column, codebook, flags)


# -- one converter per column type ------------------------------------------------------
# Each takes the column's Cells (missing and don't-know answers already taken out; for the
# ROW_BY_ROW types the trimmed cells, missing and don't know NA), the column, the codebook
# and the don't-know flags (None unless the column allows "don't know"), and returns the
# Converted column.


def _convert_text(work: pd.Series, column: Column, codebook: Codebook,
                  dont_know: pd.Series | None) -> Converted:
    """``id`` and ``text``: kept as written (trimmed); never invalid."""
    return Converted(work.astype("str"), pd.Series(False, index=work.index), lambda v: "")


def _code_of(column: Column) -> Callable[[str], object]:
    """Cell text to a code of ``column`` (``category``, ``ordinal``, ``boolean``), or None.

    A code or its Italian label, case-insensitive; ordinal scales and booleans also take a
    whole number written ``3``, ``3.0`` or ``3,0``; booleans the words of
    :data:`BOOLEAN_WORDS`.
    """
    lookup = _label_lookup(column)
    if column.type == "boolean":
        lookup.update(BOOLEAN_WORDS)
    numeric = column.type in ("ordinal", "boolean")

    def to_code(v: str) -> object:
        key = v.lower()
        if key in lookup:
            return lookup[key]
        if numeric and _INT_TEXT.match(v):
            return lookup.get(str(int(float(v.replace(",", ".")))))
        return None

    return to_code


def _typed_codes(mapped: pd.Series, ctype: str) -> pd.Series:
    """Codes as their column type stores them: ``str``, ``boolean`` or ``Int8`` (ordinal)."""
    if ctype == "category":
        return mapped.astype("str")
    if ctype == "boolean":
        return mapped.map({"0": False, "1": True, False: False, True: True}).astype("boolean")
    return pd.to_numeric(mapped, errors="coerce").astype("Int8")


def _code_reason(column: Column, codebook: Codebook) -> Callable[[str], str]:
    """Why a cell is not a code of ``column``: a don't-know where none is allowed, a
    value off the ordinal scale, or an unknown code."""
    dont_know_words = [d.lower() for d in codebook.dont_know_values]

    def reason(v: str) -> str:
        if v.lower() in dont_know_words:
            return f"'{shown(v)}' (don't know) is not a valid answer here; {_allowed(column)}"
        if column.type == "ordinal":
            return (f"'{shown(v)}' is not on the scale {column.minimum}-{column.maximum}; "
                    f"{_allowed(column)}")
        return f"'{shown(v)}' is not a valid code ({_allowed(column)})"

    return reason


def _convert_codes(cells: Cells, column: Column, codebook: Codebook,
                   dont_know: pd.Series | None) -> Converted:
    """``category``, ``ordinal``, ``boolean``: one code per cell."""
    mapped, invalid = map_cells(cells, _code_of(column))
    return Converted(cells.spread(_typed_codes(mapped, column.type)), invalid,
                     _code_reason(column, codebook), dont_know)


def _split_multi(v: str) -> list[str]:
    return [p.strip() for p in v.split("|") if p.strip()]


def _convert_multi(cells: Cells, column: Column, codebook: Codebook,
                   dont_know: pd.Series | None) -> Converted:
    """``multi``: codes separated by ``|``, at most ``max_items`` of them."""
    lookup = _label_lookup(column)

    def to_codes(v: str) -> object:
        parts = _split_multi(v)
        codes = [lookup.get(p.lower()) for p in parts]
        if not parts or any(c is None for c in codes):
            return None
        if column.max_items and len(codes) > column.max_items:
            return None
        return "|".join(codes)

    def reason(v: str) -> str:
        parts = _split_multi(v)
        if column.max_items and len(parts) > column.max_items:
            return f"'{shown(v)}' lists {len(parts)} codes, at most {column.max_items} allowed"
        bad = [p for p in parts if p.lower() not in lookup]
        return f"'{shown(bad[0] if bad else v)}' is not a valid code ({_allowed(column)})"

    mapped, invalid = map_cells(cells, to_codes)
    return Converted(cells.spread(mapped.astype("str")), invalid, reason)


def _outside(numbers: pd.Series, lo: float | None, hi: float | None) -> pd.Series:
    """Numbers below ``lo`` or above ``hi`` (a missing bound is no bound)."""
    out_of_range = pd.Series(False, index=numbers.index)
    if lo is not None:
        out_of_range |= numbers < lo
    if hi is not None:
        out_of_range |= numbers > hi
    return out_of_range


def _number_reason(column: Column, numbers: NumberFormat,
                   stored_only: set[str]) -> Callable[[str], str]:
    lo, hi = column.minimum, column.maximum
    plausible = plausible_range(column.name, lo, hi)

    def reason(v: str) -> str:
        num = (STORED if v in stored_only else numbers).read(v)
        if num is None:
            return numbers.why(v)
        if column.type == "integer" and np.isfinite(num) and not num.is_integer():
            return f"'{shown(v)}' is not a whole number"
        if (lo is None or num >= lo) and (hi is None or num <= hi):
            return (f"{shown(v)} is out of the plausible range ({bound_text(plausible[0])} "
                    f"to {bound_text(plausible[1])})")
        bounds = f"{'' if lo is None else lo} to {'' if hi is None else hi}".strip()
        return f"{shown(v)} is out of range ({bounds})"

    return reason


def convert_number(cells: Cells, column: Column, numbers: NumberFormat,
                   stored: pd.Series | None = None) -> Converted:
    """``integer`` and ``number``: text cells read by the file's decimal mark, cells
    stored as numbers as stored; within the column's range and its plausible range."""
    parsed, invalid = _read_numbers(cells, numbers.read)
    stored_only: set[str] = set()
    if stored is not None and bool(stored.any()):
        as_stored = stored.reindex(cells.index, fill_value=False).to_numpy(bool)
        parsed_stored, bad_stored = _read_numbers(cells, STORED.read)
        parsed = np.where(as_stored, parsed_stored, parsed)
        invalid = np.where(as_stored, bad_stored, invalid)
        has = cells.codes >= 0
        n = len(cells.values)
        seen_stored = np.bincount(cells.codes[has & as_stored], minlength=n) > 0
        seen_text = np.bincount(cells.codes[has & ~as_stored], minlength=n) > 0
        stored_only = {v for v, s, t in zip(cells.values, seen_stored, seen_text, strict=True)
                       if s and not t}
    as_float = pd.Series(parsed, index=cells.index, dtype="float64")
    bad = (pd.Series(invalid, index=cells.index)
           | _outside(as_float, column.minimum, column.maximum)
           | _outside(as_float, *plausible_range(column.name, column.minimum, column.maximum)))
    if column.type == "integer":
        bad |= as_float.notna() & (as_float != np.floor(as_float))
        values = as_float.where(~bad).round().astype("Int64")
    else:
        values = as_float.where(~bad)
    return Converted(values, bad, _number_reason(column, numbers, stored_only))


def _read_numbers(cells: Cells, read: Callable[[str], float | None]) -> tuple[np.ndarray,
                                                                              np.ndarray]:
    """Every row's number (NaN: none) and whether its text is no number, by ``read``."""
    readings = [read(v) for v in cells.values]
    numbers = np.array([np.nan if r is None else r for r in readings] + [np.nan], dtype=float)
    return numbers[cells.codes], np.append([r is None for r in readings], False)[cells.codes]


def _convert_number(cells: Cells, column: Column, codebook: Codebook,
                    dont_know: pd.Series | None) -> Converted:
    """``integer`` and ``number`` in a file whose numbers show no decimal mark."""
    return convert_number(cells, column, NumberFormat())


def _to_istat(v: str) -> object:
    digits = v[:-2] if v.endswith(".0") else v
    # Excel stores 023091 as the number 23091: put the leading zero back.
    if digits.isdigit() and 4 <= len(digits) <= 6:
        return digits.zfill(6)
    return None


def _convert_municipality(cells: Cells, column: Column, codebook: Codebook,
                          dont_know: pd.Series | None) -> Converted:
    """``municipality``: an ISTAT code, six digits (leading zeros restored)."""
    mapped, invalid = map_cells(cells, _to_istat)
    return Converted(cells.spread(mapped.astype("str")), invalid,
                     lambda v: f"'{shown(v)}' is not an ISTAT municipality code (6 digits, e.g. 023091)")


def _to_date(v: str) -> object:
    m = _ISO_DATE.match(v)
    if m:
        y, mo, d = m.groups()
    else:
        m = _IT_DATE.match(v)
        if not m:
            return None
        d, mo, y = m.groups()
    try:
        return pd.Timestamp(year=int(y), month=int(mo), day=int(d))
    except ValueError:
        return None


def _convert_date(cells: Cells, column: Column, codebook: Codebook,
                  dont_know: pd.Series | None) -> Converted:
    """``date``: ISO ``2014-03-31`` or Italian ``31/03/2014``."""
    mapped, invalid = map_cells(cells, _to_date)
    values = cells.spread(pd.to_datetime(mapped).astype("datetime64[s]"))
    return Converted(values, invalid,
                     lambda v: f"'{shown(v)}' is not a date (use 2014-03-31 or 31/03/2014)")


def _to_time(v: str) -> object:
    m = _TIME.match(v)
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    return f"{h:02d}:{mi:02d}" if h < 24 and mi < 60 else None


def _convert_time(cells: Cells, column: Column, codebook: Codebook,
                  dont_know: pd.Series | None) -> Converted:
    """``time``: a time of day, ``HH:MM``."""
    mapped, invalid = map_cells(cells, _to_time)
    return Converted(cells.spread(mapped.astype("str")), invalid,
                     lambda v: f"'{shown(v)}' is not a time of day (HH:MM)")


#: The converter of each column type of the codebook.
CONVERTERS: dict[str, Callable[[Any, Column, Codebook, pd.Series | None], Converted]] = {
    "id": _convert_text,
    "text": _convert_text,
    "category": _convert_codes,
    "ordinal": _convert_codes,
    "boolean": _convert_codes,
    "multi": _convert_multi,
    "integer": _convert_number,
    "number": _convert_number,
    "municipality": _convert_municipality,
    "date": _convert_date,
    "time": _convert_time,
}
#: Types converted row by row (vectorised): their cells are mostly distinct. The converters
#: of the other types take the column's :class:`Cells`.
ROW_BY_ROW = frozenset({"id", "text"})
