"""Survey-tool exports read into the same text cells as the contract's CSV.

Between reading a file (:func:`pipeline.ingest.readers.read_table_file`) and typing it
(:func:`pipeline.ingest.load.convert_table`), :func:`adapt_export` turns what a survey tool
writes into what the contract allows:

- SPSS ``.sav`` (:mod:`.spss`): value labels and user-missing values resolved against the
  codebook (:mod:`.recode`);
- KoboToolbox/ODK exports (:mod:`.kobo`): group prefixes stripped, ``select_multiple``
  columns (spaced or split into 0/1 columns) joined with ``|``, meta columns dropped;
- LimeSurvey exports of a questionnaire made by ``welfare questionnaire``
  (:mod:`.limesurvey`): question codes, answer codes or full answer texts, ``N/A``,
  multiple-choice option columns;
- any file: the value recodes of ``columns.yaml`` (:mod:`.recode`).

A file that needs none of these (no labels, no Kobo headers, no recodes) is handed on
unchanged. Headers still go through the usual matching of
:func:`~pipeline.ingest.load.convert_table` (``columns.yaml`` renames, case and spaces).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pipeline.codebook import Codebook, Table
from pipeline.ingest.exports import kobo, limesurvey
from pipeline.ingest.exports.recode import Recodes, recodes_for, resolve_column
from pipeline.ingest.readers import RawTable, normalise_header


def header_resolver(table: Table, renames: dict[str, str]):
    """``header -> column of table`` (after ``columns.yaml`` renames), or None."""
    canonical = {name.lower(): name for name in table.columns}

    def resolve(header: str) -> str | None:
        target = renames.get(normalise_header(header), header.strip())
        return canonical.get(normalise_header(target))

    return resolve


def _recode_items(cells: pd.Series, recodes: dict[str, str] | None) -> pd.Series:
    """A ``multi`` column: each ``|``-separated item recoded."""
    if not recodes:
        return cells

    def one(v: str) -> str:
        items = [p.strip() for p in v.split("|") if p.strip()]
        return "|".join(recodes.get(p.lower(), p) for p in items)

    return cells.map(one).astype("str")


def adapt_export(raw: RawTable, table: Table, codebook: Codebook,
                 renames: dict[str, str] | None = None,
                 recodes: Recodes | None = None) -> RawTable:
    """``raw`` with survey-tool conventions turned into the contract's (module docstring).

    Raises
    ------
    InputError
        Two headers naming one column, an answer with no mapping, a bad choice cell.
    """
    renames, recodes = renames or {}, recodes or {}
    resolve = header_resolver(table, renames)
    ls = limesurvey.is_limesurvey(raw.headers, codebook, table.name)
    is_kobo = not ls and kobo.is_kobo(raw.headers)
    if not (recodes or raw.labels or raw.user_missing or is_kobo or ls):
        return raw
    data, numeric, headers = raw.data, raw.numeric, list(raw.headers)
    multi = {name for name, c in table.columns.items() if c.type == "multi"}
    joined: dict[str, pd.Series] = {}
    order: list[str] = []
    if ls:
        data = data.apply(limesurvey.not_shown)
        answers = limesurvey.answers_of(codebook, table.name)
        recodes = {**{c: a for c, a in answers.items() if c not in recodes}, **recodes}
    if is_kobo or ls:
        lay = (limesurvey.layout(raw, codebook, table.name) if ls
               else kobo.layout(raw, resolve, lambda c: c in multi))
        for column, choices in lay.choices.items():
            items = recodes_for(recodes, column) or {}
            joined[column] = kobo.join_choices(
                raw, choices, lambda c, m=items: m.get(c.lower(), c),
                limesurvey.TICKS if ls else None, "Y or empty" if ls else "1 or 0")
        first = {cs[0][0]: column for column, cs in lay.choices.items()}
        drop = set(lay.dropped) | {h for cs in lay.choices.values() for h, _ in cs}
        keep = [h for h in raw.headers if h not in drop]
        order = [first.get(h) or lay.rename[h] for h in raw.headers
                 if h in first or h not in drop]
        data = data[keep].set_axis([lay.rename[h] for h in keep], axis=1)
        if numeric is not None:
            numeric = numeric[keep].set_axis(list(data.columns), axis=1)
        headers = list(data.columns)
    columns: dict[str, pd.Series] = {}
    for header in headers:
        name = resolve(header)
        column = table.columns.get(name) if name else None
        cells = data[header]
        if column is not None and column.type == "multi":
            if is_kobo:
                cells = kobo.spaced_choices(cells)
            cells = _recode_items(cells, recodes_for(recodes, column.name))
        else:
            cells = resolve_column(
                cells, raw.path, header, column, codebook,
                recodes=recodes_for(recodes, name) if name else None,
                labels=raw.labels.get(header), user_missing=raw.user_missing.get(header,
                                                                                  frozenset()))
        columns[header] = cells
    if joined:
        columns.update(joined)
        headers = order
        if numeric is not None:
            numeric = numeric.assign(**{column: False for column in joined})
    out = pd.DataFrame(columns, index=data.index, dtype="str")[headers]
    if numeric is not None:
        # a labelled number read as its label is text, no longer a stored number
        same = pd.DataFrame({h: out[h] == data[h] if h in data else False for h in headers},
                            index=out.index)
        numeric = numeric[headers] & same
    return replace(raw, data=out, headers=headers, numeric=numeric, labels={},
                   user_missing={})
