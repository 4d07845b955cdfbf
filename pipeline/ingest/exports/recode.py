"""Value recodes of ``columns.yaml`` and SPSS value labels: export answers to codebook answers.

``columns.yaml`` maps, per table, export headers to column names (DATA_CONTRACT.md). A table
may also hold one entry ``values``, a mapping of columns to ``{answer as exported: answer
of the codebook}`` (backward-compatible: a header rename maps to a name, never to a mapping):

.. code-block:: yaml

    worker_survey:
      "Q03": gender
      values:
        gender: {"A1": F, "A2": M, "A3": X, "A4": NR}
        "need_imp_*": {"A1": 1, "A2": 2, "A3": 3, "A4": 4, "A5": non so, "N/A": ~}

A key of ``values`` is a column's canonical name or a pattern with ``*`` (applied to every
column it matches that no exact key names). Answers as exported are matched trimmed and
ignoring case; the target is a code, an Italian label, a don't-know word (``non so``), or
``~`` (missing). YAML reads unquoted ``yes``, ``no``, ``on``, ``off`` as true/false: such
keys and targets are refused, quote them.

Once a column has recodes, a cell that is neither recoded nor already an answer of the
codebook (nor a missing or don't-know marker) is an error naming file, row and column: an
answer code with no mapping. SPSS value labels: a labelled number is read as its label when
the label is an answer of the column (a code or its Italian label), else as the number; a
user-missing value is missing, or "don't know" when its label is a don't-know word.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.codebook import Codebook, Column, Table
from pipeline.errors import InputError
from pipeline.ingest.convert import convert_column
from pipeline.ingest.limits import shown

#: Per column name or pattern: ``{answer as exported, lower case: answer of the codebook}``.
Recodes = dict[str, dict[str, str]]
#: The key of a table's mapping in ``columns.yaml`` holding its value recodes.
VALUES_KEY = "values"


def _scalar(value: Any, path: Path, where: str) -> str:
    """A YAML key or target as text: numbers without ``.0``, ``~`` as missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise InputError(path, f"{where}: YAML reads {value} as true/false: write the answer "
                               "in quotes (\"yes\", \"no\")")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value).strip()
    raise InputError(path, f"{where}: expected an answer, found {type(value).__name__}")


def parse_recodes(path: Path, table: Table, values: Any) -> Recodes:
    """The ``values`` entry of one table of ``columns.yaml``, checked against the codebook.

    Raises
    ------
    InputError
        Not a mapping of columns to mappings, an unknown column, a boolean key or target.
    """
    if not isinstance(values, dict):
        raise InputError(path, f"'{table.name}: values' must map column names to "
                               "{answer as exported: answer} mappings")
    known = {name.lower(): name for name in table.columns}
    recodes: Recodes = {}
    for key, mapping in values.items():
        name = str(key).strip()
        if "*" not in name and name.lower() not in known:
            raise InputError(path, f"'{table.name}: values': '{shown(name)}' is not a column "
                                   f"of {table.name}", column=shown(name))
        if not isinstance(mapping, dict):
            raise InputError(path, f"'{table.name}: values: {shown(name)}' must map answers "
                                   "as exported to answers", column=shown(name))
        where = f"'{table.name}: values: {shown(name)}'"
        recodes[known.get(name.lower(), name.lower())] = {
            _scalar(k, path, where).lower(): _scalar(v, path, where) for k, v in mapping.items()}
    return recodes


def recodes_for(recodes: Recodes, name: str) -> dict[str, str] | None:
    """The recodes of column ``name``: its own entry, else the first pattern matching it."""
    if name in recodes:
        return recodes[name]
    for key, mapping in recodes.items():
        if "*" in key and fnmatch.fnmatchcase(name.lower(), key):
            return mapping
    return None


def _accepted(texts: list[str], column: Column, codebook: Codebook) -> set[str]:
    """The texts that ``column`` reads as an answer (or a missing or don't-know marker)."""
    if not texts:
        return set()
    conv = convert_column(pd.Series(texts, dtype="str"), column, codebook)
    return {t for t, bad in zip(texts, conv.invalid.tolist(), strict=True) if not bad}


def resolve_column(cells: pd.Series, path: Path, header: str, column: Column | None,
                   codebook: Codebook, *, recodes: dict[str, str] | None = None,
                   labels: dict[str, str] | None = None,
                   user_missing: frozenset[str] = frozenset()) -> pd.Series:
    """One column's cells as the codebook reads them: recoded, labels applied.

    Parameters
    ----------
    cells
        Text cells as read, indexed by spreadsheet row number.
    header
        The column's header as written (for messages).
    column
        The codebook's column, or None for a column the codebook does not know (its labelled
        values are read as their labels, its recodes applied).
    recodes, labels, user_missing
        ``columns.yaml`` recodes of the column; SPSS value labels and user-missing values.

    Raises
    ------
    InputError
        A cell with recodes or a value label that maps to no answer of the column.
    """
    labels = labels or {}
    dont_know = {d.lower() for d in codebook.dont_know_values}
    distinct = [v for v in pd.unique(cells) if v != ""]
    candidates = sorted({labels[v] for v in distinct if v in labels} | set(distinct))
    ok = set(candidates) if column is None else _accepted(candidates, column, codebook)
    out: dict[str, str] = {}
    for v in distinct:
        label = labels.get(v)
        keys = [k.strip().lower() for k in (v, label) if k is not None]
        mapped = next((recodes[k] for k in keys if recodes and k in recodes), None)
        if mapped is not None:
            out[v] = mapped
        elif v in user_missing:
            out[v] = label if label and label.strip().lower() in dont_know else ""
        elif label is not None and (label in ok or v not in ok):
            out[v] = label
        else:
            out[v] = v
    if column is not None and (recodes or labels):
        final = sorted(set(out.values()))
        good = _accepted(final, column, codebook)
        bad = [v for v in distinct if out[v] not in good]
        if bad:
            rows = cells[cells.isin(bad)].index
            first = str(cells[rows[0]])
            label = f" (label '{shown(labels[first])}')" if first in labels else ""
            raise InputError(
                path, f"answer '{shown(first)}'{label} has no mapping to an answer of "
                      f"{column.name}: add it under 'values:' in columns.yaml",
                row=int(rows[0]), column=shown(header), more=len(rows) - 1)
    return cells.map(lambda v: out.get(v, v)).astype("str")
