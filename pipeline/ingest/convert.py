"""Typing raw text cells as the codebook says, collecting every problem with its row.

Each converter takes a text Series (index = spreadsheet row numbers) and returns the typed
Series and a boolean mask of invalid cells. Converters work on the distinct values of a
column, so a million rows cost little more than the few hundred distinct answers in them.

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

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook, Column
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


def _blank_masks(text: pd.Series, codebook: Codebook) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Trimmed text, the missing mask and the don't-know mask."""
    trimmed = text.str.strip()
    lowered = trimmed.str.lower()
    missing = lowered.isin([v.lower() for v in codebook.missing_values])
    dont_know = lowered.isin([v.lower() for v in codebook.dont_know_values])
    return trimmed, missing, dont_know


def _map_distinct(text: pd.Series, func: Callable[[str], object]) -> tuple[pd.Series, pd.Series]:
    """Apply ``func`` to each distinct value; ``func`` returns ``None`` for invalid values."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    mapped = [func(u) for u in uniques]
    bad_unique = np.array([m is None for m in mapped], dtype=bool)
    values = np.array(mapped + [None], dtype=object)[codes]
    invalid = np.zeros(len(text), dtype=bool)
    valid_code = codes >= 0
    invalid[valid_code] = bad_unique[codes[valid_code]]
    return pd.Series(values, index=text.index, dtype=object), pd.Series(invalid, index=text.index)


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
    trimmed, missing, dk = _blank_masks(text, codebook)
    present = ~missing
    dk_flags: pd.Series | None = None
    if column.dont_know:
        dk_flags = dk.astype("boolean")
        present &= ~dk
    work = trimmed.where(present)
    if column.type in NUMBER_TYPES:
        return convert_number(work, column, numbers or NumberFormat(), stored)
    converter = CONVERTERS.get(column.type)
    if converter is None:
        raise ValueError(f"no converter for column type {column.type!r}")
    return converter(work, column, codebook, dk_flags)


# -- one converter per column type ------------------------------------------------------
# Each takes the trimmed cells (missing and don't-know answers already NA), the column, the
# codebook and the don't-know flags (None unless the column allows "don't know"), and
# returns the Converted column.


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


def _convert_codes(work: pd.Series, column: Column, codebook: Codebook,
                   dont_know: pd.Series | None) -> Converted:
    """``category``, ``ordinal``, ``boolean``: one code per cell."""
    mapped, invalid = _map_distinct(work, _code_of(column))
    return Converted(_typed_codes(mapped, column.type), invalid,
                     _code_reason(column, codebook), dont_know)


def _split_multi(v: str) -> list[str]:
    return [p.strip() for p in v.split("|") if p.strip()]


def _convert_multi(work: pd.Series, column: Column, codebook: Codebook,
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

    mapped, invalid = _map_distinct(work, to_codes)
    return Converted(mapped.astype("str"), invalid, reason)


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


def convert_number(work: pd.Series, column: Column, numbers: NumberFormat,
                   stored: pd.Series | None = None) -> Converted:
    """``integer`` and ``number``: text cells read by the file's decimal mark, cells
    stored as numbers as stored; within the column's range and its plausible range."""
    parsed, invalid = _map_distinct(work, numbers.read)
    stored_only: set[str] = set()
    if stored is not None and bool(stored.any()):
        stored = stored.reindex(work.index, fill_value=False).astype(bool)
        as_stored, bad_stored = _map_distinct(work.where(stored), STORED.read)
        parsed = parsed.where(~stored, as_stored)
        invalid = invalid.where(~stored, bad_stored)
        stored_only = set(work[stored].dropna()) - set(work[~stored].dropna())
    as_float = pd.to_numeric(parsed, errors="coerce").astype("float64")
    bad = (invalid | _outside(as_float, column.minimum, column.maximum)
           | _outside(as_float, *plausible_range(column.name, column.minimum, column.maximum)))
    if column.type == "integer":
        bad |= as_float.notna() & (as_float != np.floor(as_float))
        values = as_float.where(~bad).round().astype("Int64")
    else:
        values = as_float.where(~bad)
    return Converted(values, bad, _number_reason(column, numbers, stored_only))


def _convert_number(work: pd.Series, column: Column, codebook: Codebook,
                    dont_know: pd.Series | None) -> Converted:
    """``integer`` and ``number`` in a file whose numbers show no decimal mark."""
    return convert_number(work, column, NumberFormat())


def _to_istat(v: str) -> object:
    digits = v[:-2] if v.endswith(".0") else v
    # Excel stores 023091 as the number 23091: put the leading zero back.
    if digits.isdigit() and 4 <= len(digits) <= 6:
        return digits.zfill(6)
    return None


def _convert_municipality(work: pd.Series, column: Column, codebook: Codebook,
                          dont_know: pd.Series | None) -> Converted:
    """``municipality``: an ISTAT code, six digits (leading zeros restored)."""
    mapped, invalid = _map_distinct(work, _to_istat)
    return Converted(mapped.astype("str"), invalid,
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


def _convert_date(work: pd.Series, column: Column, codebook: Codebook,
                  dont_know: pd.Series | None) -> Converted:
    """``date``: ISO ``2014-03-31`` or Italian ``31/03/2014``."""
    mapped, invalid = _map_distinct(work, _to_date)
    values = pd.to_datetime(mapped).astype("datetime64[s]")
    return Converted(values, invalid,
                     lambda v: f"'{shown(v)}' is not a date (use 2014-03-31 or 31/03/2014)")


def _to_time(v: str) -> object:
    m = _TIME.match(v)
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    return f"{h:02d}:{mi:02d}" if h < 24 and mi < 60 else None


def _convert_time(work: pd.Series, column: Column, codebook: Codebook,
                  dont_know: pd.Series | None) -> Converted:
    """``time``: a time of day, ``HH:MM``."""
    mapped, invalid = _map_distinct(work, _to_time)
    return Converted(mapped.astype("str"), invalid,
                     lambda v: f"'{shown(v)}' is not a time of day (HH:MM)")


#: The converter of each column type of the codebook.
CONVERTERS: dict[str, Callable[[pd.Series, Column, Codebook, pd.Series | None], Converted]] = {
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
