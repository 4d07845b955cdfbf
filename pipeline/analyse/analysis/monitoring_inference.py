"""Monitoring, the tests: one calibrated test per change, Holm per family, clear changes.

Shared by the worker and the company comparisons of
:mod:`pipeline.analyse.analysis.monitoring` (the method is described there): the
calibrated test of one coefficient (:func:`calibrated_fit`), Holm's correction of a family
(:func:`holm_family`), the rule that says a change is clear, and which way it goes
(:func:`flag_changes`), and how many valid tests a table holds (:func:`count_tests`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.analyse.stats import (
    ALPHA,
    adjust_pvalues,
    permutation_test,
    wild_cluster_bootstrap,
)

__all__ = [
    "ALPHA",
    "CLUSTER_WORDS",
    "FIT_COLUMNS",
    "TEST_COLUMNS",
    "calibrated_fit",
    "count_tests",
    "flag_changes",
    "holm_family",
    "plural",
    "weighted_mean",
]

#: The columns of one fitted coefficient (:func:`calibrated_fit`).
FIT_COLUMNS = ("estimate", "se", "statistic", "df", "p_value", "ci_low", "ci_high")
#: The columns of its test, blanked when no test is valid.
TEST_COLUMNS = ("statistic", "df", "p_value")
#: How the comparisons between waves count a company, in the ``method`` column.
CLUSTER_WORDS = "a company surveyed in both waves is one cluster"


def calibrated_fit(data: pd.DataFrame, outcome: str, term: str, *, weights: str | None,
                   fixed_effects: str | None, level: float,
                   treatment: str | None = None) -> tuple[dict[str, float], str, float]:
    """The calibrated test of one coefficient, NaN when it cannot be estimated.

    ``treatment`` None: ``term`` varies within companies (the wave), tested by the wild
    cluster restricted bootstrap by company (:func:`pipeline.analyse.stats.wild_cluster_bootstrap`).
    ``treatment`` given: a company-level 0/1 column, the regressor is ``treatment x term``
    (a difference in differences), tested by randomisation over companies
    (:func:`pipeline.analyse.stats.permutation_test`); ``assignments`` is how many ways the
    treated companies could be chosen. ``statistic`` is the studentised coefficient;
    ``df`` is NaN (no t reference distribution is used).

    Returns the values of :data:`FIT_COLUMNS`, the test in words ("" when none ran) and
    the number of ways to choose the treated companies (NaN for the bootstrap).
    """
    na = (dict.fromkeys(FIT_COLUMNS, np.nan), "", np.nan)
    try:
        if treatment is None:
            res = wild_cluster_bootstrap(data, outcome, term, cluster="company_id",
                                         weights=weights, fixed_effects=fixed_effects,
                                         level=level)
        else:
            res = permutation_test(data, outcome, treatment, interact=term,
                                   cluster="company_id", weights=weights,
                                   fixed_effects=fixed_effects, level=level)
    except (ValueError, np.linalg.LinAlgError):
        return na
    r = res.iloc[0]
    se = float(r["se"])
    out = {"estimate": float(r["estimate"]), "se": se,
           "statistic": float(r["estimate"]) / se if se > 0 else np.nan, "df": np.nan,
           "p_value": float(r["p_value"]), "ci_low": float(r["ci_low"]),
           "ci_high": float(r["ci_high"])}
    if not (np.isfinite(se) and se > 0):
        out.update(dict.fromkeys(("statistic", "p_value", "ci_low", "ci_high"), np.nan))
    return out, str(r["method"]), float(r.get("assignments", np.nan))


def weighted_mean(d: pd.DataFrame, outcome: str) -> float:
    """The ``weight``-weighted mean of ``outcome`` over the rows of ``d`` (NaN if none)."""
    w = d["weight"].to_numpy(dtype=float)
    return float(np.sum(w * d[outcome].to_numpy(dtype=float)) / w.sum()) if len(d) else np.nan


def holm_family(p: pd.Series, family: str) -> tuple[np.ndarray, str]:
    """Holm-adjusted p-values of one family and the correction in words.

    Parameters
    ----------
    p
        Raw p-values of the family; NaN (no valid test) stays NaN and is not counted.
    family
        What the family is, in words (``"6 indicators x 2 scopes"``).

    Returns
    -------
    p_adjusted : numpy.ndarray
        Holm's step-down adjusted p-values, same order.
    adjustment : str
        E.g. ``"Holm, 12 tests (6 indicators x 2 scopes)"``.
    """
    values = p.astype("float64").to_numpy()
    m = int(np.isfinite(values).sum())
    adj = adjust_pvalues(values, "holm")["p_adjusted"].to_numpy(dtype=float)
    if m == 0:
        return adj, f"no valid test ({family})"
    missing = len(values) - m
    words = f"Holm, {m} test{'s' if m != 1 else ''} ({family}"
    return adj, words + (f"; {missing} without a valid test)" if missing else ")")


def flag_changes(out: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """What counts as a clear improvement, and as a clear worsening.

    A change is clear when its Holm-adjusted p-value is below ``alpha``; it is an
    improvement when it goes the indicator's better way, a worsening when it goes the
    other way. A change without a valid test (NaN adjusted p-value) or of zero is neither.

    Parameters
    ----------
    out
        A table of changes with ``estimate`` (current minus previous, any unit),
        ``better`` (+1: up is better, -1: down is better) and ``p_adjusted``.
    alpha
        The significance level, default :data:`pipeline.analyse.stats.ALPHA` (0.05).

    Returns
    -------
    pandas.DataFrame
        ``out`` itself with the boolean columns ``improved`` and ``worse`` set.
    """
    adj = out["p_adjusted"].astype("float64")
    clear = adj.notna() & (adj < alpha)
    sign = np.sign(out["estimate"].astype("float64"))
    better = out["better"].astype("float64")
    out["improved"] = (clear & (sign == better)).astype(bool)
    out["worse"] = (clear & (sign == -better)).astype(bool)
    return out


def count_tests(table: pd.DataFrame, comparison: str | None = None) -> int:
    """How many valid tests a table of changes holds (rows with a p-value).

    Parameters
    ----------
    table
        A table of changes with ``p_value`` (NaN: no valid test, withheld, or a
        descriptive row) and, when ``comparison`` is given, ``comparison``.
    comparison
        Count only the rows of this comparison (``"previous"``, ``"first"``,
        ``"difference"``); ``None``: every row.

    Returns
    -------
    int
        The number of tests of the table's Holm family, as its captions state it.
    """
    rows = table if comparison is None else table[table["comparison"] == comparison]
    return int(rows["p_value"].notna().sum())


def plural(k: int, word: str) -> str:
    """``"1 indicator"``, ``"6 indicators"``."""
    return f"{k} {word}{'' if k == 1 else 's'}"
