"""Which shared services reach a viable size, and where.

Viability (:func:`viability`)
-----------------------------
Thresholds are parameters (the network notebook's ``viability_thresholds``; the defaults in
:data:`DEFAULT_VIABILITY` are placeholders for the researchers to set): ``take_up`` (share
of the employees with the need expected to use the service: a number, or a dict by
service), ``min_users`` (per service) and ``min_companies`` (surveyed companies
interested, ``interest_shared_<M> >= 3``, needed to start a convention;
:func:`min_interested`). The expected users are take-up times the estimated employees
with the need (and its interval). A service in an area is

* ``viable``: the lower end of the interval of the expected users reaches ``min_users``
  and at least ``min_companies`` companies are interested;
* ``uncertain``: the point estimate reaches ``min_users``, the lower end does not, and
  enough companies are interested;
* ``no_interest``: the point estimate reaches ``min_users`` but fewer than
  ``min_companies`` companies are interested;
* ``too_small``: the point estimate is below ``min_users``;
* ``withheld``: the area's demand is withheld (fewer than ``min_companies`` surveyed
  companies in the area).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.network_demand import ALL

#: Default thresholds of the viability rule (the notebook's parameter).
DEFAULT_VIABILITY: dict[str, Any] = {
    "take_up": 0.2,
    "min_users": {"NURSERY_SHARED": 20, "SUMMER_CAMP": 30, "CAREGIVER_DESK": 20,
                  "COMPANY_SHUTTLE": 40, "CONCIERGE": 60, "ADMIN_DESK": 60},
    "min_companies": 3,
}
#: The verdicts of :func:`viability`, from the best.
VIABILITY_STATUSES = ("viable", "uncertain", "no_interest", "too_small", "withheld")


def min_interested(thresholds: Mapping[str, Any]) -> int:
    """Fewest interested companies a convention needs under ``thresholds`` (1 when the
    thresholds do not say)."""
    return int(thresholds.get("min_companies", 1))


def viability(
    demand: pd.DataFrame,
    interest: pd.DataFrame,
    capacity: pd.DataFrame | None = None,
    thresholds: Mapping[str, Any] = DEFAULT_VIABILITY,
) -> pd.DataFrame:
    """Which shared conventions reach a viable size, and where (see the module docstring).

    Parameters
    ----------
    demand
        :func:`pooled_demand`.
    interest
        :func:`company_interest`.
    capacity
        :func:`local_capacity` (optional).
    thresholds
        ``take_up`` (0-1) and ``min_users`` (each a number, or a dict by service with an
        optional ``default``), ``min_companies`` (interested companies).

    Returns
    -------
    pandas.DataFrame
        One row per service and area: ``employees_need`` with ``need_low``/``need_high``,
        ``users`` (take-up x employees_need) with ``users_low``/``users_high``,
        ``min_users``, ``n_interested``, ``min_companies``, ``cofund_eur``,
        ``local_capacity``, ``status`` (:data:`VIABILITY_STATUSES`), ``n`` (valid
        answers behind the demand) and ``n_companies``.
    """
    min_comp = min_interested(thresholds)

    def per_service(key: str, default: float) -> Any:
        value = thresholds.get(key, default)
        if isinstance(value, Mapping):
            return lambda m: float(value.get(m, value.get("default", np.nan)))
        return lambda m: float(value)

    out = demand[["measure", "area", "estimate", "ci_low", "ci_high", "n", "n_companies",
                  "withheld"]].rename(columns={"estimate": "employees_need",
                                               "ci_low": "need_low", "ci_high": "need_high"})
    out = out.merge(interest[["measure", "area", "n_interested", "cofund_eur"]],
                    on=["measure", "area"], how="left")
    if capacity is not None:
        out = out.merge(capacity[["measure", "area", "capacity"]].rename(
            columns={"capacity": "local_capacity"}), on=["measure", "area"], how="left")
    else:
        out["local_capacity"] = np.nan
    out["n_interested"] = out["n_interested"].astype("Int64")
    out["take_up"] = out["measure"].map(per_service("take_up", 1.0))
    out["users"] = out["take_up"] * out["employees_need"]
    out["users_low"] = out["take_up"] * out["need_low"]
    out["users_high"] = out["take_up"] * out["need_high"]
    out["min_users"] = out["measure"].map(per_service("min_users", 0.0))
    out["min_companies"] = min_comp
    interested = (out["n_interested"] >= min_comp).fillna(False).astype(bool)
    sure = out["users_low"] >= out["min_users"]
    point = out["users"] >= out["min_users"]
    status = np.select([sure & interested, point & interested, point],
                       ["viable", "uncertain", "no_interest"], default="too_small")
    out["status"] = np.where(out["withheld"], "withheld", status)
    return out[["measure", "area", "employees_need", "need_low", "need_high", "take_up", "users",
                "users_low", "users_high", "min_users", "n_interested", "min_companies",
                "cofund_eur", "local_capacity", "status", "n", "n_companies"]]


def viable_areas(table: pd.DataFrame, status: str = "viable") -> dict[str, list[str]]:
    """``{service: [areas]}`` of the rows of :func:`viability` with ``status`` (the
    province-wide ``ALL`` row last), services in table order; services with none are
    left out."""
    out: dict[str, list[str]] = {}
    for m, part in table.groupby("measure", sort=False):
        hits = part.loc[part["status"] == status, "area"].tolist()
        hits = [a for a in hits if a != ALL] + [a for a in hits if a == ALL]
        if hits:
            out[m] = hits
    return out
