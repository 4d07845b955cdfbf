"""The one writer and the one reader of a wave's published tables (``tables/<name>.csv``).

Every table a section publishes is written by :func:`write_table` (through
:meth:`pipeline.notebook.WaveContext.save_table`) and every piece of code that reads one
back (the index's findings, the summary, the disclosure scan) uses :func:`read_table`.

How a table is written, and why
-------------------------------
* **CSV, comma-separated, decimal point, one header row, CRLF line ends** (RFC 4180 and
  the default dialect of a Frictionless data package, :mod:`pipeline.render.opendata`):
  what any program reads without being told anything.
* **UTF-8 with a byte-order mark** (``utf-8-sig``): Excel recognises the encoding by the
  mark and shows "Flessibilità" instead of "FlessibilitÃ "; R, Python and frictionless
  skip it.
* **An .xlsx copy** (``tables/xlsx/<name>.xlsx``, one sheet): on an Italian PC Excel
  expects ``;`` and a decimal comma in a CSV, so a double-clicked comma-separated CSV with
  decimal points lands in one column or turns 0.5833 into text. The workbook stores
  numbers as numbers, which Excel shows with the reader's own decimal comma.
* **Values rounded by what they are** (the registry ``published.yaml``,
  :mod:`pipeline.analyse.published_spec`): shares 4 decimals, means 3, counts and euros
  whole numbers, estimated numbers of workers 1 decimal, p-values and standard errors 4
  significant digits.
* **Missing values say why**: a withheld cell (missing in a row flagged ``suppressed``,
  :func:`pipeline.analyse.disclosure.withheld_mask`) is written ``n.d.``; any other
  missing value (not applicable: an interval that does not exist, a test not run) is left
  empty; zero is 0.
* **Booleans** are ``true``/``false`` (the data package's default; VERO/FALSO in the
  Italian Excel copy).
* **Codes keep their column**; beside each code column with labels a column
  ``<code>_label`` holds its name in the site's language (measure_label "Flessibilità
  dell'orario", municipality_label "Verona"), from the codebook, the text catalogue and
  the shared ISTAT list the reports already use.

:func:`read_table` gives back what code expects: the codes as strings (an ISTAT code keeps
its leading zero), ``n.d.`` and empty cells as missing, numbers and booleans typed, and
the label columns dropped (they are words for readers, not data).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.analyse.disclosure import withheld_mask
from pipeline.analyse.published_spec import ColumnSpec, code_labels, column_spec, table_spec
from pipeline.atomic import write_bytes_atomic
from pipeline.codebook import DateLike

__all__ = ["ENCODING", "LABEL_SUFFIX", "NOT_DISCLOSED", "XLSX_DIR", "publication_frames",
           "read_table", "write_table", "xlsx_path"]

#: How a withheld cell is written in a published table.
NOT_DISCLOSED = "n.d."
#: UTF-8 with a byte-order mark, which Excel needs to read accents right.
ENCODING = "utf-8-sig"
#: The folder, inside ``tables/``, of the .xlsx copies.
XLSX_DIR = "xlsx"
#: The suffix of a label column beside its code column.
LABEL_SUFFIX = "_label"
#: Significant digits of a number the registry does not describe (as the CSVs had before).
DEFAULT_DIGITS = 6


def xlsx_path(csv_path: Path) -> Path:
    """Where the .xlsx copy of a published CSV goes: ``<tables>/xlsx/<name>.xlsx``."""
    return Path(csv_path).parent / XLSX_DIR / f"{Path(csv_path).stem}.xlsx"


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value))


def _inferred(values: pd.Series) -> str:
    """The type of a column the registry does not describe."""
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_numeric_dtype(values):
        return "number"
    return "text"


def _rounded(value: float, spec: ColumnSpec | None) -> float:
    if spec is not None and spec.decimals is not None:
        return round(value, spec.decimals)
    digits = spec.digits if spec is not None and spec.digits is not None else DEFAULT_DIGITS
    return float(f"{value:.{digits}g}") if value else 0.0


def _typed_value(value: Any, kind: str, spec: ColumnSpec | None) -> Any:
    """One value as published: rounded number, int, bool or str; None when missing."""
    if _missing(value):
        return None
    if kind == "boolean":
        return str(value).strip().lower() in ("true", "1", "1.0")
    if kind in ("code", "text"):
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return str(int(value))
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return None
    if kind == "integer":
        return int(round(number))
    rounded = _rounded(number, spec)
    return 0.0 if rounded == 0 else rounded  # never "-0"


def _text_value(value: Any) -> str:
    """A typed value as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        out = repr(value)
        return out[:-2] if out.endswith(".0") else out
    return str(value)


