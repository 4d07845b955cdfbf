"""The linear structure of each published table: which counts add up to which margins.

One :class:`TableSpec` per published table with margins (:data:`SPECS`, by table name),
used twice: by :func:`protect_table` when a notebook saves the table (true values,
complementary suppression) and by :mod:`pipeline.analyse.disclosure.audit` when a built
site is checked (published values only, the attacker's view). A table with no spec has no
margin a withheld cell could be subtracted from (or publishes no count).

Margins are assumed PUBLISHED even when the table itself does not show them (the size
classes' totals of the mapped companies, the network's size): a margin is a figure some
page may print, and protection must hold against it. The wave totals the index shows
(companies mapped, in and outside the network, companies surveyed) come from
:func:`wave_totals`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.analyse.disclosure.linear import Equation, System
from pipeline.analyse.disclosure.secondary import complementary_cells


@dataclass(frozen=True)
class Partition:
    """Rows whose counts are the parts of one margin each.

    Attributes
    ----------
    over
        Column whose values are the parts (size class, municipality, group).
    within
        Columns fixed within one margin (one margin per combination).
    total
        The margin: ``"sum"`` (the parts' sum, assumed published), ``"row:<col>=<value>"``
        (the row of the same ``within`` whose ``col`` is ``value``, e.g. ``group_var=all``),
        ``"column:<col>"`` (that column's value on the parts' rows) or
        ``"known:<name>"`` (a wave total of :func:`wave_totals`; ``{col}`` in the name is
        replaced by that ``within`` column's value).
    """

    over: str
    within: tuple[str, ...] = ()
    total: str = "sum"


@dataclass(frozen=True)
class TableSpec:
    """How a published table is protected.

    Attributes
    ----------
    count
        The column of counts the margins add up.
    key
        Columns identifying one cell; rows sharing a key share the cell (the group size
        repeated on each status row).
    partitions
        The table's margins.
    blank
        Columns withheld with a complementary cell; ``None``: every numeric column (an
        unweighted share would give the count back).
    keep_zero
        Zeros are published, so an attacker knows a withheld cell is at least 1.
    """

    count: str
    key: tuple[str, ...]
    partitions: tuple[Partition, ...]
    blank: tuple[str, ...] | None = None
    keep_zero: bool = False


_ESTIMATE_COUNTS = ("n", "df")


def _groups(*within: str) -> Partition:
    return Partition(over="group", within=(*within, "group_var"), total="row:group_var=all")


#: The published tables with margins (name of the CSV without ``.csv``).
SPECS: dict[str, TableSpec] = {
    "companies_by_size": TableSpec(
        count="n", key=("size_class", "in_network"), keep_zero=True,
        # the size classes' totals of all mapped companies are published nowhere; were
        # they, a second partition over in_network within size_class would say so
        partitions=(Partition(over="size_class", within=("in_network",),
                              total="known:companies_in_network_{in_network}"),)),
    "companies_by_sector": TableSpec(
        count="n", key=("ateco_section",), keep_zero=True,
        partitions=(Partition(over="ateco_section", total="known:companies_mapped"),)),
    "companies_by_municipality": TableSpec(
        count="n", key=("municipality",), keep_zero=True,
        partitions=(Partition(over="municipality", total="known:companies_mapped"),)),
    "maturity_classes": TableSpec(
        count="n_companies", key=("maturity_class",), keep_zero=True,
        partitions=(Partition(over="maturity_class", total="known:companies_surveyed"),),
        blank=("n_companies", "share")),  # a class's bounds are public
    # worker estimates: a group's size is withheld with its counts; the estimate is
    # weighted and does not give the count back
    "needs": TableSpec(count="n", key=("measure", "group_var", "group"),
                       partitions=(_groups("measure"),), blank=_ESTIMATE_COUNTS),
    "unmet_need": TableSpec(count="n", key=("measure", "group_var", "group"),
                            partitions=(_groups("measure"),), blank=_ESTIMATE_COUNTS),
    "work_life_balance": TableSpec(count="n", key=("indicator", "group_var", "group"),
                                   partitions=(_groups("indicator"),), blank=_ESTIMATE_COUNTS),
    "needs_distribution": TableSpec(
        count="count", key=("measure", "category"),
        partitions=(Partition(over="category", within=("measure",), total="column:n"),),
        blank=("estimate", "se", "ci_low", "ci_high", "count")),
    # company shares are unweighted: share x size gives the count, the whole row goes
    "measures_adoption": TableSpec(count="n", key=("measure", "group_var", "group"),
                                   partitions=(_groups("measure"),)),
    "measures_areas": TableSpec(count="n", key=("welfare_area", "group_var", "group"),
                                partitions=(_groups("welfare_area"),)),
    "measures_by_size": TableSpec(count="n", key=("group_var", "group"),
                                  partitions=(_groups(),)),
}


def wave_totals(tables: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """The wave's totals the reports print (index tiles, captions): margins of many tables.

    Parameters
    ----------
    tables
        The processed wave's typed tables (``companies``, ``company_survey``).

    Returns
    -------
    dict
        ``companies_mapped``, ``companies_in_network_True`` / ``_False`` and
        ``companies_surveyed`` (counts of companies), those the tables allow.
    """
    out: dict[str, float] = {}
    companies = tables.get("companies")
    if companies is not None:
        out["companies_mapped"] = float(len(companies))
        if "in_network" in companies.columns:
            inside = companies["in_network"].fillna(False).astype(bool)
            out["companies_in_network_True"] = float(inside.sum())
            out["companies_in_network_False"] = float((~inside).sum())
    survey = tables.get("company_survey")
    if survey is not None:
        ids = survey["company_id"] if "company_id" in survey.columns else survey.index
        out["companies_surveyed"] = float(pd.Series(ids).nunique())
    return out


def _key_text(values: tuple) -> str:
    return "|".join("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                    for v in values)


def cell_keys(table: pd.DataFrame, spec: TableSpec) -> pd.Series:
    """Each row's cell key (``<col>=<value>|...`` of the spec's key columns)."""
    cols = [c for c in spec.key if c in table.columns]
    return pd.Series([_key_text(tuple(r)) for r in table[cols].itertuples(index=False)],
                     index=table.index, dtype="object")


def build_system(table: pd.DataFrame, spec: TableSpec, *,
                 totals: Mapping[str, float] | None = None, true_values: bool) -> tuple[
                     System, pd.Series]:
    """The table as a linear system, and the row -> cell key map.

    Parameters
    ----------
    table
        The table (true counts when ``true_values``, else as published: NaN withheld).
    totals
        Wave totals (:func:`wave_totals`) for ``known:`` margins.
    true_values
        Protecting (margins of kind ``sum`` are the parts' true sum, known to everyone)
        or auditing (such a margin is unknown unless some table publishes it).
    """
    keys = cell_keys(table, spec)
    counts = pd.to_numeric(table[spec.count], errors="coerce").astype("float64")
    values = dict(zip(keys, counts, strict=True))
    equations: list[Equation] = []
    lower: dict[str, float] = {}
    for p_index, part in enumerate(spec.partitions):
        for eq, extra in _equations(table, keys, counts, part, p_index, totals or {},
                                    true_values):
            equations.append(eq)
            values.update(extra)
    if spec.keep_zero:
        lower = {k: 1.0 for k in set(keys)}
    # a residual (rows the table does not show: missing values, other groups) is never published
    hidden = {k for k, v in values.items() if math.isnan(v) or k.startswith("residual")}
    system = System(values=values, equations=equations, withheld=hidden, lower=lower)
    return system, keys


def _equations(table: pd.DataFrame, keys: pd.Series, counts: pd.Series, part: Partition,
               p_index: int, totals: Mapping[str, float], true_values: bool):
    """The equations of one partition: ``(Equation, {new key: value})`` per margin."""
    kind, _, arg = part.total.partition(":")
    within = [c for c in part.within if c in table.columns]
    margin_col, margin_value = arg.split("=", 1) if kind == "row" else (None, None)
    parts_rows = table if margin_col is None else table[table[margin_col].astype(str)
                                                        != margin_value]
    grouped = parts_rows.groupby(within, sort=False, dropna=False) if within else [((), parts_rows)]
    for fixed, rows in grouped:
        fixed = fixed if isinstance(fixed, tuple) else (fixed,)
        cells = tuple(dict.fromkeys(keys[rows.index]))
        label = f"margin{p_index}|{_key_text(fixed)}"
        extra: dict[str, float] = {}
        if kind == "row":
            others = {c: v for c, v in zip(within, fixed, strict=True) if c != margin_col}
            sel = table[margin_col].astype(str) == margin_value
            for c, v in others.items():
                sel &= table[c].astype(str) == str(v)
            if not sel.any():
                continue
            total: str | float = keys[sel[sel].index[0]]
        elif kind == "column":
            vals = pd.to_numeric(rows[arg], errors="coerce").dropna()
            if vals.empty:
                continue
            total = float(vals.iloc[0])
        elif kind == "known":
            name = arg.format(**dict(zip(within, map(str, fixed), strict=True)))
            if name in totals:
                total = float(totals[name])
            elif true_values:
                total = _true_sum(keys, counts, rows)
            else:
                total, extra[label] = label, math.nan
        else:  # the parts' sum, published somewhere
            if true_values:
                total = _true_sum(keys, counts, rows)
            else:
                total, extra[label] = label, math.nan
        # The rows a margin covers but the table does not show (missing values, groups not
        # published) form a residual part: unknown to the attacker when it is not zero.
        # When it is zero the attacker may well assume so: no residual then.
        residual = f"residual{p_index}|{_key_text(fixed)}"
        if kind == "sum":
            residuals: tuple[str, ...] = ()
        elif true_values:
            total_value = float(total) if not isinstance(total, str) else float(
                counts[keys == total].iloc[0])
            left = total_value - _true_sum(keys, counts, rows)
            if left < 0:  # parts overlap (multi-answer): no equation holds
                continue
            residuals = (residual,) if left > 0 else ()
            extra.update({residual: left} if left > 0 else {})
        else:
            residuals = (residual,)
            extra[residual] = math.nan
        yield Equation(cells=(*cells, *residuals), total=total), extra


def _true_sum(keys: pd.Series, counts: pd.Series, rows: pd.DataFrame) -> float:
    seen = {}
    for k, v in zip(keys[rows.index], counts[rows.index], strict=True):
        seen.setdefault(k, v)
    return float(np.nansum(list(seen.values())))


def _blank_columns(table: pd.DataFrame, spec: TableSpec) -> list[str]:
    """The columns a withheld cell blanks (never its identifying columns)."""
    if spec.blank is not None:
        return [c for c in spec.blank if c in table.columns]
    fixed = {*spec.key, *(c for p in spec.partitions for c in (p.over, *p.within))}
    return [c for c in table.select_dtypes(["number", "boolean"]).columns
            if c not in fixed and c != "suppressed" and table[c].dtype != bool]


def protect_table(name: str, published: pd.DataFrame, true_table: pd.DataFrame, *,
                  min_cell: int, totals: Mapping[str, float] | None = None,
                  protection: float | None = None) -> pd.DataFrame:
    """``published`` with the complementary cells its margins require withheld too.

    Parameters
    ----------
    name
        The table's name (:data:`SPECS`); a table with no spec is returned as it is.
    published
        The table after primary suppression (:func:`~pipeline.analyse.disclosure.cells.
        suppress_small_cells`): rows flagged ``suppressed`` are the primary cells.
    true_table
        The same rows before any suppression (true counts).
    min_cell
        Smallest count that may be published; a count of the spec's column between 1 and
        ``min_cell - 1`` is withheld too (primary), whatever column the primary rule read.
    totals
        :func:`wave_totals` (margins known from the index).
    protection
        Width the interval of every withheld cell must keep (default ``min_cell``).

    Returns
    -------
    pandas.DataFrame
        A copy; each withheld row has its spec's columns missing and ``suppressed`` true.
    """
    spec = SPECS.get(name)
    if spec is None or spec.count not in published.columns \
            or not set(spec.key) <= set(published.columns):
        return published
    system, keys = build_system(true_table, spec, totals=totals, true_values=True)
    counts = pd.to_numeric(true_table[spec.count], errors="coerce")
    flagged = (published["suppressed"].fillna(False).astype(bool)
               if "suppressed" in published.columns
               else pd.Series(False, index=published.index))
    primary = set(keys[flagged | ((counts > 0) & (counts < min_cell)).fillna(False)])
    system.withheld |= primary
    extra = complementary_cells(system, min_cell=min_cell,
                                protection=float(protection or min_cell), where=name)
    rows = keys.isin(primary | extra).to_numpy() & ~flagged.to_numpy()
    out = published.copy()
    if "suppressed" not in out.columns:
        out["suppressed"] = False
    if rows.any():
        for col in _blank_columns(out, spec):
            if pd.api.types.is_integer_dtype(out[col].dtype):
                out[col] = out[col].astype("Int64")
            elif not pd.api.types.is_float_dtype(out[col].dtype):
                continue
            out.loc[rows, col] = pd.NA if out[col].dtype == "Int64" else np.nan
        out.loc[rows, "suppressed"] = True
    return out
