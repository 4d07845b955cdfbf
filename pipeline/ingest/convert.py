"""Typing raw text cells as the codebook says, collecting every problem with its row.

Each converter takes a text Series (index = spreadsheet row numbers) and returns the typed
Series and a boolean mask of invalid cells. Converters work on the distinct values of a
column, so a million rows cost little more than the few hundred distinct answers in them.

Typed representation (what the processed Parquet tables hold)
-------------------------------------------------------------
id, text, category, multi, municipality, time -> pandas ``str`` (missing: NA)
boolean  -> ``boolean``;  integer, ordinal -> ``Int64`` (``Int8`` for ordinal scales)
number   -> ``float64`` (NaN for missing);  date -> ``datetime64[s]``
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook, Column

_INT_TEXT = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_NUM_TEXT = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
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


def _to_number(value: str) -> float | None:
    if not _NUM_TEXT.match(value):
        return None
    return float(value.replace(",", "."))


def convert_column(text: pd.Series, column: Column, codebook: Codebook) -> Converted:
    """Convert one column of raw text cells to its codebook type.

    Parameters
    ----------
    text
        Raw cells as read (``str``), indexed by spreadsheet row number.
    column
        The codebook's description of the column.
    codebook
        For the missing and don't-know markers.
    """
    trimmed, missing, dk = _blank_masks(text, codebook)
    present = ~missing
    ctype = column.type
    dk_flags: pd.Series | None = None
    if column.dont_know:
        dk_flags = dk.astype("boolean")
        present &= ~dk
    work = trimmed.where(present)

    if ctype in ("id", "text"):
        values = work.astype("str")
        return Converted(values, pd.Series(False, index=text.index), lambda v: "")

    if ctype in ("category", "ordinal", "boolean"):
        lookup = _label_lookup(column)
        if ctype == "boolean":
            lookup.update(BOOLEAN_WORDS)

        def to_code(v: str) -> object:
            key = v.lower()
            if key in lookup:
                return lookup[key]
            if ctype in ("ordinal", "boolean") and _INT_TEXT.match(v):
                num = str(int(float(v.replace(",", "."))))
                return lookup.get(num)
            return None

        mapped, invalid = _map_distinct(work, to_code)
        if ctype == "category":
            values = mapped.astype("str")
        elif ctype == "boolean":
            values = mapped.map({"0": False, "1": True, False: False, True: True}).astype(
                "boolean")
        else:
            values = pd.to_numeric(mapped, errors="coerce").astype("Int8")

        def reason(v: str) -> str:
            if v.lower() in [d.lower() for d in codebook.dont_know_values]:
                return f"'{v}' (don't know) is not a valid answer here; {_allowed(column)}"
            if ctype == "ordinal":
                return (f"'{v}' is not on the scale {column.minimum}-{column.maximum}; "
                        f"{_allowed(column)}")
            return f"'{v}' is not a valid code ({_allowed(column)})"

        return Converted(values, invalid, reason, dk_flags)

    if ctype == "multi":
        lookup = _label_lookup(column)

        def to_codes(v: str) -> object:
            parts = [p.strip() for p in v.split("|") if p.strip()]
            codes = [lookup.get(p.lower()) for p in parts]
            if not parts or any(c is None for c in codes):
                return None
            if column.max_items and len(codes) > column.max_items:
                return None
            return "|".join(codes)

        mapped, invalid = _map_distinct(work, to_codes)

        def reason(v: str) -> str:
            parts = [p.strip() for p in v.split("|") if p.strip()]
            if column.max_items and len(parts) > column.max_items:
                return f"'{v}' lists {len(parts)} codes, at most {column.max_items} allowed"
            bad = [p for p in parts if p.lower() not in lookup]
            return f"'{bad[0] if bad else v}' is not a valid code ({_allowed(column)})"

        return Converted(mapped.astype("str"), invalid, reason)

    if ctype in ("integer", "number"):
        parsed, invalid = _map_distinct(work, _to_number)
        numbers = pd.to_numeric(parsed, errors="coerce").astype("float64")
        lo, hi = column.minimum, column.maximum
        out_of_range = pd.Series(False, index=text.index)
        if lo is not None:
            out_of_range |= numbers < lo
        if hi is not None:
            out_of_range |= numbers > hi
        not_whole = pd.Series(False, index=text.index)
        if ctype == "integer":
            not_whole = numbers.notna() & (numbers != np.floor(numbers))
        bad = invalid | out_of_range | not_whole

        def reason(v: str) -> str:
            num = _to_number(v)
            if num is None:
                return f"'{v}' is not a number"
            if ctype == "integer" and not float(num).is_integer():
                return f"'{v}' is not a whole number"
            bounds = f"{'' if lo is None else lo} to {'' if hi is None else hi}".strip()
            return f"{v} is out of range ({bounds})"

        values = numbers.where(~bad).round().astype("Int64") if ctype == "integer" else numbers
        return Converted(values, bad, reason)

    if ctype == "municipality":
        def to_istat(v: str) -> object:
            digits = v[:-2] if v.endswith(".0") else v
            # Excel stores 023091 as the number 23091: put the leading zero back.
            if digits.isdigit() and 4 <= len(digits) <= 6:
                return digits.zfill(6)
            return None

        mapped, invalid = _map_distinct(work, to_istat)
        return Converted(mapped.astype("str"), invalid,
                         lambda v: f"'{v}' is not an ISTAT municipality code (6 digits, e.g. 023091)")

    if ctype == "date":
        def to_date(v: str) -> object:
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

        mapped, invalid = _map_distinct(work, to_date)
        values = pd.to_datetime(mapped).astype("datetime64[s]")
        return Converted(values, invalid,
                         lambda v: f"'{v}' is not a date (use 2014-03-31 or 31/03/2014)")

    if ctype == "time":
        def to_time(v: str) -> object:
            m = _TIME.match(v)
            if not m:
                return None
            h, mi = int(m.group(1)), int(m.group(2))
            return f"{h:02d}:{mi:02d}" if h < 24 and mi < 60 else None

        mapped, invalid = _map_distinct(work, to_time)
        return Converted(mapped.astype("str"), invalid,
                         lambda v: f"'{v}' is not a time of day (HH:MM)")

    raise ValueError(f"no converter for column type {ctype!r}")
