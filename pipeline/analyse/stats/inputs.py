"""Input handling shared by the design-based estimators (internal).

What it holds: the helpers that turn a caller's variables into arrays aligned with a
:class:`~pipeline.analyse.stats.linearisation.SurveyDesign`'s rows. A variable is a pandas
Series with the design's row labels (any order: it is realigned) or an array of the
design's length; a domain is a boolean mask where NA counts as False; a grouping variable
becomes codes 0..G-1 with -1 for missing (a missing group is in no domain). Rows outside a
domain are never dropped: the estimators keep them in the design (see
:mod:`pipeline.analyse.stats.linearisation`).

Tests: ``tests/analyse/stats/test_design.py`` (misaligned and reordered inputs, non-numeric
values, all-NA variables and empty domains) and the input tests of ``test_regression.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.analyse.stats.linearisation import SurveyDesign


def _as_series(design: SurveyDesign, values, name: str) -> pd.Series:
    """Align a variable with the design's rows (same labels, any order) or check its length."""
    if isinstance(values, pd.Series):
        if values.index.equals(design.index):
            return values
        if len(values) == design.n and values.index.sort_values().equals(
            design.index.sort_values()
        ):
            return values.reindex(design.index)
        raise ValueError(f"{name}: index does not match the design's rows")
    arr = np.asarray(values)
    if arr.ndim != 1 or len(arr) != design.n:
        raise ValueError(f"{name}: expected {design.n} values, got shape {arr.shape}")
    return pd.Series(values, index=design.index)


def _to_float(s: pd.Series, name: str) -> np.ndarray:
    if isinstance(s.dtype, pd.CategoricalDtype):
        raise TypeError(f"{name}: expected numbers, got a categorical")
    try:
        return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name}: expected numbers or booleans") from err


def _domain_mask(design: SurveyDesign, domain) -> np.ndarray:
    if domain is None:
        return np.ones(design.n, dtype=bool)
    d = _as_series(design, domain, "domain")
    return d.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _group_codes(design: SurveyDesign, by) -> tuple[np.ndarray, pd.Index, str | None]:
    """Codes 0..G-1 of the levels of ``by`` (-1 for missing); ``None`` -> one group 'all'."""
    if by is None:
        return np.zeros(design.n, dtype=np.int64), pd.Index(["all"]), None
    s = _as_series(design, by, "by")
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy().astype(np.int64)
        levels = pd.Index(s.cat.categories)
    else:
        codes, levels = pd.factorize(s, sort=True)
        codes = codes.astype(np.int64)
    return codes, pd.Index(levels), (str(s.name) if s.name is not None else "by")

