"""Derived columns: size classes, scale scores and flags computed at ingestion.

Each function takes a typed table and returns a new one with the derived columns added;
their definitions are also written in the codebook (``derived:``), which documents them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.codebook import ACTIVE_STATUSES, Codebook

#: Upper bounds of the EU SME size classes (employees), and their labels.
SIZE_BINS = (0, 9, 49, 249, np.inf)
SIZE_LABELS = ("1-9", "10-49", "50-249", "250+")
#: A conflict score needs at least this many of its five items answered.
MIN_SCALE_ITEMS = 4


def scale_score(items: pd.DataFrame, *, min_valid: int) -> pd.Series:
    """Mean of the valid items of a scale, when at least ``min_valid`` items are valid.

    The one scale score of the project: ingestion derives ``wfc_score``/``fwc_score``
    with it, and ``pipeline.analyse.stats.likert`` exports it beside the other Likert tools
    (checked against R in ``tests/analyse/stats/test_likert.py``). It lives here so that
    ingesting a wave does not import the statistics package.

    Parameters
    ----------
    items : pandas.DataFrame
        One column per item (numeric, NA = missing), already keyed in the same direction.
    min_valid : int
        Minimum number of valid items (the codebook: 4 of the 5 wfc/fwc items).

    Returns
    -------
    pandas.Series
        float64, NaN where fewer than ``min_valid`` items are valid; same index as
        ``items``, in the unit of the items (e.g. 1-7).
    """
    if not 1 <= min_valid <= items.shape[1]:
        raise ValueError(f"min_valid must be between 1 and {items.shape[1]}")
    if any(isinstance(items[c].dtype, pd.CategoricalDtype) for c in items.columns):
        raise TypeError("scale_score: expected numbers, got a categorical")
    x = items.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    k = (~np.isnan(x)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(x, axis=1) / k
    return pd.Series(np.where(k >= min_valid, mean, np.nan), index=items.index, name="score")


def size_class(n_employees: pd.Series) -> pd.Series:
    """EU SME size class (``1-9``, ``10-49``, ``50-249``, ``250+``) of a headcount."""
    classes = pd.cut(n_employees.astype("float64"), bins=SIZE_BINS, labels=SIZE_LABELS)
    return classes.astype("str").where(n_employees.notna())


def derive_companies(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy(deep=False)  # copy-on-write: the new columns never touch df
    out["size_class"] = size_class(out["n_employees"])
    return out


def derive_company_survey(df: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    out = df.copy(deep=False)  # copy-on-write: the new columns never touch df
    area_of = codebook.area_of()
    measure_cols = [f"m_{m}" for m in codebook.measure_codes() if f"m_{m}" in out.columns]
    adoption = out[measure_cols]
    active = adoption.isin(ACTIVE_STATUSES)
    out["n_measures_asked"] = adoption.notna().sum(axis=1).astype("Int64")
    out["n_measures_active"] = active.sum(axis=1).astype("Int64")
    by_area = active.T.groupby([area_of[c[2:]] for c in measure_cols]).any().T
    out["n_areas_active"] = by_area.sum(axis=1).astype("Int64")
    return out


def derive_worker_survey(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy(deep=False)  # copy-on-write: the new columns never touch df
    out["wfc_score"] = scale_score(out[[f"wfc_{i}" for i in range(1, 6)]],
                                    min_valid=MIN_SCALE_ITEMS).rename(None)
    fwc = [f"fwc_{i}" for i in range(1, 6)]
    if all(c in out.columns for c in fwc):
        out["fwc_score"] = scale_score(out[fwc], min_valid=MIN_SCALE_ITEMS).rename(None)
    else:
        out["fwc_score"] = np.nan
    fit = out["wlb_fit"].astype("Float64")
    out["wlb_fit_score"] = (5 - fit).astype("float64")
    out["wlb_fit_good"] = (fit <= 2).astype("boolean")
    out["has_child_u14"] = (out["n_children_u14"] >= 1).astype("boolean")
    care = out["care_dependent_adult"]
    out["caregiver"] = care.isin(["yes_household", "yes_outside"]).astype("boolean").where(
        care.notna() & (care != "NR"))
    return out


def derive(table: str, df: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Add the derived columns of ``table`` (no-op for tables without any)."""
    if table == "companies":
        return derive_companies(df)
    if table == "company_survey":
        return derive_company_survey(df, codebook)
    if table == "worker_survey":
        return derive_worker_survey(df)
    return df
