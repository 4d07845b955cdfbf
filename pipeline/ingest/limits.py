"""What a raw file may be before it is read, and how much of a cell an error line shows.

A raw file is opened only when it is a regular file, never through a symbolic link (links
are not followed, so nothing outside the wave folder is ever read or echoed), and only up to
:data:`MAX_FILE_BYTES`. An XLSX workbook is a zip archive: its parts are checked, from the
sizes the archive declares, before anything is unpacked (:func:`check_workbook`); the XLSX
reader then holds every part to those sizes while it reads (:mod:`pipeline.ingest.xlsx`).
A cell holds at most :data:`MAX_CELL_CHARS` characters; an error line quotes at most
:data:`SHOWN_CHARS` characters of a cell or header, on one line (:func:`shown`).
"""

from __future__ import annotations

import errno
import os
import stat
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import InputError

#: A raw table file on disk (CSV or XLSX, packed). The contract's upper end, 1,000,000
#: worker answers of about 60 columns, is a CSV of about 420 MB.
MAX_FILE_BYTES = 1_000_000_000
#: wave.yaml, columns.yaml.
MAX_YAML_BYTES = 1_000_000
#: All the parts of an XLSX workbook, unpacked.
MAX_XLSX_UNPACKED_BYTES = 1_000_000_000
#: Any part of a workbook but its worksheets, unpacked: the shared strings, styles and
#: workbook parts are read whole, worksheets row by row.
MAX_XLSX_PART_BYTES = 64_000_000
#: Parts (files) in the archive; a workbook has a few dozen.
MAX_XLSX_PARTS = 10_000
#: Characters of one cell (Excel allows 32,767; the contract's longest are free-text answers).
MAX_CELL_CHARS = 10_000
#: Characters of a cell or header an error line quotes.
SHOWN_CHARS = 80

SYMLINK_MESSAGE = ("a symbolic link in the wave folder: links are not followed "
                   "(copy the file itself into the folder)")

#: Line breaks and other control characters, written visibly so an error stays one line.
_VISIBLE = {i: f"\\x{i:02x}" for i in (*range(32), 127, 0x85)} | {
    9: "\\t", 10: "\\n", 13: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def clip(text: object, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(text: object, limit: int = SHOWN_CHARS) -> str:
    """A cell or header as an error line quotes it: clipped, control characters escaped."""
    return clip(text, limit).translate(_VISIBLE)


def megabytes(n: int) -> str:
    """``n`` bytes for a message: ``300.0 MB`` (``1,784 bytes`` below 0.1 MB)."""
    return f"{n / 1_000_000:,.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def too_long(n_chars: int | None = None) -> str:
    """The message for a cell above :data:`MAX_CELL_CHARS` (its length when known)."""
    if n_chars is None:
        return f"the cell holds more than the {MAX_CELL_CHARS:,} characters allowed"
    return f"the cell holds {n_chars:,} characters, more than the {MAX_CELL_CHARS:,} allowed"


def open_regular(path: Path, limit: int | None = None) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file of at most ``limit`` bytes.

    A symbolic link is refused without being followed (``O_NOFOLLOW``); a FIFO, device or
    folder is refused without blocking on it.

    Raises
    ------
    InputError
        A link, not a regular file, too large, or not readable.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    if os.path.islink(path):
        raise InputError(path, SYMLINK_MESSAGE)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InputError(path, SYMLINK_MESSAGE) from None
        raise InputError(path, f"cannot be read ({err.strerror})") from None
    handle = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = "not a regular file"
    elif info.st_size > limit:
        problem = (f"the file is {megabytes(info.st_size)}, more than the "
                   f"{megabytes(limit)} allowed: not read")
    if problem:
        handle.close()
        raise InputError(path, problem)
    return handle


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    with open_regular(path, limit) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew since it was opened
        raise InputError(path, f"the file is more than the {megabytes(limit)} allowed: not read")
    return data


def _declared_entries(handle: BinaryIO) -> int | None:
    """The number of parts the archive's end record declares (None: no end record)."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - 65_557))
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return struct.unpack("<H", tail[at + 10: at + 12])[0]


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def check_workbook(path: Path, handle: BinaryIO) -> None:
    """Refuse a workbook whose parts, as the archive declares them, unpack too large.

    Checked before anything is unpacked: the number of parts (before the archive's index is
    read), each part but the worksheets against :data:`MAX_XLSX_PART_BYTES`, all of them
    against :data:`MAX_XLSX_UNPACKED_BYTES`. The declared sizes bind: Python's zip reader
    never unpacks more than a part declares, and the XLSX reader holds each part to them.
    """
    entries = _declared_entries(handle)
    if entries is not None and entries > MAX_XLSX_PARTS:
        raise InputError(path, f"the workbook has {entries:,} parts, more than the "
                               f"{MAX_XLSX_PARTS:,} allowed: not read")
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise InputError(
            path, f"not a readable XLSX workbook ({type(err).__name__}: damaged or not Excel)"
        ) from None
    if len(infos) > MAX_XLSX_PARTS:
        raise InputError(path, f"the workbook has {len(infos):,} parts, more than the "
                               f"{MAX_XLSX_PARTS:,} allowed: not read")
    for info in infos:
        if info.file_size > MAX_XLSX_PART_BYTES and not _is_worksheet(info.filename):
            raise InputError(
                path, f"part {shown(info.filename)} of the workbook unpacks to "
                      f"{megabytes(info.file_size)}, more than the "
                      f"{megabytes(MAX_XLSX_PART_BYTES)} allowed: not read")
    total = sum(info.file_size for info in infos)
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise InputError(path, f"the workbook unpacks to {megabytes(total)}, more than the "
                               f"{megabytes(MAX_XLSX_UNPACKED_BYTES)} allowed: not read")
    handle.seek(0)
