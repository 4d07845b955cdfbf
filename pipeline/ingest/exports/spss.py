"""SPSS ``.sav`` files read through ``pyreadstat`` into the same text cells as a CSV.

Every variable becomes a column named after the variable (its variable label is not used:
name the variables as the codebook does, or map them in ``columns.yaml``). Cells are text as
:func:`pipeline.ingest.xlsx.cell_text` writes a spreadsheet cell: whole numbers without
``.0``, dates in ISO form; numeric variables are flagged as stored numbers
(``RawTable.numeric``), so their decimals are read as stored, never by a decimal mark.

Value labels and user-missing values are kept beside the cells (``RawTable.labels``,
``RawTable.user_missing``); which of a labelled value's number and label is an answer of
the codebook is decided with the codebook at hand (:mod:`pipeline.ingest.exports.recode`).
System-missing values are empty cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest.limits import open_regular, shown
from pipeline.ingest.readers import RawTable
from pipeline.ingest.xlsx import cell_text


def _text(value: Any) -> str:
    """A value of the file as cell text (empty for system-missing)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return cell_text(float(value))
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return cell_text(value)


def _user_missing(values: pd.Series, ranges: list[dict[str, Any]]) -> frozenset[str]:
    """The distinct values of a column (as text) that fall in its user-missing ranges."""
    found: set[str] = set()
    for value in values.dropna().unique():
        for r in ranges:
            lo, hi = r.get("lo"), r.get("hi")
            try:
                inside = lo == value if hi is None or lo == hi else lo <= value <= hi
            except TypeError:
                inside = False
            if inside:
                found.add(_text(value))
    return frozenset(found)


def read_sav(path: Path) -> RawTable:
    """Read an SPSS ``.sav`` file into text cells, value labels and user-missing values.

    Raises
    ------
    InputError
        Not a regular file, too large, or not readable as an SPSS file.
    """
    import pyreadstat

    with open_regular(path) as handle:
        if handle.read(1) == b"":
            raise InputError(path, "the file is empty")
    try:
        df, meta = pyreadstat.read_sav(str(path), user_missing=True,
                                       apply_value_formats=False)
    except Exception as err:  # pyreadstat raises its own ReadstatError and others
        raise InputError(path, f"not a readable SPSS file ({shown(type(err).__name__)}: "
                               f"{shown(str(err))})") from None
    headers = [str(c) for c in df.columns]
    if not headers:
        raise InputError(path, "the file has no variables")
    index = pd.RangeIndex(2, len(df) + 2, name="row")
    cells = pd.DataFrame({h: [_text(v) for v in df[h].tolist()] for h in headers},
                         index=index, dtype=str)
    numeric = pd.DataFrame(
        {h: pd.api.types.is_numeric_dtype(df[h]) & df[h].notna().to_numpy() for h in headers},
        index=index)
    labels = {h: {_text(k): str(v) for k, v in meta.variable_value_labels.get(h, {}).items()}
              for h in headers if meta.variable_value_labels.get(h)}
    ranges = getattr(meta, "missing_ranges", None) or {}
    missing = {h: _user_missing(df[h], ranges[h]) for h in headers if ranges.get(h)}
    blank = (cells == "").all(axis=1)
    cells, numeric = cells.loc[~blank], numeric.loc[~blank]
    if cells.empty:
        raise InputError(path, "the file has variables but no cases")
    return RawTable(path=path, data=cells, headers=headers, encoding=None, separator=None,
                    format="sav", numeric=numeric, labels=labels,
                    user_missing={h: m for h, m in missing.items() if m})
