"""The network's activity over time: events per quarter and members at the end of each.

From the optional ``network_activity`` table (one row per dated event: ``joined``,
``training``, ``convention_signed``, ``brand_affiliation``, ``agreement_signed``,
``left``). Quarters are written as pandas writes them (``2013Q1``).
"""

from __future__ import annotations

import pandas as pd

#: Activity types in the order the report stacks them (others follow, sorted).
ACTIVITY_TYPES = ("joined", "training", "convention_signed", "brand_affiliation",
                  "agreement_signed", "left")


def _quarter(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("Q").astype("str")


def activity_by_quarter(activity: pd.DataFrame) -> pd.DataFrame:
    """Events per quarter and activity type (every quarter of the span, zeros included).

    Returns ``quarter`` (``2013Q1``), ``activity``, ``events``.
    """
    d = activity.dropna(subset=["date", "activity"])
    if d.empty:
        return pd.DataFrame(columns=["quarter", "activity", "events"])
    periods = pd.period_range(pd.to_datetime(d["date"]).min(), pd.to_datetime(d["date"]).max(),
                              freq="Q").astype("str")
    kinds = [k for k in ACTIVITY_TYPES if k in set(d["activity"])] + sorted(
        set(d["activity"]) - set(ACTIVITY_TYPES))
    counts = d.assign(quarter=_quarter(d["date"])).groupby(["quarter", "activity"]).size()
    full = pd.MultiIndex.from_product([periods, kinds], names=["quarter", "activity"])
    return counts.reindex(full, fill_value=0).rename("events").reset_index()


def membership_curve(activity: pd.DataFrame) -> pd.DataFrame:
    """Network members at the end of each quarter, from ``joined`` and ``left`` events.

    The quarters run from the first join to the last event of any kind. Returns
    ``quarter, joined, left, members`` (members = cumulative joined - left).
    """
    dated = activity.dropna(subset=["date"])
    d = dated[dated["activity"].isin(["joined", "left"])]
    if d.empty:
        return pd.DataFrame(columns=["quarter", "joined", "left", "members"])
    periods = pd.period_range(pd.to_datetime(d["date"]).min(),
                              pd.to_datetime(dated["date"]).max(), freq="Q").astype("str")
    counts = d.assign(quarter=_quarter(d["date"])).groupby(["quarter", "activity"]).size()
    wide = counts.unstack("activity").reindex(periods).fillna(0)
    out = pd.DataFrame({"quarter": periods,
                        "joined": wide.get("joined", pd.Series(0, index=periods))
                        .to_numpy(dtype=int),
                        "left": wide.get("left", pd.Series(0, index=periods))
                        .to_numpy(dtype=int)})
    out["members"] = (out["joined"] - out["left"]).cumsum()
    return out


def activity_summary(events: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The span of the record, its events, and the members at its end.

    Parameters
    ----------
    events
        :func:`activity_by_quarter`.
    members
        :func:`membership_curve`.

    Returns
    -------
    pandas.DataFrame
        One row: ``members`` (at the end of the last quarter of ``members``), ``first``
        (its first quarter: the first join), ``last`` (the last quarter of ``events``),
        ``n_events``, ``trainings`` (``training`` events) and ``conventions``
        (``convention_signed`` events). Without members, ``members`` is NaN and
        ``first`` None.
    """
    kind = events["activity"]
    return pd.DataFrame([{
        "members": members["members"].iloc[-1] if len(members) else float("nan"),
        "first": members["quarter"].iloc[0] if len(members) else None,
        "last": events["quarter"].iloc[-1] if len(events) else None,
        "n_events": events["events"].sum(),
        "trainings": events.loc[kind == "training", "events"].sum(),
        "conventions": events.loc[kind == "convention_signed", "events"].sum()}])
