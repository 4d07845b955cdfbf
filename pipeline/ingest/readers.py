"""Reading raw table files into text-only DataFrames, as spreadsheets and survey tools write them.

Every cell comes back as text (empty string for an empty cell); typing is the job of
:mod:`pipeline.ingest.load`, which knows from the codebook what each column should hold. The
DataFrame's index is the row number a spreadsheet shows (header = 1, first record = 2), so
that every later error can point at the row the researcher will open.

CSV: UTF-8 with or without BOM, or Windows-1252 (tried in that order); separator ``,``,
``;`` or tab, chosen from the header line; decimal mark and thousands separators left to
the converters (:mod:`pipeline.ingest.numbers`). The bytes are decoded and split into
cells by :mod:`pipeline.ingest.csvtext` (pyarrow's CSV reader; pandas' for the files it
refuses). XLSX: the first sheet, to its real extent, through :mod:`pipeline.ingest.xlsx`;
cells the workbook stores as numbers are flagged (``RawTable.numeric``). Either file is opened only if it is a regular file (never through a
symbolic link) within the limits of :mod:`pipeline.ingest.limits`, which also bound a cell
to ``MAX_CELL_CHARS`` characters.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest.csvtext import detect_encoding, parse_arrow, parse_pandas
from pipeline.ingest.limits import (
    MAX_CELL_CHARS,
    check_workbook,
    open_regular,
    read_bytes,
    shown,
    too_long,
)

SEPARATORS = (";", ",", "\t")


@dataclass(frozen=True)
class RawTable:
    """A table as read from its file: text cells, headers as written, and how it was read."""

    path: Path
    data: pd.DataFrame
    headers: list[str]
    encoding: str | None
    separator: str | None
    format: str
    #: XLSX: True where the workbook stores the cell as a number (same index and columns
    #: as ``data``); None for CSV, where every cell is text.
    numeric: pd.DataFrame | None = None
    #: SPSS ``.sav``: per column, the value labels ``{value as text: label}`` and the
    #: user-missing values (as text); empty for CSV and XLSX (:mod:`.exports.spss`).
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    user_missing: dict[str, frozenset[str]] = field(default_factory=dict)


def _sniff_separator(path: Path, header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    sep, n = max(counts.items(), key=lambda kv: kv[1])
    if n == 0:
        raise InputError(
            path,
            "the header has a single column: separate columns with ',' or ';' "
            f"(header starts {header_line[:40]!r})",
            row=1,
        )
    return sep


def _check_header(path: Path, headers: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(headers, start=1):
        if len(name) > MAX_CELL_CHARS:
            raise InputError(path, f"{too_long(len(name))} (the header of column {i})", row=1)
        key = normalise_header(name)
        if key == "":
            raise InputError(path, f"column {i} has an empty header", row=1)
        if key in seen:
            raise InputError(
                path,
                f"the header names this column twice (columns {seen[key]} and {i})",
                row=1, column=shown(name.strip()),
            )
        seen[key] = i


#: Longest header line read (characters): csv's default field limit, 131,072.
CSV_HEADER_LIMIT = 131_072


def normalise_header(name: object) -> str:
    """Header as matched: trimmed, inner spaces collapsed, lower case."""
    return " ".join(str(name).split()).lower()


def read_csv(path: Path) -> RawTable:
    """Read a CSV file into text cells; see the module docstring for what is accepted.

    The file is parsed from its bytes with the detected encoding, never copied into one
    large Python string: a million-row export costs little more than its own size.
    """
    raw = read_bytes(path)
    if _is_blank(raw):
        raise InputError(path, "the file is empty")
    if b"\x00" in raw[:65536]:
        raise InputError(
            path,
            "not a text file (binary content: an Excel workbook saved with a .csv name, or "
            "UTF-16 text?)",
        )
    encoding = detect_encoding(path, raw)
    first_break = raw.find(b"\n")
    header_bytes = raw[: first_break if first_break >= 0 else len(raw)]
    header_line = header_bytes.decode(encoding).rstrip("\r")
    sep = _sniff_separator(path, header_line)
    # csv's field limit is process-wide and other libraries raise it (frictionless does):
    # the header's own limit is checked here, the same whatever was imported before
    if len(header_line) > CSV_HEADER_LIMIT:
        raise InputError(path, f"{too_long()} (in the header)", row=1)
    try:
        headers = next(csv.reader([header_line], delimiter=sep))
    except csv.Error:  # a header above csv's own field limit
        raise InputError(path, f"{too_long()} (in the header)", row=1) from None
    _check_header(path, headers)
    df = parse_arrow(raw, encoding, sep, len(headers))
    if df is None:
        df = parse_pandas(path, raw, encoding, sep)
    df.columns = headers
    _check_last_row(path, raw, encoding, sep, len(headers), len(df))
    del raw
    table = _finish(path, df, headers, encoding, sep, "csv")
    _check_cell_lengths(table)
    return table


_BLANK_BYTES = b" \t\r\n\xef\xbb\xbf"


def _is_blank(raw: bytes) -> bool:
    """True when ``raw`` holds nothing but spaces, line breaks and a BOM (the whole file
    is stripped, a copy, only when its first 64 KB are blank)."""
    return not raw[:65536].strip(_BLANK_BYTES) and not raw.strip(_BLANK_BYTES)


def _longest_cells(column: pd.Series) -> int:
    """An upper bound of the characters of the column's longest cell: its UTF-8 bytes
    (pyarrow reads them from the offsets, without decoding)."""
    import pyarrow.compute as pc

    array = getattr(column.array, "_pa_array", None)
    if array is None:
        return int(column.str.len().max() or 0)
    longest = pc.max(pc.binary_length(array)).as_py()
    return int(longest or 0)


def _check_cell_lengths(table: RawTable) -> None:
    """Refuse the first cell (in row, then column order) above ``MAX_CELL_CHARS``."""
    first: tuple[int, int, int] | None = None
    for pos in range(table.data.shape[1]):
        if _longest_cells(table.data.iloc[:, pos]) <= MAX_CELL_CHARS:
            continue
        lengths = table.data.iloc[:, pos].str.len()
        over = lengths > MAX_CELL_CHARS
        if over.any():
            row = int(over.idxmax())
            if first is None or (row, pos) < first[:2]:
                first = (row, pos, int(lengths[row]))
    if first is not None:
        row, pos, n = first
        raise InputError(table.path, too_long(n), row=row,
                         column=shown(table.headers[pos].strip()))


def _check_last_row(path: Path, raw: bytes, encoding: str, sep: str, n_fields: int,
                    n_rows: int) -> None:
    """A file cut short mid-record (an interrupted copy) ends with a short last row."""
    end = len(raw)  # the body ends before the last line breaks (found without a copy)
    while end and raw[end - 1] in b"\r\n":
        end -= 1
    start = max(raw.rfind(b"\n", 0, end), raw.rfind(b"\r", 0, end)) + 1
    last = raw[start:end].decode(encoding, errors="replace")
    if n_rows == 0 or last.count('"') % 2:
        return
    try:
        fields = next(csv.reader([last], delimiter=sep), [])
    except csv.Error:  # a field above csv's own limit: the cell check refuses it by name
        return
    if 0 < len(fields) < n_fields:
        lines = raw.count(b"\n", 0, end) or raw.count(b"\r", 0, end)
        raise InputError(
            path,
            f"the last row has {len(fields)} of {n_fields} fields: the file looks truncated",
            row=lines + 1,
        )


def read_xlsx(path: Path) -> RawTable:
    """Read the first sheet of an XLSX workbook into text cells (see :mod:`.xlsx`)."""
    from pipeline.ingest.xlsx import read_first_sheet

    with open_regular(path) as handle:
        if handle.read(1) == b"":
            raise InputError(path, "the file is empty")
        handle.seek(0)
        check_workbook(path, handle)
        sheet = read_first_sheet(path, handle)
    if not sheet.headers and not sheet.rows:
        raise InputError(path, "the first sheet is empty")
    headers = sheet.headers or []
    _check_header(path, headers)
    index = pd.Index(sheet.index, name="row", dtype="int64")
    df = pd.DataFrame(sheet.rows, columns=headers, index=index, dtype=str)
    flags = np.frombuffer(bytes(sheet.numeric), dtype=np.uint8).reshape(len(index), len(headers))
    numeric = pd.DataFrame(flags.astype(bool), columns=headers, index=index)
    return _finish(path, df, headers, None, None, "xlsx", numeric=numeric)


def _finish(
    path: Path, df: pd.DataFrame, headers: list[str], encoding: str | None,
    sep: str | None, fmt: str, numeric: pd.DataFrame | None = None,
) -> RawTable:
    if numeric is None:
        df.index = pd.RangeIndex(2, len(df) + 2, name="row")
    blank = _blank_rows(df)
    if blank.any():  # (a copy of every column: only when there is a blank row to drop)
        df = df.loc[~blank]
    if df.empty:
        raise InputError(path, "the file has a header but no data rows")
    if numeric is not None:
        numeric = numeric.loc[df.index]
    return RawTable(path=path, data=df, headers=list(headers), encoding=encoding,
                    separator=sep, format=fmt, numeric=numeric)


def _blank_rows(df: pd.DataFrame) -> np.ndarray:
    """True for the rows whose every cell is empty; column by column, stopping at the
    first column without an empty cell (a million rows: one comparison, not sixty)."""
    blank = np.ones(len(df), dtype=bool)
    for pos in range(df.shape[1]):
        blank &= (df.iloc[:, pos] == "").to_numpy(dtype=bool, na_value=False)
        if not blank.any():
            break
    return blank


def read_table_file(path: Path) -> RawTable:
    """Read a ``.csv``, ``.xlsx`` or SPSS ``.sav`` table file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".sav":
        from pipeline.ingest.exports.spss import read_sav

        return read_sav(path)
    raise InputError(path, f"unsupported file type {suffix!r}: use .csv, .xlsx or .sav")
