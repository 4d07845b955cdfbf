"""Multiple-testing corrections over a family of p-values: Holm and Benjamini-Hochberg.

Who computes what: the two step-up/step-down formulas are a few lines of numpy, written
here so that missing p-values are handled as R's ``p.adjust`` handles them (left missing and
not counted in the family size), which ``statsmodels.stats.multitest.multipletests``
does not do (it refuses NaN). ``tests/analyse/stats/test_multiple.py`` checks them against both
R's ``p.adjust`` and statsmodels.

- ``"holm"`` (Holm 1979) controls the family-wise error rate under any dependence.
- ``"fdr_bh"`` (Benjamini & Hochberg 1995) controls the false discovery rate for
  independent or positively dependent tests; use it for screening many measures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ALPHA", "adjust_pvalues"]

#: The one significance level of the reports: a difference is called significant only when
#: its multiplicity-adjusted p-value, from a method whose size was measured for the design
#: (``benchmarks/bench_calibration.py``), is below it.
ALPHA = 0.05

METHODS = {"holm": "Holm (FWER)", "fdr_bh": "Benjamini-Hochberg (FDR)"}
_ALIASES = {"holm": "holm", "bh": "fdr_bh", "fdr_bh": "fdr_bh", "fdr": "fdr_bh"}


def _adjust(p: np.ndarray, method: str) -> np.ndarray:
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = len(q)
    if m == 0:
        return out
    order = np.argsort(q, kind="stable")
    ranks = np.arange(1, m + 1)
    if method == "holm":
        adj = np.maximum.accumulate((m - ranks + 1) * q[order])
    else:
        adj = np.minimum.accumulate((m / ranks * q[order])[::-1])[::-1]
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def adjust_pvalues(
    p: pd.Series | pd.DataFrame | np.ndarray | list,
    method: str = "holm",
    *,
    alpha: float = ALPHA,
    column: str = "p_value",
) -> pd.DataFrame:
    """Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    p : pandas.Series, pandas.DataFrame, numpy.ndarray or list
        The family of p-values (0-1). NaN stays NaN and is not counted in the family
        size, as in R's ``p.adjust``. A DataFrame (e.g. the rows of one table of tests
        from this package) is returned with columns added; its p-values are in ``column``.
    method : {"holm", "fdr_bh"}
        ``"holm"``: Holm's step-down (family-wise error rate). ``"fdr_bh"`` (alias
        ``"BH"``): Benjamini-Hochberg step-up (false discovery rate).
    alpha : float
        Level at which ``reject`` is decided (on the adjusted p-values).
    column : str
        Column of the p-values when ``p`` is a DataFrame.

    Returns
    -------
    pandas.DataFrame
        Same index as the input. For a DataFrame: a copy with ``p_adjusted``,
        ``reject`` and ``p_adjust_method`` added. Otherwise columns ``p_value``,
        ``p_adjusted``, ``reject`` (bool; False where p is NaN), ``n`` (size of the
        family: the non-missing p-values) and ``method``.

    Raises
    ------
    ValueError
        Unknown method, or p-values outside 0-1.
    """
    key = _ALIASES.get(method.lower())
    if key is None:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    if isinstance(p, pd.DataFrame):
        values = p[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    else:
        s = p if isinstance(p, pd.Series) else pd.Series(np.asarray(p, dtype=float))
        values = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if ((values < 0) | (values > 1)).any():
        raise ValueError("p-values must lie in 0-1")
    adj = _adjust(values, key)
    reject = np.nan_to_num(adj, nan=np.inf) <= alpha
    if isinstance(p, pd.DataFrame):
        out = p.copy()
        out["p_adjusted"] = adj
        out["reject"] = reject
        out["p_adjust_method"] = METHODS[key]
        return out
    index = p.index if isinstance(p, pd.Series) else pd.RangeIndex(len(values))
    return pd.DataFrame(
        {
            "p_value": values,
            "p_adjusted": adj,
            "reject": reject,
            "n": int((~np.isnan(values)).sum()),
            "method": METHODS[key],
        },
        index=index,
    )
