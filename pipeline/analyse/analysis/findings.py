"""What a wave found, for the first lines of its site: the findings, from the published tables.

The index of a wave's site opens with a few findings a promoter, an HR manager or a
municipality reads and acts on (:func:`wave_findings`): the needs most workers have
(``top_needs``), who has them more than the others (``group_needs``), where a shared
service reaches a viable size and for how many workers (``viable_services``), what changed
since the previous wave (``changes``), how many workers say their hours fit
(``work_life_fit``) and, on a first wave, that it is the baseline (``first_wave``).

They are computed from the wave's *published* tables (``reports/<wave>/tables/*.csv``:
small cells already blanked, :func:`read_published`), so the index can never say more
than the sections show, and by the rules the sections use: a share is published when its
estimate is there, its row is not suppressed and it rests on at least ``min_cell``
answers; a gap between two groups is stated only when their 95 % intervals do not overlap
(the rule of :func:`pipeline.analyse.analysis.summary.summary_facts`); a service is viable
as :mod:`pipeline.analyse.analysis.network_viability` decides; a change is clear only when
the monitoring flags it (``improved`` / ``worse``: Holm-adjusted p-value below 0.05,
:func:`pipeline.analyse.analysis.monitoring_inference.flag_changes`), every other tested
change is "not distinguishable from chance". The main comparison between waves is the
monitoring's (:data:`pipeline.analyse.analysis.monitoring_findings.MAIN_SCOPE`: the
companies surveyed in both waves), else every respondent.

Each finding is a :class:`Finding`: its kind, the section that shows it (the notebook's
name) and the catalogue key of the heading it sits under there (the index links to it),
with its numbers as a small tidy table (one row per item, described by :data:`ITEMS`).
Labels and sentences are the renderer's (:mod:`pipeline.render.site.findings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.monitoring_findings import MAIN_SCOPE
from pipeline.analyse.analysis.needs import COMPARED_GROUPS
from pipeline.analyse.analysis.network_demand import ALL
from pipeline.analyse.published import read_table

__all__ = ["ITEMS", "KINDS", "TABLES", "TOP_NEEDS", "Finding", "read_published",
           "wave_findings"]

#: The kinds of finding, in the order the index shows them (most important first).
KINDS = ("top_needs", "group_needs", "viable_services", "changes", "work_life_fit",
         "first_wave")
#: How many needs the first finding names (more when several tie for the last place).
TOP_NEEDS = 3
#: The published tables the findings read (``tables/<name>.csv``).
TABLES = ("needs", "network_viability", "monitoring_changes", "monitoring_companies",
          "monitoring_flexibility", "monitoring_indicators", "work_life_balance")
#: Where each kind is shown: (section notebook, catalogue key of its heading there).
WHERE = {
    "top_needs": ("02_needs", "needs.importance"),
    "group_needs": ("02_needs", "needs.by_group"),
    "viable_services": ("04_network", "network.viability"),
    "changes": ("05_monitoring", "monitoring.workers"),
    "first_wave": ("05_monitoring", None),
    "work_life_fit": ("02_needs", "needs.balance"),
}
#: The columns of each kind's items (shares are 0-1, intervals are 95 %).
ITEMS = {
    "top_needs": ("rank", "measure", "estimate", "ci_low", "ci_high", "n"),
    "group_needs": ("group_var", "measure", "group_high", "estimate_high", "ci_low_high",
                    "ci_high_high", "n_high", "group_low", "estimate_low", "ci_low_low",
                    "ci_high_low", "n_low"),
    "viable_services": ("measure", "network_wide", "areas", "n_areas", "users", "users_low",
                        "users_high", "n_interested"),
    "changes": ("source", "indicator", "kind", "before", "after", "estimate", "ci_low",
                "ci_high", "p_adjusted", "tested", "direction", "n_companies",
                "reference_wave"),
    "first_wave": (),
    "work_life_fit": ("estimate", "ci_low", "ci_high", "n"),
}


@dataclass(frozen=True)
class Finding:
    """One finding of the wave.

    Attributes
    ----------
    kind
        One of :data:`KINDS`.
    section
        The section report that shows it: its notebook's name (``"02_needs"``).
    anchor
        The catalogue key of the section's heading it sits under (``"needs.by_group"``),
        or ``None``: the index links to that heading, else to the page.
    items
        Its numbers, one row per item, the columns of :data:`ITEMS` for ``kind``.
    """

    kind: str
    section: str
    anchor: str | None
    items: pd.DataFrame = field(repr=False)


def _finding(kind: str, rows: list[dict] | pd.DataFrame) -> Finding:
    section, anchor = WHERE[kind]
    items = pd.DataFrame(rows, columns=list(ITEMS[kind])).reset_index(drop=True)
    return Finding(kind, section, anchor, items)


def read_published(tables_dir: Path) -> dict[str, pd.DataFrame]:
    """The published tables of :data:`TABLES` found in ``tables_dir`` (missing ones left out).

    Parameters
    ----------
    tables_dir
        The site's ``tables/`` folder.

    Returns
    -------
    dict
        ``{name: table}`` as :func:`pipeline.analyse.published.read_table` reads them;
        a file pandas cannot read is left out like a missing one.
    """
    found = {}
    for name in TABLES:
        path = Path(tables_dir) / f"{name}.csv"
        if path.is_file():
            try:
                found[name] = read_table(path)
            except (ValueError, OSError):
                continue
    return found


# --- what may be said ---------------------------------------------------------------------------

def _flag(df: pd.DataFrame, column: str) -> pd.Series:
    """A boolean column as written to CSV (``True``/``False``, 1/0); missing is False."""
    if column not in df.columns:
        return pd.Series(False, index=df.index)
    values = df[column]
    if values.dtype == bool:
        return values
    return values.astype("string").str.lower().isin(["true", "1", "1.0"]).fillna(False)


def _published(df: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Rows with an estimate, not suppressed, resting on at least ``min_cell`` answers
    (when the table gives ``n``)."""
    estimate = pd.to_numeric(df["estimate"], errors="coerce")
    keep = estimate.notna() & ~_flag(df, "suppressed")
    if "n" in df.columns:
        keep &= pd.to_numeric(df["n"], errors="coerce").fillna(0) >= min_cell
    out = df[keep].copy()
    out["estimate"] = estimate[keep]
    for column in ("ci_low", "ci_high", "n"):  # an interval or a count not given: blank
        out[column] = (pd.to_numeric(out[column], errors="coerce") if column in out.columns
                       else np.nan)
    return out


