"""Numbers as raw files write them: decimal mark, thousands separators, plausible range.

The rule (README, "Extensions to the contract")
-----------------------------------------------
A number may be written ``1234``, ``1234.5`` or ``1234,5``, with or without thousands
separators: ``1.234`` / ``1.234,5`` / ``1.234.567`` (Italian) or ``1,234`` / ``1,234.5`` /
``1,234,567`` (English), and in exponent form (``1e3``, ``1,5e3``). Most values say by their
form which mark is the decimal one: one ``.`` or ``,`` not followed by exactly three digits
(``37,5``, ``0.35``, ``12.50``), or after a leading ``0`` or four or more digits
(``0,500``, ``1234.500``), both marks (``1.234,5``), or one mark repeated (``1.234.567``:
thousands, so the other mark is the decimal one).

One ``.`` or ``,`` between one to three digits and exactly three (``1.000``, ``1,500``) could be
either. Such a value is read by the decimal mark the other numbers of the same file show:
the cells, written as text, of the columns the codebook types ``integer`` or ``number``:

- they show the decimal comma only (``0,35``, ``37,5``, ``1.234,5``): ``1.000`` is one
  thousand and ``1,500`` one and a half;
- they show the decimal point only: ``1,000`` is one thousand and ``1.500`` one and a half;
- they show neither, or both: the value is refused, naming file, row and column.

XLSX cells the workbook stores as numbers are read as stored: they neither show nor need a
mark. Whatever its form, a number must also be finite and within its column's plausible
range: the codebook's bounds, and for a column the codebook leaves open above,
:data:`PLAUSIBLE_MAX` (a headcount of ``1e30`` is a misread, not a company).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pipeline.ingest.limits import shown

POINT, COMMA, BOTH = ".", ",", "both"
#: Column types read as numbers.
NUMBER_TYPES = ("integer", "number")

#: Upper bounds of columns the codebook leaves open above: a larger value is a misread.
PLAUSIBLE_MAX: dict[str, float] = {
    "n_employees": 10_000_000,        # employees of one company
    "capacity": 100_000,              # places of one local service
    "monthly_fee_eur": 100_000,       # EUR a month
    "willing_cofund_eur": 1_000_000_000,  # EUR a year
}
#: Any other number column without an upper (lower) bound: at most this (at least minus it).
#: Well inside the whole numbers a float holds exactly (2**53).
DEFAULT_MAX = 1e12

_PLAIN = re.compile(r"[+-]?\d+")
_AMBIGUOUS = re.compile(r"([+-]?[1-9]\d{0,2})([.,])(\d{3})")
_ONE_MARK = re.compile(r"([+-]?)(\d*)([.,])(\d*)")
_GROUPED = re.compile(r"([+-]?[1-9]\d{0,2}(?:([.,])\d{3})(?:\2\d{3})*)(?:([.,])(\d+))?")
_EXPONENT = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)[eE][+-]?\d+")


@dataclass(frozen=True)
class Reading:
    """What a text says as a number.

    ``value`` is None when the text is no number or is ambiguous; ``mark`` the decimal mark
    its form shows (None: none); ``ambiguous`` the separator of an ambiguous value.
    """

    value: float | None
    mark: str | None = None
    ambiguous: str | None = None


def read_text(v: str) -> Reading:
    """Read one trimmed cell by its form alone (see the module docstring)."""
    if _PLAIN.fullmatch(v):
        return Reading(float(v))
    m = _AMBIGUOUS.fullmatch(v)
    if m:
        return Reading(None, ambiguous=m.group(2))
    m = _ONE_MARK.fullmatch(v)
    if m and (m.group(2) or m.group(4)):
        sign, whole, mark, frac = m.groups()
        return Reading(float(f"{sign}{whole or '0'}.{frac or '0'}"), mark=mark)
    m = _GROUPED.fullmatch(v)
    if m and m.group(3) != m.group(2):
        grouped, sep, _, frac = m.groups()
        number = grouped.replace(sep, "") + (f".{frac}" if frac else "")
        return Reading(float(number), mark=COMMA if sep == POINT else POINT)
    if _EXPONENT.fullmatch(v):
        return Reading(float(v.replace(",", ".")))
    return Reading(None)


def _both_readings(v: str, sep: str) -> tuple[float, float]:
    """An ambiguous value read with ``sep`` as thousands separator, then as decimal mark."""
    return float(v.replace(sep, "")), float(v.replace(sep, "."))


@dataclass(frozen=True)
class NumberFormat:
    """The decimal mark of one file: ``"."``, ``","``, None (its numbers show none) or
    ``"both"`` (they show both)."""

    mark: str | None = None

    def read(self, v: str) -> float | None:
        """The number ``v`` writes, or None (not a number, or ambiguous in this file)."""
        reading = read_text(v)
        if reading.ambiguous is None:
            return reading.value
        if self.mark not in (POINT, COMMA):
            return None
        thousands, decimal = _both_readings(v, reading.ambiguous)
        return decimal if reading.ambiguous == self.mark else thousands

    def why(self, v: str) -> str:
        """Why :meth:`read` gave None for ``v``."""
        reading = read_text(v)
        if reading.ambiguous is None:
            return f"'{shown(v)}' is not a number"
        a, b = _both_readings(v, reading.ambiguous)
        cause = ("the file's numbers use both '.' and ',' as decimal mark" if self.mark == BOTH
                 else "no other number of the file shows its decimal mark")
        return f"'{v}' is ambiguous ({a:g} or {b:g}): {cause}; write {a:g} or {b:g}"


#: How a number stored as a number (XLSX) is written by the reader: decimal point.
STORED = NumberFormat(POINT)


def file_format(columns: Iterable[pd.Series]) -> NumberFormat:
    """The decimal mark the text cells of a file's number columns show."""
    marks: set[str] = set()
    for column in columns:
        for v in pd.unique(column.dropna().str.strip()):
            mark = read_text(str(v)).mark
            if mark is not None:
                marks.add(mark)
                if len(marks) == 2:
                    return NumberFormat(BOTH)
    return NumberFormat(marks.pop() if marks else None)


def plausible_range(name: str, minimum: float | None,
                    maximum: float | None) -> tuple[float, float]:
    """The range a column's values must lie in: its own bounds, else the plausible ones."""
    hi = maximum if maximum is not None else PLAUSIBLE_MAX.get(name, DEFAULT_MAX)
    lo = minimum if minimum is not None else -DEFAULT_MAX
    return lo, hi


def bound_text(x: float) -> str:
    """A bound as a message writes it: ``10000000``, ``0.5``."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
