"""Numbers, percentages and dates written as a reader of the report expects them.

Pure functions with no locale dependency (the machine's locale never changes a report):

>>> format_number(1234.5, "it")
'1.234,5'
>>> format_number(1234.5, "en")
'1,234.5'
>>> format_percent(0.125, "it")
'12,5\\xa0%'
>>> format_percent(0.125, "en")
'12.5%'
>>> import datetime
>>> format_date(datetime.date(2026, 11, 24), "it")
'24 novembre 2026'

Rounding is half away from zero on the decimal value as written (``0.125`` with two decimals
gives ``0.13``, not the ``0.12`` of binary floating point). A missing value (``None``,
``NaN``, ``pandas.NA``) is written ``n.d.`` in Italian and ``n/a`` in English. The minus
sign is the ASCII hyphen-minus, so that a number copied from a table pastes into a
spreadsheet; a value that rounds to zero never shows a sign.
"""

from __future__ import annotations

import datetime
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from numbers import Real

__all__ = [
    "MONTHS",
    "format_date",
    "format_number",
    "format_percent",
    "normalize_lang",
]

#: Month names by language, January first.
MONTHS: dict[str, tuple[str, ...]] = {
    "it": (
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
        "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}

# (thousands separator, decimal separator)
_SEPARATORS = {"it": (".", ","), "en": (",", ".")}
_MISSING = {"it": "n.d.", "en": "n/a"}
_NBSP = "\u00a0"


def normalize_lang(lang: str | None) -> str:
    """``"it"`` or ``"en"`` from a language code such as ``"it"``, ``"IT"``, ``"en-GB"``.

    ``None`` means the project's default language (Italian). Any other language raises
    ``ValueError``: the report has no labels for it.
    """
    if lang is None:
        return "it"
    code = str(lang).strip().lower().replace("_", "-").split("-")[0]
    if code not in _SEPARATORS:
        raise ValueError(f"unsupported report language {lang!r}: use 'it' or 'en'")
    return code


def _is_missing(x: object) -> bool:
    if x is None:
        return True
    # pandas.NA and pandas.NaT, recognised without importing pandas.
    if type(x).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(x, float) and math.isnan(x)


def _to_decimal(x: object) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, Real) or hasattr(x, "__float__"):
        # repr() of a float is the shortest string that reads back as the same float:
        # 0.125 -> "0.125", 2.675 -> "2.675", so rounding is done on what the user sees.
        try:
            return Decimal(repr(float(x)))
        except (TypeError, ValueError, InvalidOperation) as exc:
            raise TypeError(f"not a number: {x!r}") from exc
    raise TypeError(f"not a number: {x!r}")


def format_number(x: object, lang: str = "it", decimals: int = 1) -> str:
    """``x`` with ``decimals`` decimals and the thousands separator of ``lang``.

    Italian ``1.234,5``, English ``1,234.5``. ``decimals=0`` gives an integer. Missing
    values give ``n.d.`` / ``n/a``; infinities ``∞`` / ``-∞``.
    """
    lang = normalize_lang(lang)
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    if _is_missing(x):
        return _MISSING[lang]
    value = _to_decimal(x)
    if value.is_nan():
        return _MISSING[lang]
    if value.is_infinite():
        return "-∞" if value < 0 else "∞"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    text = f"{abs(rounded):,.{decimals}f}"  # English separators first
    thousands, point = _SEPARATORS[lang]
    text = text.replace(",", "\0").replace(".", point).replace("\0", thousands)
    return ("-" if rounded < 0 else "") + text


def format_percent(share: object, lang: str = "it", decimals: int = 1) -> str:
    """A share (``0.125`` for 12.5 per cent) as a percentage.

    Italian ``12,5 %`` with a non-breaking space (U+00A0) before the sign, English
    ``12.5%``. The argument is a proportion between 0 and 1, not a percentage.
    """
    lang = normalize_lang(lang)
    if _is_missing(share):
        return _MISSING[lang]
    value = _to_decimal(share)
    if value.is_nan():
        return _MISSING[lang]
    number = format_number(value * 100, lang, decimals)
    return f"{number}{_NBSP}%" if lang == "it" else f"{number}%"


def format_date(d: datetime.date, lang: str = "it") -> str:
    """A date in words: Italian ``24 novembre 2026``, English ``24 November 2026``.

    Accepts a ``datetime.date``, a ``datetime.datetime`` (the time is ignored) or an ISO
    string ``YYYY-MM-DD``.
    """
    lang = normalize_lang(lang)
    if isinstance(d, str):
        d = datetime.date.fromisoformat(d)
    if not isinstance(d, datetime.date):
        raise TypeError(f"not a date: {d!r}")
    return f"{d.day} {MONTHS[lang][d.month - 1]} {d.year}"