def _has(tables: Mapping[str, pd.DataFrame], name: str, columns: set[str]) -> bool:
    return name in tables and columns <= set(tables[name].columns)


# --- the needs ----------------------------------------------------------------------------------

def _whole(share: pd.Series) -> pd.Series:
    """Shares as the index writes them: whole percentage points (ties are decided on these)."""
    return (share * 100).round().astype(int)


def top_needs(needs: pd.DataFrame, min_cell: int, top: int = TOP_NEEDS) -> pd.DataFrame:
    """The needs most workers rate as important, with their intervals.

    The ``top`` highest published shares of every worker (``group_var == "all"``), and any
    further need tied with the last of them; a tie is the same share in whole percentage
    points (how the index writes it), and tied needs share their ``rank`` (1 = the most
    felt). Highest first, then in the table's order.
    """
    rows = _published(needs[needs["group_var"].astype(str) == "all"], min_cell)
    if rows.empty:
        return rows.assign(rank=pd.Series(dtype=int))[list(ITEMS["top_needs"])]
    rows = rows.assign(whole=_whole(rows["estimate"])).sort_values(
        "whole", ascending=False, kind="stable")
    rows["rank"] = rows["whole"].rank(method="min", ascending=False).astype(int)
    last = rows["whole"].iloc[min(top, len(rows)) - 1]
    return rows[rows["whole"] >= last][list(ITEMS["top_needs"])]


