"""KoboToolbox/ODK exports: group prefixes, ``select_multiple`` columns, meta columns.

An export is taken as KoboToolbox/ODK's when a header holds its meta columns (``_uuid``,
``_submission_time``, ``_id``, ``_index``, ``meta/instanceID``, ``formhub/uuid``,
``__version__``) or a group path (``needs/need_imp_FLEX_HOURS``). Then:

- a header whose full path is no column (nor a ``columns.yaml`` header) is read under the
  shortest tail of its path that is: ``needs/need_imp_FLEX_HOURS`` and
  ``needs-need_imp_FLEX_HOURS`` (group separator ``/`` or ``-``) are ``need_imp_FLEX_HOURS``;
- a ``select_multiple`` is read as one column of choices separated by spaces (Kobo's
  default), or from its split columns ``<question>/<choice>`` holding 1 (chosen) or 0;
  when both are exported the single column is read and the split ones are dropped;
- meta columns (those above, ``_``-prefixed ones, ``start``, ``end``, ``today``,
  ``deviceid``, ``username``, ...) are dropped: they are not answers, and some identify
  the interviewer or the device.

Only "XML values" exports are meant (choice names as answers); label exports read as far
as their labels are the codebook's Italian labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest.limits import shown
from pipeline.ingest.readers import RawTable

#: Meta columns of a KoboToolbox/ODK export that mark one (lower case).
MARKERS = frozenset({"_uuid", "_submission_time", "_id", "_index", "meta/instanceid",
                     "formhub/uuid", "__version__", "_validation_status"})
#: Metadata questions of an XLSForm, dropped with the ``_`` columns (lower case).
META_NAMES = frozenset({"start", "end", "today", "deviceid", "username", "simserial",
                        "subscriberid", "phonenumber", "audit", "start-geopoint",
                        "background-audio", "email", "instanceid", "instancename"})
#: Group separators Kobo writes (its export setting "group separator").
SEPARATORS = ("/", "-")
_CHOSEN = {"1": True, "0": False, "": None, "true": True, "false": False}


def is_kobo(headers: list[str]) -> bool:
    """True when the headers are a KoboToolbox/ODK export's (meta columns or group paths)."""
    lowered = [h.strip().lower() for h in headers]
    return any(h in MARKERS for h in lowered) or any("/" in h for h in lowered)


def is_meta(header: str) -> bool:
    """A meta column of a KoboToolbox/ODK export (dropped on reading)."""
    h = header.strip().lower()
    return (h.startswith("_") or h in META_NAMES
            or any(h.startswith(f"{g}{s}") for g in ("meta", "formhub") for s in SEPARATORS))


def _tail(header: str, resolve: Callable[[str], str | None]) -> tuple[str, str] | None:
    """``(tail, column)``: the shortest path tail of ``header`` naming a column."""
    for sep in SEPARATORS:
        parts = header.strip().split(sep)
        for i in range(len(parts) - 1, 0, -1):
            tail = sep.join(parts[i:])
            column = resolve(tail)
            if column is not None:
                return tail, column
    return None


@dataclass
class KoboLayout:
    """How an export's headers are read: kept or renamed, dropped, or split choices."""

    rename: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    #: multi column -> [(header, choice)] of its split 0/1 columns
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def layout(raw: RawTable, resolve: Callable[[str], str | None],
           is_multi: Callable[[str], bool]) -> KoboLayout:
    """Read the headers of a KoboToolbox/ODK export (see the module docstring).

    ``resolve`` gives the column a header names (after ``columns.yaml``) or None;
    ``is_multi`` says whether a column is a ``multi`` column of the codebook.

    Raises
    ------
    InputError
        Two headers naming one column.
    """
    out = KoboLayout()
    named: dict[str, str] = {}
    for header in raw.headers:
        column = resolve(header)
        new = header
        if column is None:
            found = _tail(header, resolve)
            if found is not None:
                new, column = found
            elif is_meta(header):
                out.dropped.append(header)
                continue
            else:
                for sep in SEPARATORS:
                    question, _, choice = header.strip().rpartition(sep)
                    found = _tail(f"x{sep}{question}", resolve) if question else None
                    if found is not None and is_multi(found[1]) and choice:
                        out.choices.setdefault(found[1], []).append((header, choice))
                        break
                continue
        if column in named:
            raise InputError(raw.path, f"headers '{shown(named[column])}' and "
                                       f"'{shown(header.strip())}' both name column "
                                       f"'{shown(column)}'", row=1, column=shown(column))
        named[column] = header.strip()
        out.rename[header] = new
    for column in list(out.choices):
        if column in named:  # the single column is exported too: read it
            out.dropped += [h for h, _ in out.choices.pop(column)]
    return out


def join_choices(raw: RawTable, choices: list[tuple[str, str]],
                 recode: Callable[[str], str], ticks: dict[str, bool | None] | None = None,
                 expected: str = "1 or 0") -> pd.Series:
    """One ``|``-separated cell per row from split 0/1 choice columns (none chosen:
    missing). ``recode`` turns a choice name into the answer the codebook reads; ``ticks``
    reads a cell (lower case) as chosen, not chosen or not answered (default 1, 0, empty).

    Raises
    ------
    InputError
        A cell that is neither 1 nor 0 (nor empty).
    """
    picked = pd.Series("", index=raw.data.index, dtype="str")
    for header, choice in choices:
        cells = raw.data[header].str.strip().str.lower()
        ticks = ticks or _CHOSEN
        flags = cells.map(ticks)
        bad = cells[~cells.isin(list(ticks))]
        if len(bad):
            raise InputError(raw.path, f"'{shown(raw.data.at[bad.index[0], header])}' in a "
                                       f"column of a multiple-choice option: expected {expected}",
                             row=int(bad.index[0]), column=shown(header), more=len(bad) - 1)
        code = recode(choice)
        chosen = flags.fillna(False).astype(bool)
        picked = picked.where(~chosen, picked.where(picked == "", picked + "|") + code)
    return picked


def spaced_choices(cells: pd.Series) -> pd.Series:
    """A single ``select_multiple`` column: choices separated by spaces as ``|``
    (a cell already holding ``|`` is kept)."""
    return cells.map(lambda v: v if "|" in v else "|".join(v.split())).astype("str")
