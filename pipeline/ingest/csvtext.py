"""A CSV file's bytes to text cells: its encoding, then its records split into cells.

:func:`detect_encoding` tells UTF-8 (with or without BOM) from Windows-1252 and refuses a
file that is neither, or both at once, naming the row. :func:`parse_arrow` splits the
records with pyarrow's CSV reader, column by column and without a Python object per cell;
the few files it refuses (a row shorter or longer than the header, a record larger than a
block) go to :func:`parse_pandas`, pandas' C parser, which reads them as this project always
has: short rows padded, a row with too many fields named by its line. Both read a blank
line as a row of empty cells, so row numbers stay the file's.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import InputError

_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")

#: Bytes Windows-1252 leaves undefined: a file holding one is in neither encoding.
_CP1252_UNDEFINED_BYTES = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
#: UTF-8 encodings of accented letters (U+00C0-U+00FF) and typographic quotes, as they
#: appear when UTF-8 rows are pasted into a Windows-1252 file; and their lead bytes.
_UTF8_SEQUENCE = re.compile(rb"\xc3[\x80-\xbf]|\xe2\x80[\x98-\x9e\xa6]")
_UTF8_LEADS = (b"\xc3", b"\xe2")  # single bytes: found by memchr
_CHUNK = 1 << 24


def _utf8_error(raw: bytes, start: int = 0) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or None (checked chunk by chunk,
    so that a large file is never held twice in memory)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(start, len(raw), _CHUNK):
        try:
            decoder.decode(raw[offset:offset + _CHUNK], final=offset + _CHUNK >= len(raw))
        except UnicodeDecodeError as err:
            return offset + err.start
    return None


def detect_encoding(path: Path, raw: bytes) -> str:
    """``utf-8-sig``, ``utf-8`` or ``cp1252``, or an InputError naming the row at fault."""
    if raw.startswith(b"\xef\xbb\xbf"):
        bad = _utf8_error(raw, 3)
        if bad is not None:
            raise InputError(
                path, f"invalid UTF-8 byte 0x{raw[bad]:02x} in a file marked as UTF-8",
                row=raw.count(b"\n", 0, bad) + 1)
        return "utf-8-sig"
    if _utf8_error(raw) is None:
        return "utf-8"
    undefined = _first_of(raw, _CP1252_UNDEFINED_BYTES)
    if undefined is not None:
        raise InputError(
            path,
            f"cannot read byte 0x{raw[undefined]:02x}: the file is neither UTF-8 nor "
            "Windows-1252 (save it again as CSV UTF-8)",
            row=raw.count(b"\n", 0, undefined) + 1,
        )
    # Mixed files (UTF-8 rows pasted into a Windows-1252 export) would read without error
    # but turn every accent of those rows into two wrong letters: refuse them.
    mixed = _utf8_sequence(raw)
    if mixed is not None:
        raise InputError(
            path,
            "mixed encodings: this row is UTF-8 but the rest of the file is not "
            "(save the whole file again as CSV UTF-8)",
            row=raw.count(b"\n", 0, mixed) + 1,
        )
    return "cp1252"


def _first_of(raw: bytes, needles: tuple[bytes, ...]) -> int | None:
    """Offset of the first of ``needles`` in ``raw`` (``bytes.find``: a regular expression
    scanning a character class reads a 400 MB file at a few dozen MB a second)."""
    found = [at for at in (raw.find(n) for n in needles) if at >= 0]
    return min(found) if found else None


def _utf8_sequence(raw: bytes) -> int | None:
    """Offset of the first :data:`_UTF8_SEQUENCE` in ``raw``, found from its lead bytes."""
    found = []
    for lead in _UTF8_LEADS:
        at = raw.find(lead)
        while at >= 0 and not _UTF8_SEQUENCE.match(raw, at):
            at = raw.find(lead, at + 1)
        if at >= 0:
            found.append(at)
    return min(found) if found else None


#: Bytes pyarrow parses at a time (a record must fit in one: 60 cells of 10,000 characters do).
_ARROW_BLOCK = 1 << 22


def parse_arrow(raw: bytes, encoding: str, sep: str, n_columns: int) -> pd.DataFrame | None:
    """The records after the header as text cells, parsed by pyarrow's CSV reader (several
    times faster than pandas' and never one Python object per cell); None when pyarrow
    refuses the file (a row with more or fewer fields than the header, a record larger than
    a block...): :func:`parse_pandas` then reads it as before, or names the row at fault.

    Same reading as pandas': a blank line is a row of empty cells (the row numbers stay the
    file's), ``""`` escapes a quote, nothing is missing but an empty string. A Windows-1252
    file is split as bytes (its separators, quotes and line breaks are ASCII) and decoded
    column by column (:func:`_decode_cp1252`): pyarrow's own transcoding goes through
    Python's codec block by block and doubles the time of the parse.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(n_columns)]
    as_bytes = not encoding.startswith("utf-8")
    try:
        table = pacsv.read_csv(
            pa.BufferReader(raw),
            read_options=pacsv.ReadOptions(
                # pyarrow skips a UTF-8 BOM itself
                encoding="utf8", skip_rows=1, column_names=names, block_size=_ARROW_BLOCK),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=b'"' in raw, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                # large_string: what pandas' ``str`` columns hold, so no cast on the way
                column_types=dict.fromkeys(
                    names, pa.large_binary() if as_bytes else pa.large_string()),
                null_values=[], strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if as_bytes:
        columns = {}
        for name in names:
            columns[name] = _decode_cp1252(table.column(name), encoding)
            table = table.drop_columns([name])  # one column held twice at a time
        table = pa.table(columns)
    df = table.to_pandas()
    del table
    if b'"' in raw and _may_end_quoted(raw, df, sep, encoding):
        return None  # pandas refuses a quote left open at the end; pyarrow reads it to EOF
    return df


def _may_end_quoted(raw: bytes, df: pd.DataFrame, sep: str, encoding: str) -> bool:
    """True when the file may end inside a quoted field: the last row holds a line break
    (a quote opened earlier swallows the rest of the file into one cell, as would a valid
    multi-line cell: the pandas parser then decides), or the last line, read by the rules
    of pandas' tokenizer, leaves a quote open."""
    if len(df) and df.iloc[-1].str.contains("[\r\n]", regex=True).any():
        return True
    end = len(raw)
    while end and raw[end - 1] in b"\r\n":
        end -= 1
    start = max(raw.rfind(b"\n", 0, end), raw.rfind(b"\r", 0, end)) + 1
    return _open_quote(raw[start:end].decode(encoding, errors="replace"), sep)


def _open_quote(line: str, sep: str) -> bool:
    """Whether ``line`` ends inside a quoted field: a quote opens a field only at its start,
    ``""`` inside one is a quote, any other quote closes it."""
    quoted, at_start, i = False, True, 0
    while i < len(line):
        c = line[i]
        if quoted:
            if c == '"':
                if line[i + 1:i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif c == '"' and at_start:
            quoted = True
        at_start = not quoted and c == sep
        i += 1
    return quoted


def _decode_cp1252(column: Any, encoding: str) -> Any:
    """A column of Windows-1252 bytes as text: as it is when every cell is ASCII (the same
    bytes in both encodings), else its distinct cells decoded in Python and taken back to
    the rows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.chunked_array([chunk.view(pa.large_string()) for chunk in column.chunks],
                            type=pa.large_string())
    if all(_is_ascii(chunk) for chunk in column.chunks):
        return text
    encoded = pc.dictionary_encode(column.combine_chunks())
    decoded = pa.array([v.decode(encoding) for v in encoded.dictionary.to_pylist()],
                       type=pa.large_string())
    return pc.take(decoded, encoded.indices)


def _is_ascii(chunk: Any) -> bool:
    """Whether every byte of a ``large_binary`` chunk's cells is below 0x80 (read from its
    data buffer: one NumPy maximum, not a kernel call per cell)."""
    import numpy as np

    if len(chunk) == 0:
        return True
    _, offsets, data = chunk.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[[chunk.offset, chunk.offset + len(chunk)]]
    if data is None or bounds[1] <= bounds[0]:
        return True
    return int(np.frombuffer(data, dtype=np.uint8)[bounds[0]:bounds[1]].max()) < 0x80


def parse_pandas(path: Path, raw: bytes, encoding: str, sep: str) -> pd.DataFrame:
    """The records after the header as text cells, parsed by pandas' C parser, which pads
    short rows and names a row with too many fields."""
    try:
        return pd.read_csv(
            io.BytesIO(raw),
            sep=sep,
            dtype=str,
            encoding=encoding,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as err:
        m = _PARSER_LINE.search(str(err))
        if m:
            expected, line, saw = m.groups()
            raise InputError(
                path, f"this row has {saw} fields but the header has {expected}",
                row=int(line),
            ) from None
        raise InputError(path, f"malformed CSV: {str(err).strip().splitlines()[-1]}") from None
