"""Numbers, percentages and dates written as a reader of the report expects them.

One way to format: a :class:`Formatter` bound to the report's language, with no locale
dependency (the machine's locale never changes a report):

>>> fmt = Formatter("it")
>>> fmt.number(1234.5), Formatter("en").number(1234.5)
('1.234,5', '1,234.5')
>>> fmt.percent(0.125), Formatter("en").percent(0.125)
('12,5\\xa0%', '12.5%')
>>> import datetime
>>> fmt.date(datetime.date(2026, 11, 24))
'24 novembre 2026'

Rounding is half away from zero on the decimal value as written (``0.125`` with two decimals
gives ``0.13``, not the ``0.12`` of binary floating point). A missing value (``None``,
``NaN``, ``pandas.NA``) is written ``n.d.`` in Italian and ``n/a`` in English. The minus
sign is the ASCII hyphen-minus, so that a number copied from a table pastes into a
spreadsheet; a value that rounds to zero never shows a sign.

It also knows the few conventions of the report's tables and prose (p-values, intervals,
changes in percentage points, lists, quarters):

>>> fmt.p_value(0.0004), fmt.interval(0.5, 0.25, 0.75)
('< 0,001', '0,50 (0,25; 0,75)')
>>> fmt.change(0.034, "proportion"), fmt.listing(["a", "b", "c"]), fmt.quarter("2014Q2")
('3,4 p.p.', 'a, b e c', 'T2 2014')

Its words ("e", "p.p.", the quarter label) come from the text catalogue,
``pipeline/i18n/texts/texts_formatting.yaml``; language codes, rounding and separators are
handled by :mod:`pipeline.i18n.numbers` (:func:`normalize_lang` is importable from both).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from pipeline.i18n.numbers import (
    MISSING,
    is_missing,
    is_nan_like,
    normalize_lang,
    to_decimal,
    write_number,
)
from pipeline.i18n.text import text

__all__ = [
    "KINDS",
    "MONTHS",
    "NOT_AVAILABLE",
    "Formatter",
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

_NBSP = "\u00a0"

#: What a table cell or a p-value shows when there is no value (an em dash).
NOT_AVAILABLE = "\u2014"
#: Kinds of estimate understood by :meth:`Formatter.value` and :meth:`Formatter.change`.
KINDS = ("mean", "proportion")
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


class Formatter:
    """Numbers, percentages, dates and the report's conventions in one language.

    One object per report (``fmt = Formatter(lang)`` in the notebook's first code cell, or
    in a function that writes a page) replaces the small helpers each notebook used to
    define. Every method returns a string ready for a table cell or a text placeholder
    (:func:`pipeline.i18n.text.say`).

    Parameters
    ----------
    lang : str, optional
        The report's language, anything :func:`normalize_lang` accepts (``"it"`` by
        default, ``"en"``).

    Attributes
    ----------
    lang : str
        ``"it"`` or ``"en"``.

    Notes
    -----
    Two ways of writing a missing value, as in the report's tables so far:
    :meth:`number`, :meth:`percent` and :meth:`value` write ``n.d.`` / ``n/a``, for
    prose; :meth:`cell`, :meth:`count`, :meth:`p_value`,
    :meth:`interval`, :meth:`change` and :meth:`change_interval` write
    :data:`NOT_AVAILABLE` (an em dash), which reads as "not computed" in a table.

    Examples
    --------
    >>> fmt = Formatter("en")
    >>> fmt.number(1234.5), fmt.percent(0.125, 0), fmt.count(12), fmt.cell(None)
    ('1,234.5', '13%', '12', '—')
    >>> fmt.value(0.5, "proportion"), fmt.value(3.25, "mean")
    ('50.0%', '3.25')
    >>> fmt.change_interval(0.034, 0.01, 0.058, "proportion")
    '3.4 pp (1.0; 5.8)'
    >>> fmt.listing(["nursery", "summer camp"]), fmt.quarter("2014Q2")
    ('nursery and summer camp', 'Q2 2014')
    """

    def __init__(self, lang: str | None = "it") -> None:
        self.lang = normalize_lang(lang)

    def __repr__(self) -> str:
        return f"Formatter({self.lang!r})"

    # -- plain numbers ---------------------------------------------------------------
    def number(self, x: object, decimals: int = 1) -> str:
        """``x`` with ``decimals`` decimals and the thousands separator of the language.

        Parameters
        ----------
        x : number
            The value; missing gives ``n.d.`` / ``n/a``, infinities ``∞`` / ``-∞``.
        decimals : int, optional
            Decimals shown (default 1; 0 for a whole number).

        Returns
        -------
        str
            Italian ``1.234,5``, English ``1,234.5``.

        Raises
        ------
        TypeError
            If ``x`` is not a number (a string, a bool).
        ValueError
            If ``decimals`` is negative.
        """
        return write_number(x, self.lang, decimals)

    def percent(self, x: object, decimals: int = 1) -> str:
        """A share (0-1) as a percentage.

        Parameters
        ----------
        x : number
            The share, ``0.125`` for 12.5 per cent (a proportion between 0 and 1, not a
            percentage); missing gives ``n.d.`` / ``n/a``.
        decimals : int, optional
            Decimals of the percentage (default 1).

        Returns
        -------
        str
            Italian ``12,5 %`` with a non-breaking space (U+00A0) before the sign,
            English ``12.5%``.
        """
        if is_missing(x):
            return MISSING[self.lang]
        value = to_decimal(x)
        if value.is_nan():
            return MISSING[self.lang]
        number = self.number(value * 100, decimals)
        return f"{number}{_NBSP}%" if self.lang == "it" else f"{number}%"

    def date(self, d: datetime.date | str) -> str:
        """A date in words.

        Parameters
        ----------
        d : datetime.date, datetime.datetime or str
            The date; the time of a ``datetime`` is ignored; a string is ISO
            ``YYYY-MM-DD``.

        Returns
        -------
        str
            Italian ``24 novembre 2026`` (the first of the month ``1° ottobre 2026``, as
            Italian writes it), English ``24 November 2026``.

        Raises
        ------
        TypeError
            If ``d`` is not a date.
        """
        if isinstance(d, str):
            d = datetime.date.fromisoformat(d)
        if not isinstance(d, datetime.date):
            raise TypeError(f"not a date: {d!r}")
        day = "1°" if self.lang == "it" and d.day == 1 else str(d.day)
        return f"{day} {MONTHS[self.lang][d.month - 1]} {d.year}"

    def cell(self, x: object, decimals: int = 2) -> str:
        """A number for a table cell: as :meth:`number`, :data:`NOT_AVAILABLE` if missing.

        Parameters
        ----------
        x : number
            The value; missing (withheld, not computed) gives the em dash.
        decimals : int, optional
            Decimals shown (default 2).

        Returns
        -------
        str
            ``0,42`` / ``0.42``, or ``—``.
        """
        return NOT_AVAILABLE if is_nan_like(x) else self.number(x, decimals)

    def count(self, v: object) -> str:
        """A count (companies, workers) as a whole number, :data:`NOT_AVAILABLE` if missing.

        Parameters
        ----------
        v : number
            The count; missing (a withheld cell) gives the em dash.

        Returns
        -------
        str
            ``1.234`` / ``1,234``, or ``—``.
        """
        return self.cell(v, 0)

    def p_value(self, p: object) -> str:
        """A p-value with three decimals, ``< 0,001`` / ``< 0.001`` below 0.001.

        Parameters
        ----------
        p : number
            The p-value; missing (no test) gives :data:`NOT_AVAILABLE`.

        Returns
        -------
        str
            ``0,042`` / ``0.042``, ``< 0,001`` / ``< 0.001``, or ``—``.
        """
        if is_nan_like(p):
            return NOT_AVAILABLE
        if float(p) >= 0.001:
            return self.number(p, 3)
        return "< " + self.number(0.001, 3)

    def interval(self, estimate: object, low: object, high: object,
                 decimals: int = 2) -> str:
        """An estimate with its confidence interval: ``1,23 (0,50; 1,96)``.

        Parameters
        ----------
        estimate, low, high : number
            The estimate and the bounds of its interval, in the same unit.
        decimals : int, optional
            Decimals of all three (default 2).

        Returns
        -------
        str
            ``estimate (low; high)``; :data:`NOT_AVAILABLE` when the estimate is missing
            (a withheld or impossible comparison). A missing bound alone is written as
            :meth:`number` writes it (``n.d.`` / ``n/a``).
        """
        if is_nan_like(estimate):
            return NOT_AVAILABLE
        return (f"{self.number(estimate, decimals)} "
                f"({self.number(low, decimals)}; {self.number(high, decimals)})")

    # -- estimates of a kind (mean or proportion) ------------------------------------
    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")

    def value(self, x: object, kind: str, decimals: int = 2) -> str:
        """A level of an indicator: a percentage for a proportion, a number for a mean.

        Parameters
        ----------
        x : number
            The estimate: a share (0-1) when ``kind`` is ``"proportion"``, a mean on the
            indicator's scale when ``"mean"``. Missing gives ``n.d.`` / ``n/a``.
        kind : {"mean", "proportion"}
            The kind of estimate.
        decimals : int, optional
            Decimals of a mean (default 2); a proportion always has one decimal of its
            percentage.

        Returns
        -------
        str
            ``45,3 %`` / ``45.3%`` or ``3,25`` / ``3.25``.
        """
        self._check_kind(kind)
        if kind == "proportion":
            return self.percent(x, 1)
        return self.number(x, decimals)

    def change(self, x: object, kind: str, *, unit: bool = True) -> str:
        """A change between two estimates: percentage points for shares, scale points for means.

        Parameters
        ----------
        x : number
            The change (current minus previous): a difference of two shares (0-1) when
            ``kind`` is ``"proportion"``, of two means when ``"mean"``. Missing gives
            :data:`NOT_AVAILABLE`.
        kind : {"mean", "proportion"}
            The kind of the two estimates.
        unit : bool, optional
            Whether to write the unit of a proportion's change (``p.p.`` / ``pp``); False
            for the bounds of its interval (see :meth:`change_interval`).

        Returns
        -------
        str
            A proportion: ``100 x`` with one decimal and the unit, ``3,4 p.p.`` /
            ``3.4 pp``; a mean: ``x`` with two decimals, ``-0,25`` / ``-0.25`` (scale
            points, no unit).
        """
        self._check_kind(kind)
        if is_nan_like(x):
            return NOT_AVAILABLE
        if kind == "mean":
            return self.number(x, 2)
        points = self.number(100 * to_decimal(x), 1)
        return text("format.points", self.lang, value=points) if unit else points

    def change_interval(self, estimate: object, low: object, high: object,
                        kind: str) -> str:
        """A change with its confidence interval, the bounds in the change's unit.

        Parameters
        ----------
        estimate, low, high : number
            The change and the bounds of its interval (see :meth:`change`).
        kind : {"mean", "proportion"}
            The kind of the two estimates.

        Returns
        -------
        str
            ``3,4 p.p. (1,0; 5,8)`` / ``3.4 pp (1.0; 5.8)`` for a proportion,
            ``-0,25 (-0,40; -0,10)`` for a mean; :data:`NOT_AVAILABLE` when the change
            is missing, and a missing bound alone written as :data:`NOT_AVAILABLE`.
        """
        if is_nan_like(estimate):
            return NOT_AVAILABLE
        return (f"{self.change(estimate, kind)} "
                f"({self.change(low, kind, unit=False)}; {self.change(high, kind, unit=False)})")

    # -- words -----------------------------------------------------------------------
    def listing(self, items: Iterable[str]) -> str:
        """Items as a list in prose: ``a, b e c`` in Italian, ``a, b and c`` in English.

        Parameters
        ----------
        items : iterable of str
            The items, already written (labels, formatted values).

        Returns
        -------
        str
            ``""`` for no item, the item itself for one, ``a e b`` / ``a and b`` for two
            (no serial comma in either language).
        """
        items = [str(i) for i in items]
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {text('format.and', self.lang)} {items[-1]}"

    def quarter(self, q: object) -> str:
        """A quarter as a reader writes it: ``2014Q2`` -> ``T2 2014`` / ``Q2 2014``.

        Parameters
        ----------
        q : str or pandas.Period
            A quarter as pandas writes it (``2014Q2``; ``2014-Q2`` is accepted too).

        Returns
        -------
        str
            Italian ``T2 2014`` (trimestre), English ``Q2 2014``.

        Raises
        ------
        ValueError
            If ``q`` is not a quarter.
        """
        match = _QUARTER.match(str(q))
        if match is None:
            raise ValueError(f"not a quarter such as '2014Q2': {q!r}")
        year, number = match.groups()
        return text("format.quarter", self.lang, year=year, q=number)