def group_needs(needs: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Who has a need more than the others: one row per group comparison with a clear gap.

    For each comparison of :data:`pipeline.analyse.analysis.needs.COMPARED_GROUPS` the
    table publishes (women / men, parents of children under 14 / others, carers /
    others), the need whose share is higher in the first group than in the second by the
    widest margin among those whose 95 % intervals do not overlap. A comparison with a
    group withheld (suppressed or under ``min_cell`` answers) or without a clear gap gives
    no row.
    """
    rows = []
    for group_var, (high, low) in COMPARED_GROUPS.items():
        part = _published(needs[needs["group_var"].astype(str) == group_var], min_cell)
        part = part.assign(group=part["group"].astype(str))
        a = part[part["group"] == high].set_index("measure").add_suffix("_high")
        b = part[part["group"] == low].set_index("measure").add_suffix("_low")
        both = a.join(b, how="inner")
        if both.empty:
            continue
        clear = both["ci_low_high"] > both["ci_high_low"]
        gap = (both["estimate_high"] - both["estimate_low"])[clear]
        if gap.empty:
            continue
        m = gap.idxmax()
        r = both.loc[m]
        rows.append({"group_var": group_var, "measure": m, "group_high": high,
                     "estimate_high": r["estimate_high"], "ci_low_high": r["ci_low_high"],
                     "ci_high_high": r["ci_high_high"], "n_high": r["n_high"],
                     "group_low": low, "estimate_low": r["estimate_low"],
                     "ci_low_low": r["ci_low_low"], "ci_high_low": r["ci_high_low"],
                     "n_low": r["n_low"]})
    return pd.DataFrame(rows, columns=list(ITEMS["group_needs"]))


# --- shared services ----------------------------------------------------------------------------

def viable_services(viability: pd.DataFrame) -> pd.DataFrame:
    """The shared services that reach a viable size, where, and for how many workers.

    One row per service viable in at least one area (``network_wide`` False: ``areas``
    the tuple of those areas in the table's order, ``users`` the expected users summed
    over them, ``users_low`` / ``users_high`` the sums of the areas' interval ends, a
    conservative range, ``n_interested`` the interested companies summed), then one row
    per service viable only over the whole network (``network_wide`` True, the network's
    row). The services of most viable areas first, then of most users.
    """
    status = viability["status"].astype(str)
    area = viability["area"].astype(str)
    rows = []
    local = viability[(status == "viable") & (area != ALL)]
    for m, part in local.groupby("measure", sort=False):
        rows.append({"measure": m, "network_wide": False,
                     "areas": tuple(part["area"].astype(str)), "n_areas": len(part),
                     "users": part["users"].sum(), "users_low": part["users_low"].sum(),
                     "users_high": part["users_high"].sum(),
                     "n_interested": pd.to_numeric(part["n_interested"]).sum()})
    out = pd.DataFrame(rows, columns=list(ITEMS["viable_services"]))
    out = out.sort_values(["n_areas", "users"], ascending=False, kind="stable")
    network = viability[(status == "viable") & (area == ALL)
                        & ~viability["measure"].isin(local["measure"])]
    wide = pd.DataFrame({"measure": network["measure"], "network_wide": True,
                         "areas": [()] * len(network), "n_areas": 0,
                         "users": network["users"], "users_low": network["users_low"],
                         "users_high": network["users_high"],
                         "n_interested": pd.to_numeric(network["n_interested"])})
    return pd.concat([out, wide], ignore_index=True) if len(wide) else out


# --- changes since the previous wave ------------------------------------------------------------

def _direction(rows: pd.DataFrame) -> pd.Series:
    """``"improved"``, ``"worse"`` or ``"unclear"`` (tested, not distinguishable from chance)."""
    return pd.Series(np.select([_flag(rows, "improved"), _flag(rows, "worse")],
                               ["improved", "worse"], default="unclear"), index=rows.index)


def _change_rows(rows: pd.DataFrame, source: str, before: str, after: str,
                 kind: pd.Series | str) -> pd.DataFrame:
    p = pd.to_numeric(rows["p_adjusted"], errors="coerce")
    return pd.DataFrame({
        "source": source, "indicator": rows["indicator"].astype(str), "kind": kind,
        "before": pd.to_numeric(rows[before], errors="coerce"),
        "after": pd.to_numeric(rows[after], errors="coerce"),
        "estimate": pd.to_numeric(rows["estimate"], errors="coerce"),
        "ci_low": pd.to_numeric(rows["ci_low"], errors="coerce"),
        "ci_high": pd.to_numeric(rows["ci_high"], errors="coerce"),
        "p_adjusted": p, "tested": p.notna(), "direction": _direction(rows),
        "n_companies": pd.to_numeric(rows.get("n_companies", np.nan), errors="coerce"),
        "reference_wave": rows["reference_wave"].astype(str) if "reference_wave" in rows
        else None})


def worker_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes of the workers' indicators against the previous wave, as tested.

    The rows of ``monitoring_changes`` in the monitoring's main scope
    (:data:`~pipeline.analyse.analysis.monitoring_findings.MAIN_SCOPE`, the companies
    surveyed in both waves; every respondent when the table has no such rows), each with
    its ``direction``; rows without an estimate (withheld) are left out.
    """
    rows = changes[changes["comparison"].astype(str) == "previous"] if (
        "comparison" in changes.columns) else changes
    rows = rows[~_flag(rows, "suppressed") & rows["estimate"].notna()]
    main = rows[rows["scope"].astype(str) == MAIN_SCOPE]
    rows = main if len(main) else rows[rows["scope"].astype(str) == "all"]
    return _change_rows(rows, "workers", "estimate_prev", "estimate_cur", rows["kind"])


def company_changes(moves: pd.DataFrame) -> pd.DataFrame:
    """The paired changes of the companies surveyed in both waves (``monitoring_companies``,
    ``comparison == "paired"``: each company against itself), as tested."""
    rows = moves[(moves["comparison"].astype(str) == "paired") & ~_flag(moves, "suppressed")
                 & moves["estimate"].notna()]
    rows = rows.assign(n_companies=rows["n"]) if "n" in rows.columns else rows
    return _change_rows(rows, "companies", "mean_prev", "mean_cur", "mean")


def flexibility_change(flexibility: pd.DataFrame) -> pd.DataFrame:
    """The difference in differences of work-to-family conflict between the companies that
    introduced flexible hours or smart working and the others (``monitoring_flexibility``,
    the ``difference`` row of ``wfc_score``), when it was tested; ``before`` / ``after``
    are blank, ``n_companies`` the companies that introduced it."""
    rows = flexibility[(flexibility["comparison"].astype(str) == "difference")
                       & (flexibility["indicator"].astype(str) == "wfc_score")
                       & pd.to_numeric(flexibility["p_value"], errors="coerce").notna()]
    rows = rows.assign(before=np.nan, after=np.nan,
                       n_companies=rows.get("n_companies_introduced", np.nan))
    return _change_rows(rows, "flexibility", "before", "after", rows["kind"])


def wave_changes(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every tested change of :func:`worker_changes`, :func:`company_changes` and
    :func:`flexibility_change` the tables allow, in that order; the clear changes first
    (improvements, then worsenings), then those not distinguishable from chance."""
    parts = []
    need = {"indicator", "estimate", "ci_low", "ci_high", "p_adjusted"}
    if _has(tables, "monitoring_changes", need | {"scope", "estimate_prev", "estimate_cur",
                                                  "kind"}):
        parts.append(worker_changes(tables["monitoring_changes"]))
    if _has(tables, "monitoring_companies", need | {"comparison", "mean_prev", "mean_cur"}):
        parts.append(company_changes(tables["monitoring_companies"]))
    if _has(tables, "monitoring_flexibility", need | {"comparison", "p_value", "kind"}):
        parts.append(flexibility_change(tables["monitoring_flexibility"]))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=list(ITEMS["changes"]))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["tested"]]
    order = out["direction"].map({"improved": 0, "worse": 1, "unclear": 2})
    return out.assign(_order=order).sort_values("_order", kind="stable").drop(
        columns="_order").reset_index(drop=True)[list(ITEMS["changes"])]


# --- the findings -------------------------------------------------------------------------------

def work_life_fit(balance: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """The share of every worker whose hours fit well with family and social life
    (``work_life_balance``, indicator ``wlb_fit_good``), when published."""
    rows = balance[(balance["indicator"].astype(str) == "wlb_fit_good")
                   & (balance["group_var"].astype(str) == "all")]
    return _published(rows, min_cell)[list(ITEMS["work_life_fit"])]


def wave_findings(tables: Mapping[str, pd.DataFrame], min_cell: int) -> list[Finding]:
    """The wave's findings, most important first (the order of :data:`KINDS`).

    Parameters
    ----------
    tables
        The wave's published tables, ``{name: table}`` (:func:`read_published`); a table
        that is missing, or lacks the columns a finding reads, gives no such finding.
    min_cell
        The smallest publishable cell: no share resting on fewer answers is stated (the
        published tables already blank them; this holds for any table passed).

    Returns
    -------
    list of Finding
        At most one finding per kind, only those with something to say: ``changes``
        when the wave has a previous wave with tested changes (clear or not),
        ``first_wave`` when the monitoring published levels but no change.
    """
    found: list[Finding] = []
    needs_cols = {"measure", "group_var", "group", "estimate"}
    if _has(tables, "needs", needs_cols):
        needs = tables["needs"]
        top = top_needs(needs, min_cell)
        if len(top):
            found.append(_finding("top_needs", top))
        if {"ci_low", "ci_high"} <= set(needs.columns):
            gaps = group_needs(needs, min_cell)
            if len(gaps):
                found.append(_finding("group_needs", gaps))
    if _has(tables, "network_viability", {"measure", "area", "status", "users", "users_low",
                                          "users_high", "n_interested"}):
        services = viable_services(tables["network_viability"])
        if len(services):
            found.append(_finding("viable_services", services))
    changes = wave_changes(tables)
    if len(changes):
        found.append(_finding("changes", changes))
    if _has(tables, "work_life_balance", {"indicator", "group_var", "estimate"}):
        fit = work_life_fit(tables["work_life_balance"], min_cell)
        if len(fit):
            found.append(_finding("work_life_fit", fit))
    if "monitoring_indicators" in tables and "monitoring_changes" not in tables:
        found.append(_finding("first_wave", []))
    return found
