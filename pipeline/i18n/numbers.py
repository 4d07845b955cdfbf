"""The low level of :mod:`pipeline.i18n.formatting`: report languages, decimals and rounding.

:func:`normalize_lang` reads a language code, :func:`to_decimal` turns a number into the
:class:`~decimal.Decimal` it is written as, :func:`is_missing` and :func:`is_nan_like` tell
a missing value, and :func:`write_number` writes a number with the separators of a language:

>>> write_number(1234.5, "it", 1), write_number(1234.5, "en", 1)
('1.234,5', '1,234.5')
>>> write_number(0.125, "en", 2), write_number(-0.04, "it", 1)
('0.13', '0,0')

Rounding is half away from zero on the decimal value as written (``0.125`` with two decimals
gives ``0.13``, not the ``0.12`` of binary floating point); the minus sign is the ASCII
hyphen-minus, and a value that rounds to zero never shows a sign. Use
:class:`pipeline.i18n.formatting.Formatter` in reports: this module is its machinery.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from numbers import Real

__all__ = [
    "MISSING",
    "is_missing",
    "is_nan_like",
    "normalize_lang",
    "to_decimal",
    "write_number",
]

# (thousands separator, decimal separator)
_SEPARATORS = {"it": (".", ","), "en": (",", ".")}
#: How a missing value is written in prose, by language.
MISSING = {"it": "n.d.", "en": "n/a"}


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


def is_missing(x: object) -> bool:
    """Whether ``x`` is ``None``, a float NaN, ``pandas.NA`` or ``pandas.NaT``."""
    if x is None:
        return True
    # pandas.NA and pandas.NaT, recognised without importing pandas.
    if type(x).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(x, float) and math.isnan(x)


def to_decimal(x: object) -> Decimal:
    """The :class:`~decimal.Decimal` of a number as it is written; ``TypeError`` if not one."""
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


def is_nan_like(x: object) -> bool:
    """Missing as :func:`is_missing`, or any NaN number (``numpy.float32('nan')`` too)."""
    if is_missing(x):
        return True
    return isinstance(x, Real) and not isinstance(x, bool) and math.isnan(float(x))


def write_number(x: object, lang: str, decimals: int) -> str:
    """``x`` rounded to ``decimals`` decimals, with the separators of ``lang``.

    ``lang`` is ``"it"`` or ``"en"`` (see :func:`normalize_lang`). A missing value gives
    :data:`MISSING` of the language, an infinity ``∞`` / ``-∞``; ``TypeError`` if ``x`` is
    not a number, ``ValueError`` if ``decimals`` is negative.
    """
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    if is_missing(x):
        return MISSING[lang]
    value = to_decimal(x)
    if value.is_nan():
        return MISSING[lang]
    if value.is_infinite():
        return "-∞" if value < 0 else "∞"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    written = f"{abs(rounded):,.{decimals}f}"  # English separators first
    thousands, point = _SEPARATORS[lang]
    written = written.replace(",", "\0").replace(".", point).replace("\0", thousands)
    return ("-" if rounded < 0 else "") + written
