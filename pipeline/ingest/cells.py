"""A column's cells factorized once: distinct trimmed values, and per row which one it holds.

The converters of :mod:`pipeline.ingest.convert` type the few hundred distinct answers of a
column, not its million cells: :func:`distinct_cells` factorizes the column (pyarrow's
dictionary encoding), trims the distinct cells and takes out the missing and don't-know
markers; :meth:`Cells.spread` and :meth:`Cells.flags` bring a typed value or a flag per
distinct value back to every row with one ``take`` of the codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook


def blank_masks(text: pd.Series, codebook: Codebook) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Trimmed text, the missing mask and the don't-know mask."""
    trimmed = text.str.strip()
    lowered = trimmed.str.lower()
    missing = lowered.isin([v.lower() for v in codebook.missing_values])
    dont_know = lowered.isin([v.lower() for v in codebook.dont_know_values])
    return trimmed, missing, dont_know


@dataclass(frozen=True)
class Cells:
    """A column's answered cells as distinct trimmed values, and per row which one it holds.

    ``codes[i]`` is the position in ``values`` of row ``i``'s trimmed text, or -1 where the
    row is missing (empty, ``NA``...), don't know (where the column allows it) or NA.
    """

    codes: np.ndarray
    values: list[str]
    index: pd.Index

    def spread(self, per_value: pd.Series) -> pd.Series:
        """``per_value`` (one entry per value, then one for rows without a value) at every
        row: one ``take`` of the codes."""
        return pd.Series(per_value.array.take(self.codes), index=self.index)

    def flags(self, per_value: np.ndarray) -> pd.Series:
        """A boolean flag per value at every row (False where the row has no value)."""
        return pd.Series(np.append(per_value, False)[self.codes], index=self.index)


def distinct_cells(text: pd.Series, codebook: Codebook,
                   dont_know: bool) -> tuple[Cells, pd.Series | None]:
    """Factorize a column once: its :class:`Cells` and, if ``dont_know`` (the column allows
    "don't know"), the ``boolean`` don't-know flag of every row.

    Trimming and the markers are read with the same string operations as row by row
    (:func:`blank_masks`), applied to the distinct cells.
    """
    raw_codes, uniques = pd.factorize(text, use_na_sentinel=True)
    trimmed, missing, dk = _distinct_masks(uniques.tolist(), codebook)
    absent = missing | (dk if dont_know else False)
    remap = np.full(len(uniques) + 1, -1, dtype=np.intp)  # last: NA cells
    position: dict[str, int] = {}
    for i, (value, skip) in enumerate(zip(trimmed, absent.tolist(), strict=True)):
        if not skip:
            remap[i] = position.setdefault(value, len(position))
    codes = remap[raw_codes]
    flags = None
    if dont_know:
        dk_rows = np.append(dk, False)[raw_codes]
        flags = pd.Series(dk_rows, index=text.index, dtype="boolean")
    return Cells(codes, list(position), text.index), flags


def _distinct_masks(uniques: list[str],
                    codebook: Codebook) -> tuple[list[str], np.ndarray, np.ndarray]:
    """:func:`blank_masks` of a column's distinct cells: trimmed, missing, don't know.

    ASCII cells (nearly always) in plain Python, which trims and lowers ASCII exactly as
    pyarrow's string kernels do and costs nothing for a few hundred cells; others with the
    same pandas string operations as row by row.
    """
    if all(v.isascii() for v in uniques):
        trimmed = [v.strip() for v in uniques]
        lowered = [v.lower() for v in trimmed]
        missing_words = {v.lower() for v in codebook.missing_values}
        dk_words = {v.lower() for v in codebook.dont_know_values}
        return (trimmed, np.array([v in missing_words for v in lowered], dtype=bool),
                np.array([v in dk_words for v in lowered], dtype=bool))
    text, missing, dk = blank_masks(pd.Series(uniques, dtype="str"), codebook)
    return text.tolist(), missing.to_numpy(bool), dk.to_numpy(bool)


def map_cells(cells: Cells, func: Callable[[str], object]) -> tuple[pd.Series, pd.Series]:
    """``func`` applied to each distinct value (None: invalid): the results as an object
    Series, one per value then None for rows without a value, and the rows' invalid mask."""
    mapped = [func(v) for v in cells.values]
    bad = np.array([m is None for m in mapped], dtype=bool)
    return pd.Series([*mapped, None], dtype=object), cells.flags(bad)
