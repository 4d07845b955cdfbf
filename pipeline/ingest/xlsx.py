"""The first sheet of an XLSX workbook, read cell by cell within fixed bounds.

openpyxl (read-only) reads the workbook's structure, shared strings and styles; the cells of
the first sheet are read here, one at a time, with openpyxl's own cell parser, so that:

- the sheet is read to its real extent: the ``<dimension>`` a writer declares is ignored
  (openpyxl's read-only rows stop at it; a workbook declaring 300 rows but holding 400 would
  lose 100 without a word);
- a formula cell without a saved value, and a cell holding an Excel error (``#DIV/0!``), are
  refused with their row and column instead of being read as empty or as text;
- no part of the archive is unpacked beyond the size it declares and
  :func:`pipeline.ingest.limits.check_workbook` allowed, no text in the sheet grows beyond a
  cell's limit before it is refused, and no row is held in memory as a whole (only its
  values, up to the last header): a small file cannot unpack into gigabytes.

Values come back as text, as :func:`pipeline.ingest.readers.read_xlsx` hands them on, with a
flag for the cells the workbook stores as numbers (they carry no decimal mark of the file's
own: :mod:`pipeline.ingest.numbers`).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError

from pipeline.errors import InputError
from pipeline.ingest.limits import (
    MAX_CELL_CHARS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_UNPACKED_BYTES,
    megabytes,
    shown,
    too_long,
)

#: Bytes of one XML text or tag without a ``<``: a cell's characters at their longest
#: (6 bytes for ``&quot;``), and room for the tag around them.
TEXT_RUN_BYTES = 6 * MAX_CELL_CHARS + 4096
#: What a damaged archive or XML part raises while it is read.
DAMAGED = (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, IndexError,
           TypeError, EOFError, NotImplementedError, RuntimeError, ParseError)


class _PartTooLarge(Exception):
    def __init__(self, name: str, budget: int) -> None:
        super().__init__(name)
        self.name, self.budget = name, budget


class _TextTooLong(Exception):
    pass


class _Guarded:
    """One part of the archive as openpyxl reads it: at most ``budget`` bytes unpacked, and
    (when ``run_limit`` is set) no run of more than ``run_limit`` bytes without a ``<``, so
    that no single text or tag is ever built in memory beyond a cell's limit."""

    def __init__(self, stream: BinaryIO, name: str, budget: int, run_limit: int | None) -> None:
        self._stream, self._name = stream, name
        self._budget, self._run_limit = budget, run_limit
        self._count = self._run = 0

    def read(self, n: int | None = -1) -> bytes:
        room = self._budget - self._count + 1
        data = self._stream.read(room if n is None or n < 0 else min(n, room))
        self._count += len(data)
        if self._count > self._budget:
            raise _PartTooLarge(self._name, self._budget)
        if self._run_limit is not None and data:
            pieces = data.split(b"<")
            longest = self._run + len(pieces[0])
            if len(pieces) > 1:
                longest = max(longest, max(map(len, pieces[1:])))
                self._run = len(pieces[-1])
            else:
                self._run = longest
            if longest > self._run_limit:
                raise _TextTooLong(self._name)
        return data

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> _Guarded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _GuardedZip(zipfile.ZipFile):
    """The workbook's archive, handing out :class:`_Guarded` parts."""

    budget = MAX_XLSX_PART_BYTES
    run_limit: int | None = None

    def open(self, name: Any, mode: str = "r", pwd: bytes | None = None, *,  # type: ignore[override]
             force_zip64: bool = False) -> Any:
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return stream
        return _Guarded(stream, getattr(name, "filename", name), self.budget, self.run_limit)


@dataclass
class Workbook:
    """What reading the first sheet needs: its name and part, the shared strings, the
    date styles and epoch, and the guarded archive."""

    archive: _GuardedZip
    sheet: str
    part: str
    shared_strings: list[Any]
    epoch: Any
    date_formats: Any
    timedelta_formats: Any


