"""Errors the pipeline reports to its users in one line."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: str | Path) -> str:
    """``path`` relative to the current directory when it lies below it, else absolute."""
    p = Path(path)
    try:
        return os.path.relpath(p) if p.is_absolute() and Path.cwd() in p.parents else str(p)
    except ValueError:  # another drive on Windows
        return str(p)


class PipelineError(Exception):
    """A failure the user can act on; the CLI prints it as one line and exits with 1."""


class InputError(PipelineError):
    """A problem in a raw input file, located by file, row and column.

    Parameters
    ----------
    file
        The raw file.
    message
        What is wrong, in plain words.
    row
        Row number as a spreadsheet shows it: the header is row 1, the first record row 2.
    column
        The column's canonical name (or its header as written when it has none).
    more
        How many further problems of the same file were found and not printed.
    """

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        more: int = 0,
    ) -> None:
        self.file = Path(file)
        self.message = message
        self.row = row
        self.column = column
        self.more = more
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [display_path(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: {self.message}"
        if self.more:
            text += f" (and {self.more} more problem{'s' if self.more > 1 else ''} in this file)"
        return text