def publication_frames(df: pd.DataFrame, table: str, *, lang: str,
                       on: DateLike = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A published table as the CSV writes it and as the .xlsx copy holds it.

    Parameters
    ----------
    df
        The published DataFrame (codes, NaN, the ``suppressed`` flag: what
        :meth:`~pipeline.notebook.WaveContext.save_table` returns).
    table
        The table's name (``needs``): its columns' specs in the registry.
    lang
        The site's language: the label columns' words.
    on
        The wave's meta or date: measure labels as in force then.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Same rows, the label columns inserted after their codes: strings (``n.d.`` for a
        withheld cell, ``""`` for one not applicable), and typed values (numbers rounded,
        ``n.d.`` strings, None).
    """
    withheld = withheld_mask(df)
    rename = (table_spec(table) or {}).get("rename") or {}
    frame, withheld = df.rename(columns=rename), withheld.rename(columns=rename)
    typed: dict[str, list[Any]] = {}
    for column in frame.columns:
        spec = column_spec(table, column)
        kind = spec.type if spec is not None else _inferred(frame[column])
        values = [_typed_value(v, kind, spec) for v in frame[column]]
        typed[column] = [NOT_DISCLOSED if hidden else v
                         for v, hidden in zip(values, withheld[column], strict=True)]
        label = f"{column}{LABEL_SUFFIX}"
        if spec is not None and spec.labelled and label not in frame.columns:
            typed[label] = list(code_labels(spec, frame[column], lang, on=on, frame=frame))
    typed_frame = pd.DataFrame(typed, index=frame.index, dtype="object")
    text_frame = typed_frame.map(_text_value)
    return text_frame, typed_frame


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180: comma, CRLF, quotes
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    return buffer.getvalue().encode(ENCODING)


def _xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One sheet: the header in bold and frozen, numbers as numbers, a fitting width."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]  # Excel's limit on a sheet's name
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        ws.append(list(row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for i, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column)), *(len(_text_value(v)) for v in frame[column])])
        ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 8), 60)
    book.properties.creator = "welfare-pipeline"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_table(df: pd.DataFrame, path: Path, *, lang: str, on: DateLike = None,
                xlsx: bool = True) -> Path:
    """Write a published table as ``path`` (CSV) and its .xlsx copy (see the module doc).

    Parameters
    ----------
    df
        The published table: codes, NaN for missing values, ``suppressed`` for withheld
        rows. It is not changed.
    path
        ``<tables>/<name>.csv``; the copy goes to ``<tables>/xlsx/<name>.xlsx``.
    lang
        The site's language (the label columns).
    on
        The wave's meta or date (measure labels as in force at the fieldwork).
    xlsx
        Write the .xlsx copy too.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    text_frame, typed_frame = publication_frames(df, path.stem, lang=lang, on=on)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, _csv_bytes(text_frame))
    if xlsx:
        copy = xlsx_path(path)
        copy.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(copy, _xlsx_bytes(typed_frame, path.stem))
    return path


def _header(path: Path) -> list[str]:
    with Path(path).open(encoding=ENCODING, newline="") as f:
        return next(csv.reader(f), [])


def read_table(path: Path) -> pd.DataFrame:
    """A published table as code expects it.

    Codes and text as strings (ISTAT codes keep their leading zero), ``n.d.`` (withheld)
    and empty cells (not applicable) as missing, numbers and ``true``/``false`` typed as
    pandas reads them, the label columns ``<code>_label`` dropped. Reads the CSVs written
    before :func:`write_table` too (no mark, ``True``/``False``, no label columns).

    Parameters
    ----------
    path
        ``<tables>/<name>.csv``; ``<name>`` finds the columns' types in the registry.

    Returns
    -------
    pandas.DataFrame
        One row per line of the file, the columns of the file minus the label columns.
    """
    path = Path(path)
    header = _header(path)
    labels = [c for c in header if c.endswith(LABEL_SUFFIX) and
              c[: -len(LABEL_SUFFIX)] in header]
    strings = {c[: -len(LABEL_SUFFIX)] for c in labels}
    for column in header:
        spec = column_spec(path.stem, column)
        if spec is not None and spec.type in ("code", "text"):
            strings.add(column)
    table = pd.read_csv(path, encoding=ENCODING, keep_default_na=False,
                        na_values=["", NOT_DISCLOSED], dtype={c: "str" for c in strings})
    return table.drop(columns=labels)
