"""The inputs of the guidelines: the surveyed companies as the proposals count them, and the
local services that serve each measure.

Part of :mod:`pipeline.analyse.analysis.guidelines` (which re-exports these names).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.network_demand import INTEREST_THRESHOLD, OUTSIDE


def company_frame(companies: pd.DataFrame, company_survey: pd.DataFrame,
                  company_area: pd.DataFrame, services: Sequence[str], *,
                  threshold: int = INTEREST_THRESHOLD) -> pd.DataFrame:
    """CONFIDENTIAL, one row per surveyed company: what the proposals count.

    Returns ``company_id, area`` (:func:`pipeline.analyse.analysis.network_demand.
    company_areas`), ``size_class``, ``sector`` (ATECO section), ``cofund_eur`` (stated
    yearly co-funding, NaN when not stated) and ``interested_<M>`` (``interest_shared_<M>
    >= threshold``) for each service.
    """
    ids = company_survey["company_id"].reset_index(drop=True)
    info = companies.set_index("company_id")
    area = company_area.set_index("company_id")["area"]
    blank = pd.Series(np.nan, index=company_survey.index)
    out = pd.DataFrame({
        "company_id": ids,
        "area": ids.map(area).fillna(OUTSIDE).astype("str"),
        "size_class": ids.map(info["size_class"]) if "size_class" in info else pd.NA,
        "sector": ids.map(info["ateco_section"]) if "ateco_section" in info else pd.NA,
        "cofund_eur": company_survey.get("willing_cofund_eur", blank)
        .astype("float64").to_numpy(),
    })
    for m in services:
        col = f"interest_shared_{m}"
        level = (company_survey[col].astype("Float64") if col in company_survey.columns
                 else pd.Series(pd.NA, index=company_survey.index, dtype="Float64"))
        out[f"interested_{m}"] = (level >= threshold).fillna(False).astype(bool).to_numpy()
    return out


def local_offer(local_services: pd.DataFrame | None, service_types: Iterable[Mapping[str, str]],
                areas: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """The local services that serve a measure, one row each (a public list).

    Returns ``measure`` (``serves_measure`` of its type), ``area``, ``municipality`` (its
    name; the ISTAT code when the name is unknown), ``provider``, ``capacity`` (places)
    and ``monthly_fee_eur``; empty without a list.
    """
    columns = ["measure", "area", "municipality", "provider", "capacity", "monthly_fee_eur"]
    if local_services is None or not len(local_services):
        return pd.DataFrame(columns=columns)
    serves = {s["service_type"]: s["serves_measure"] for s in service_types}
    code = local_services["municipality"].astype("str")
    out = pd.DataFrame({
        "measure": local_services["service_type"].astype("str").map(serves),
        "area": code.map(areas.set_index("municipality")["area"]).fillna(OUTSIDE),
        "municipality": code.map(lambda c: names.get(c, c)),
        "provider": local_services.get("provider", pd.Series(pd.NA, index=code.index)),
        "capacity": local_services.get("capacity", pd.Series(np.nan, index=code.index))
        .astype("Float64"),
        "monthly_fee_eur": local_services.get("monthly_fee_eur",
                                              pd.Series(np.nan, index=code.index))
        .astype("float64"),
    })
    return out[out["measure"].notna()].reset_index(drop=True)[columns]