def open_workbook(path: Path, handle: BinaryIO) -> Workbook:
    """The parts of the workbook in ``handle`` that reading its first sheet needs.

    openpyxl's own loading steps (manifest, shared strings, workbook, styles) run over a
    :class:`_GuardedZip` holding each part to
    :data:`~pipeline.ingest.limits.MAX_XLSX_PART_BYTES`; openpyxl's worksheets are never
    built (in read-only mode each would parse its whole sheet once when it declares no
    ``<dimension>``).
    """
    import warnings

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(handle, read_only=True, data_only=True)
    reader.archive.close()
    handle.seek(0)
    archive = reader.archive = _GuardedZip(handle)
    reader.valid_files = archive.namelist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on styles it does not keep
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(archive, reader.wb)
        sheets = [(sheet, rel) for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    if not sheets:
        raise InputError(path, "the workbook has no sheet")
    sheet, rel = sheets[0]
    wb = reader.wb
    return Workbook(archive, sheet.name, rel.target, reader.shared_strings, wb.epoch,
                    wb._date_formats, wb._timedelta_formats)


def cell_text(value: object) -> str:
    """A cell's value as text: whole numbers without ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # beyond 2**53 a float is no exact whole number: keep its exponent (1e+30)
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


@dataclass
class Sheet:
    """The first sheet as read: its header (row 1) and the rows holding any value.

    ``rows[i]`` is spreadsheet row ``index[i]``, ``len(headers)`` text cells; ``numeric``
    holds one byte per cell, 1 where the workbook stores a number.
    """

    path: Path
    name: str
    headers: list[str] | None = None
    index: list[int] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: bytearray = field(default_factory=bytearray)
    number: int = 0
    values: dict[int, tuple[str, bool]] = field(default_factory=dict)
    current: str | None = None

    def current_column(self) -> int | None:
        """The column of the cell being read (from its reference, ``B7``), if it has one."""
        from openpyxl.utils import column_index_from_string

        m = re.fullmatch(r"([A-Z]{1,3})\d+", self.current or "")
        return column_index_from_string(m.group(1)) if m else None

    def column_name(self, column: int) -> str:
        from openpyxl.utils import get_column_letter

        if self.headers and column <= len(self.headers) and self.number > 1:
            return self.headers[column - 1].strip() or get_column_letter(column)
        return get_column_letter(column)

    def error(self, message: str, column: int | None = None) -> InputError:
        name = shown(self.column_name(column)) if column else None
        return InputError(self.path, message, row=self.number or None, column=name)

    def start_row(self, number: int) -> None:
        self.end_row()
        if number <= self.number:
            after = f" (after row {self.number})" if self.number else ""
            raise InputError(self.path, f"row {number} is out of order in the sheet{after}: "
                                        "the workbook is damaged")
        if self.headers is None and number > 1:
            self.headers = []  # row 1 is not in the sheet: an empty header
        self.number = number

    def add(self, column: int, cell: dict[str, Any], no_value: bool) -> None:
        if no_value:
            raise self.error(f"a formula without a saved value (sheet '{shown(self.name)}'): "
                             "open and save the workbook in Excel, or paste the values",
                             column)
        value = cell["value"]
        if cell["data_type"] == "e":
            raise self.error(f"the cell holds the Excel error {shown(value)} "
                             f"(sheet '{shown(self.name)}')", column)
        text = cell_text(value)
        if len(text) > MAX_CELL_CHARS:
            raise self.error(too_long(len(text)), column)
        if text == "":
            return
        if self.headers is not None:
            if not self.headers:
                raise InputError(self.path, "the header is empty: the first sheet must start "
                                            "with the column names in row 1", row=1)
            if column > len(self.headers):
                raise InputError(self.path, "this row has values beyond the last header "
                                            f"(column {len(self.headers) + 1})", row=self.number)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        self.values[column] = (text, number)

    def end_row(self) -> None:
        if self.headers is None and self.number:
            self.headers = [""] * max(self.values, default=0)
            for column, (text, _) in self.values.items():
                self.headers[column - 1] = text
        elif self.values:
            width = len(self.headers or ())
            row, numeric = [""] * width, bytearray(width)
            for column, (text, number) in self.values.items():
                row[column - 1], numeric[column - 1] = text, number
            self.index.append(self.number)
            self.rows.append(row)
            self.numeric += numeric
        self.values = {}


def _formula_without_value(element: Any, formula_tag: str, value_tag: str) -> bool:
    """A formula cell with no saved value: no ``<v>``, or an empty one where the result is
    not text (openpyxl and other writers save formulas as ``<f>..</f><v/>``; Excel saves an
    empty text result as ``t="str"`` with ``<v/>``)."""
    if element.find(formula_tag) is None:
        return False
    value = element.find(value_tag)
    return value is None or (not value.text and element.get("t", "n") != "str")


def _cells(source: Any, parser: Any, sheet: Sheet) -> Iterator[tuple[int, dict, bool]]:
    """``(column, cell, formula without value)`` of each cell of ``sheetData``, in order,
    each row started on ``sheet``; every element dropped once read."""
    from openpyxl.worksheet._reader import (
        CELL_TAG,
        DATA_TAG,
        FORMULA_TAG,
        ROW_TAG,
        VALUE_TAG,
    )
    from openpyxl.xml.functions import iterparse

    data = row = None
    for event, element in iterparse(source, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == ROW_TAG:
                number = element.get("r")
                parser.row_counter = int(number) if number else parser.row_counter + 1
                parser.col_counter = 0
                sheet.start_row(parser.row_counter)
                row = element
            elif tag == CELL_TAG:
                sheet.current = element.get("r")
            elif tag == DATA_TAG:
                data = element
            continue
        if tag == CELL_TAG:
            cell = parser.parse_cell(element)
            yield cell["column"], cell, _formula_without_value(element, FORMULA_TAG, VALUE_TAG)
            if row is not None:
                row.clear()
        elif tag == ROW_TAG and data is not None:
            data.clear()
        elif tag == DATA_TAG:
            return


def read_first_sheet(path: Path, handle: BinaryIO) -> Sheet:
    """Read the first sheet of the workbook open in ``handle`` (already checked by
    :func:`pipeline.ingest.limits.check_workbook`).

    Raises
    ------
    InputError
        Damaged workbook, a formula without a saved value, an Excel error, a cell above
        the length limit, a value beyond the last header, a part above its size.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet: Sheet | None = None
    try:
        wb = open_workbook(path, handle)
        sheet = Sheet(path=path, name=wb.sheet)
        wb.archive.budget, wb.archive.run_limit = MAX_XLSX_UNPACKED_BYTES, TEXT_RUN_BYTES
        parser = WorkSheetParser(None, wb.shared_strings, data_only=True, epoch=wb.epoch,
                                 date_formats=wb.date_formats,
                                 timedelta_formats=wb.timedelta_formats)
        with wb.archive, wb.archive.open(wb.part) as source:
            for column, cell, no_value in _cells(source, parser, sheet):
                sheet.add(column, cell, no_value)
        sheet.end_row()
    except _PartTooLarge as err:
        raise InputError(path, f"part {shown(err.name)} of the workbook unpacks to more than "
                               f"{megabytes(err.budget)}: not read") from None
    except _TextTooLong:
        if sheet is None:
            raise InputError(path, too_long()) from None
        raise sheet.error(too_long(), sheet.current_column()) from None
    except DAMAGED as err:
        if sheet is not None and sheet.number:
            raise sheet.error(f"a cell cannot be read ({type(err).__name__}): the workbook is "
                              "damaged", sheet.current_column()) from None
        raise InputError(
            path, f"not a readable XLSX workbook ({type(err).__name__}: damaged or not Excel)"
        ) from None
    return sheet
