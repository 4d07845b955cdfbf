"""Values of the data-quality gate as JSON holds them and as its messages write them."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from pipeline.ingest.limits import shown

__all__ = ["bare_text", "plain", "share_text", "value_text"]


def plain(value: Any) -> Any:
    """A JSON-friendly version of a value from pandas / numpy / great-expectations.

    Parameters
    ----------
    value
        Any value: missing ones (``None``, ``NaN``, ``pd.NA``, ``pd.NaT``), numpy scalars,
        dates, containers.

    Returns
    -------
    Any
        ``None``, ``bool``, ``int``, ``float``, ``str`` (dates in ISO), or lists and dicts
        of them; a float that is whole becomes an ``int``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return str(value)


def _written(value: Any, *, missing: str, quote: bool) -> str:
    """A value as a message writes it: ``missing`` for no value, text quoted if ``quote``,
    floats as short as they read (``2.5``, ``1e-05``)."""
    value = plain(value)
    if value is None:
        return missing
    if isinstance(value, str):
        value = shown(value)  # at most 80 characters, one line: a cell cannot flood the page
        return f"'{value}'" if quote else value
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def value_text(value: Any) -> str:
    """A value as messages show it: text quoted, numbers bare, missing as 'missing'.

    Parameters
    ----------
    value
        A failing value (pandas, numpy or plain Python).

    Returns
    -------
    str
        ``'C99'``, ``7``, ``2.5`` or ``missing``.
    """
    return _written(value, missing="missing", quote=True)


def bare_text(value: Any) -> str:
    """A bound or a count as messages show it: bare, empty when missing.

    Parameters
    ----------
    value
        A bound of a check (``max_value``) or a reported number.

    Returns
    -------
    str
        ``180``, ``1.5``, ``C`` or ``""``.
    """
    return _written(value, missing="", quote=False)


def share_text(share: float, lang: str) -> str:
    """A share as messages show it: at most one decimal, no trailing zero, `` %``.

    Parameters
    ----------
    share
        Between 0 and 1.
    lang
        ``"it"`` writes a decimal comma, anything else a point.

    Returns
    -------
    str
        ``12,5 %`` / ``12.5 %``, ``5 %``.
    """
    written = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{written.replace('.', ',') if lang == 'it' else written} %"
