"""How a report's table writes a value it does not show: withheld, not applicable, zero.

One convention for every table of the reports (the section tables of this package, the
tables of :func:`pipeline.notebook.show_table` and the data tables of the figures):

* a **withheld** value (a missing value in a row flagged ``suppressed``,
  :func:`pipeline.analyse.disclosure.withheld_mask`: primary suppression, fewer than
  ``min_cell`` respondents, or complementary suppression, withheld so that another withheld
  value cannot be worked out by subtraction) reads ``n.d.`` / ``n/a``
  (``chart.nd``), and the table gets a footnote saying why (:func:`withheld_note`);
* a value **not applicable** (missing in a row not flagged: an interval that does not exist,
  a test not run) reads the em dash ``—``
  (:data:`~pipeline.i18n.formatting.NOT_AVAILABLE`);
* a **true zero** reads ``0``, like any other number.

A section function writes its cells with :func:`written`, passing which rows are withheld
(:func:`withheld`); a notebook that reshapes a published table before showing it (a pivot)
first marks its withheld cells with :func:`mark_withheld`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from pipeline.analyse.disclosure import withheld_mask
from pipeline.i18n.formatting import NOT_AVAILABLE
from pipeline.i18n.numbers import is_nan_like
from pipeline.i18n.text import text

__all__ = ["NOT_AVAILABLE", "has_withheld", "mark_withheld", "nd", "spanned", "withheld",
           "withheld_note", "written"]


def nd(lang: str) -> str:
    """How a withheld value is written: ``n.d.`` (Italian) / ``n/a`` (English)."""
    return text("chart.nd", lang)


def withheld(table: pd.DataFrame, column: str) -> pd.Series:
    """Which rows of a published ``table`` withhold ``column`` (boolean, same index).

    All false when ``table`` has no ``suppressed`` column or no ``column``: a missing value
    there is not applicable, not withheld.
    """
    if column not in table.columns:
        return pd.Series(False, index=table.index)
    return withheld_mask(table)[column]


def written(values: Iterable[Any], write: Callable[[Any], str], hidden: Iterable[bool],
            lang: str) -> list[str]:
    """Each value as a table writes it.

    Parameters
    ----------
    values
        The values of one column, or tuples a cell is written from (the value first:
        ``(estimate, low, high)``, ``(value, kind)``); a tuple is missing when its first
        item is.
    write
        Writes a value that is there (``fmt.number``, a lambda for an interval...).
    hidden
        Per value, whether it is withheld (:func:`withheld`).
    lang
        The report's language.

    Returns
    -------
    list of str
        ``n.d.`` / ``n/a`` where withheld; the em dash where the value is missing but not
        withheld (not applicable); else ``write(value)``.
    """
    mark = nd(lang)
    return [mark if bool(h) else NOT_AVAILABLE if _missing(v) else write(v)
            for v, h in zip(values, hidden, strict=True)]


def _missing(value: Any) -> bool:
    return is_nan_like(value[0] if isinstance(value, tuple) else value)


def spanned(interval: Callable[..., str], alone: Callable[[tuple], str]) -> Callable[[tuple], str]:
    """A writer of ``(estimate, low, high, *rest)`` cells for :func:`written`.

    ``interval(*cell)`` when both bounds are there; ``alone(cell)`` (the estimate without
    an interval) when a bound is missing: nothing is withheld there, so no ``n.d.`` inside
    the cell; the em dash when the estimate itself is missing (not applicable).
    """

    def write(cell: tuple) -> str:
        estimate, low, high = cell[:3]
        if is_nan_like(estimate):
            return NOT_AVAILABLE
        if is_nan_like(low) or is_nan_like(high):
            return alone(cell)
        return interval(*cell)

    return write


def mark_withheld(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A published table with its withheld cells written ``n.d.`` / ``n/a``.

    For a notebook that reshapes a published table (a pivot, a merge) before
    :func:`pipeline.notebook.show_table`: the mark travels with the cell, where the
    ``suppressed`` flag of its row would be lost.

    Returns
    -------
    pandas.DataFrame
        A copy without the ``suppressed`` column; the columns holding a withheld cell are
        of object dtype, their withheld cells the string of :func:`nd`; every other cell
        as it was (a missing one stays missing: not applicable).
    """
    mask = withheld_mask(table)
    out = table.drop(columns="suppressed", errors="ignore").copy()
    mark = nd(lang)
    for column in out.columns:
        if mask[column].any():
            out[column] = out[column].astype(object).where(~mask[column], mark)
    return out


def has_withheld(table: pd.DataFrame, lang: str) -> bool:
    """Whether a table to show (values written, or marked by :func:`mark_withheld`) has a
    withheld cell, i.e. needs the footnote of :func:`withheld_note`."""
    mark = nd(lang)
    return bool(any((table[c].astype(object) == mark).any() for c in table.columns))


def withheld_note(lang: str, min_cell: int | None = None) -> str:
    """The footnote under a table with a withheld cell: what ``n.d.`` means and why.

    ``min_cell`` is the run's disclosure threshold (respondents); without it the note says
    "too few respondents".
    """
    if min_cell is None:
        return text("table.withheld_note_any", lang)
    return text("table.withheld_note", lang, min_cell=min_cell)
