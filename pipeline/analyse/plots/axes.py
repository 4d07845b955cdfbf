"""Axes as a reader of the report expects them: ticks in the report's language, category
labels in their natural order, long labels wrapped.

Tick labels go through :class:`pipeline.i18n.formatting.Formatter`, like every number of
the reports: ``2,9`` and ``25 %`` in Italian, ``2.9`` and ``25%`` in English, the decimals
just enough to tell the ticks apart.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter

from pipeline.i18n.formatting import Formatter

__all__ = ["KINDS", "LocaleFormatter", "fit_labels", "format_axis", "order_rows", "tick_decimals",
           "wrap", "wrap_all"]

#: What a tick value is: a share 0-1 shown as a percentage, a plain number, or a share
#: shown without its sign (the left half of a diverging bar chart).
KINDS = ("percent", "number", "abs_percent")
#: Most decimals a tick label shows.
MAX_DECIMALS = 3


def tick_decimals(values: Iterable[float], scale: float = 1.0) -> int:
    """The fewest decimals (0 to :data:`MAX_DECIMALS`) that write every tick exactly.

    Parameters
    ----------
    values
        The tick positions.
    scale
        Factor applied before writing (100 for percentages of a 0-1 share).

    Examples
    --------
    >>> tick_decimals([0.0, 0.5, 1.0]), tick_decimals([0.25, 0.5], 100), tick_decimals([2.5, 2.75])
    (1, 0, 2)
    """
    finite = [v * scale for v in values if np.isfinite(v)]
    for decimals in range(MAX_DECIMALS + 1):
        if all(abs(v - round(v, decimals)) < 1e-9 * max(1.0, abs(v)) for v in finite):
            return decimals
    return MAX_DECIMALS


class LocaleFormatter(FuncFormatter):
    """A matplotlib tick formatter writing through the project's :class:`Formatter`.

    Parameters
    ----------
    lang
        ``"it"`` or ``"en"``.
    kind
        One of :data:`KINDS`: ``"percent"`` for shares 0-1 (``0.25`` gives ``25 %`` in
        Italian, ``25%`` in English), ``"number"`` (``2.9`` gives ``2,9`` in Italian),
        ``"abs_percent"`` a share without its sign (``-0.25`` gives ``25 %``).
    decimals
        Fixed decimals; ``None`` (default) chooses per axis the fewest that write every
        tick exactly (:func:`tick_decimals`).
    """

    def __init__(self, lang: str = "it", kind: str = "number", decimals: int | None = None):
        if kind not in KINDS:
            raise ValueError(f"tick kind {kind!r}: expected one of {KINDS}")
        self.fmt = Formatter(lang)
        self.kind = kind
        self.fixed = decimals
        self.decimals = 0 if decimals is None else decimals
        super().__init__(self._write)

    def set_locs(self, locs: Sequence[float]) -> None:
        super().set_locs(locs)
        if self.fixed is None:
            self.decimals = tick_decimals(locs, 1.0 if self.kind == "number" else 100.0)

    def _write(self, x: float, _pos: int | None = None) -> str:
        if self.kind == "number":
            return self.fmt.number(x, self.decimals)
        return self.fmt.percent(abs(x) if self.kind == "abs_percent" else x, self.decimals)


def format_axis(axis: Axis, lang: str = "it", kind: str = "number",
                decimals: int | None = None) -> None:
    """Write ``axis``'s tick labels in ``lang`` (see :class:`LocaleFormatter`)."""
    axis.set_major_formatter(LocaleFormatter(lang, kind, decimals))


def wrap(label: object, width: int = 30) -> str:
    """``label`` on lines of at most ``width`` characters (words are not broken).

    Labels of categories are long ("Servizi di assistenza familiari anziani
    (rimborso/erogazione)"): on two or three short lines they leave the plot its width on
    a phone screen.
    """
    return "\n".join(textwrap.wrap(str(label), width=width, break_long_words=False,
                                   break_on_hyphens=False)) or str(label)


def wrap_all(labels: Iterable[object], width: int = 30) -> list[str]:
    """:func:`wrap` of each label."""
    return [wrap(label, width) for label in labels]


def fit_labels(labels: Iterable[object], width: int = 28, *, max_lines: int = 2,
               max_width: int = 40) -> list[str]:
    """Labels wrapped at ``width`` characters, widened (up to ``max_width``) until none takes
    more than ``max_lines`` lines: a chart of many rows stays within a page without labels
    running into each other.

    Examples
    --------
    >>> fit_labels(["Servizi di assistenza familiari anziani (rimborso/erogazione)"])
    ['Servizi di assistenza familiari\nanziani (rimborso/erogazione)']
    """
    labels = [str(label) for label in labels]
    for w in range(width, max_width + 1):
        shown = wrap_all(labels, w)
        if all(label.count("\n") < max_lines for label in shown):
            return shown
    return wrap_all(labels, max_width)


def order_rows(table: pd.DataFrame, column: str, order: Sequence[object], *,
               within: str | None = None,
               within_order: Sequence[object] | None = None) -> pd.DataFrame:
    """``table`` with its rows in the natural order of ``column``'s categories.

    Parameters
    ----------
    table
        Any table.
    column
        The column of the categories (age bands, size classes, maturity classes, Likert
        answers).
    order
        The categories in their natural order (the codebook's code list); values not in
        ``order`` keep their relative order after the others.
    within, within_order
        Sort first by ``within`` in ``within_order`` (e.g. the grouping variable), then by
        ``column`` inside each group.

    Returns
    -------
    pandas.DataFrame
        The same rows, reordered (a stable sort: ties keep the table's order).
    """
    rank = {value: i for i, value in enumerate(order)}
    key = table[column].map(lambda v: rank.get(v, len(rank)))
    frame = table.assign(_rank=key.to_numpy())
    by = ["_rank"]
    if within is not None:
        outer = {value: i for i, value in enumerate(within_order or
                                                   dict.fromkeys(table[within]))}
        frame["_outer"] = table[within].map(lambda v: outer.get(v, len(outer))).to_numpy()
        by = ["_outer", "_rank"]
    return frame.sort_values(by, kind="stable").drop(columns=by)
