"""Context analysis: the territorial mapping of companies (sector, size, municipality)."""

from __future__ import annotations

import pandas as pd

OTHER = "__other__"


def count_by(
    df: pd.DataFrame,
    by: str | list[str],
    *,
    min_cell: int = 5,
    collapse: bool = True,
) -> pd.DataFrame:
    """Count rows by one or more columns, with shares, small groups suppressed or pooled.

    Parameters
    ----------
    df
        One row per unit (company, worker).
    by
        Column(s) to group by; missing values form no group.
    min_cell
        Groups with fewer rows than this are pooled into one ``__other__`` group when
        ``collapse`` is true (single ``by`` only), else their count is suppressed (NA).
    collapse
        Pool small groups instead of suppressing them.

    Returns
    -------
    pandas.DataFrame
        Columns ``by``..., ``n`` (rows, Int64; NA when suppressed) and ``share`` (0-1 of
        all counted rows), sorted by ``n`` descending with the pooled group last.
    """
    keys = [by] if isinstance(by, str) else list(by)
    counts = df.groupby(keys, dropna=True, observed=True).size().rename("n").reset_index()
    total = counts["n"].sum()
    small = counts["n"] < min_cell
    if collapse and len(keys) == 1 and small.any():
        pooled = pd.DataFrame({keys[0]: [OTHER], "n": [counts.loc[small, "n"].sum()]})
        counts = pd.concat([counts.loc[~small], pooled], ignore_index=True)
        small = counts["n"] < min_cell
    counts["n"] = counts["n"].astype("Int64").mask(small)
    counts["share"] = (counts["n"].astype("Float64") / total).astype("float64")
    last = counts[keys[0]].eq(OTHER)
    counts = pd.concat([counts.loc[~last].sort_values("n", ascending=False, kind="stable"),
                        counts.loc[last]], ignore_index=True)
    return counts


def headline_counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """The wave at a glance: companies, employees, network, surveyed, workers, municipalities."""
    companies = tables["companies"]
    return {
        "n_companies": len(companies),
        "n_employees": int(companies["n_employees"].sum()),
        "n_municipalities": int(companies["municipality"].nunique()),
        "n_network": int(companies["in_network"].fillna(False).sum()),
        "n_surveyed": len(tables["company_survey"]),
        "n_workers": len(tables["worker_survey"]),
    }
