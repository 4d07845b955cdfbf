"""Guidelines for the next phase: the rules that turn a wave's findings into proposals.

Every proposal is one tidy record (:func:`guidelines`) with the numbers behind it; the
sentences are in the summary's templates (``pipeline/render/templates/sintesi/``), which
the researchers edit.

Shared services (:func:`service_proposals`)
-------------------------------------------
From the viability table of the network section (:func:`pipeline.analyse.analysis.
network_viability.viability`), for each service:

* ``start_service``: the areas where it is *viable* (the prudent estimate of users reaches
  the threshold and enough companies are interested): start it there;
* ``check_service``: the areas where it is *uncertain* (only the point estimate reaches
  the threshold): collect pre-enrolments before committing;
* ``promote_service``: the areas with enough demand but too few interested companies:
  the promoters present it to the area's companies;
* ``network_service``: viable for the whole network but in no single area: one service
  for the whole network (a desk, an online or rotating service), which replaces the
  service's other proposals.

An area whose demand rests on fewer than ``min_cell`` surveyed companies is left out (the
summary is public: no figure from fewer than ``min_cell`` companies). Each proposal
carries the expected users (take-up x employees with the need; ``workers_low`` sums the
lower ends of the areas' 95 % intervals, a prudent figure), the interested companies
(count, most frequent size class and sector), the co-funding they stated
(``willing_cofund_eur``: one yearly amount per company for the whole network, not per
service), the yearly cost (:func:`unit_cost`, an assumption stated in the text), the share
of the cost the co-funding would cover if it all went to this service, and the local
services of the types that serve the measure (``service_types.csv``) in its areas, by
municipality and provider: the local bodies to involve.

Disclosure: counts of companies below ``min_cell`` are blanked; a co-funding sum is shown
only if at least ``min_cell`` companies stated an amount
(:func:`pipeline.analyse.disclosure.suppress_small_cells`) and if it cannot be subtracted
from another published sum to give the amount of fewer than ``min_cell`` companies
(:func:`disclosable_sums`; the sums the network section publishes count as published).

Territorial agreement (:func:`agreement_proposals`) and what to measure next
(:func:`measure_proposals`) complete the records.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.context import OTHER, count_by
from pipeline.analyse.analysis.guidelines_inputs import company_frame, local_offer
from pipeline.analyse.analysis.guidelines_next import (
    MAX_ANSWERS_FACTOR,
    agreement_proposals,
    measure_proposals,
)
from pipeline.analyse.analysis.network_demand import ALL
from pipeline.analyse.disclosure import dominated, suppress_small_cells

__all__ = [
    "DEFAULT_COSTS", "DEFAULT_TIMING", "KIND_OF_STATUS", "MAX_ANSWERS_FACTOR", "PROPOSAL_KINDS",
    "RECORD_COLUMNS", "SEASON_START", "add_months", "agreement_proposals", "company_frame", "company_profile",
    "cost_total", "disclosable_sums", "guidelines", "local_bodies", "local_offer",
    "measure_proposals", "published_cofund_sets", "service_proposals", "start_month",
    "unit_cost",
]

#: Yearly cost of each shared service (placeholders for the researchers to set with the
#: promoters, as the viability thresholds). ``fee_months``: the service is bought as places
#: in local services at the median monthly fee (``local_services.monthly_fee_eur``, fees
#: above zero) of its areas (of the province when its areas have none), for that many
#: months a year; ``per_user_eur``: the yearly cost per user when no local fee applies.
DEFAULT_COSTS: dict[str, dict[str, float]] = {
    "NURSERY_SHARED": {"fee_months": 11, "per_user_eur": 4000},
    "SUMMER_CAMP": {"fee_months": 2, "per_user_eur": 500},
    "CAREGIVER_DESK": {"per_user_eur": 300},
    "COMPANY_SHUTTLE": {"per_user_eur": 800},
    "CONCIERGE": {"per_user_eur": 200},
    "ADMIN_DESK": {"per_user_eur": 60},
}
#: Timing (months): the promoters convene companies and bodies ``convene_months`` after
#: the end of fieldwork; a service starts at least ``lead_months`` after it (seasonal
#: services at their season, :data:`SEASON_START`); the next wave comes ``wave_gap_months``
#: after this one.
DEFAULT_TIMING: dict[str, int] = {"convene_months": 3, "lead_months": 6, "wave_gap_months": 12}
#: Season and month a seasonal service starts: the school year (nursery), the summer (camps).
SEASON_START: dict[str, tuple[str, int]] = {"NURSERY_SHARED": ("school_year", 9),
                                            "SUMMER_CAMP": ("summer", 6)}
#: Proposal for the areas of each viability status.
KIND_OF_STATUS: dict[str, str] = {"start_service": "viable", "check_service": "uncertain",
                                  "promote_service": "no_interest"}
#: Kinds of proposal, in the order the summary presents them.
PROPOSAL_KINDS = ("start_service", "network_service", "check_service", "promote_service",
                  "cost_total", "agreement", "measure_change", "measure_baseline")

#: The columns of :func:`guidelines`, in order.
RECORD_COLUMNS = [
    "kind", "measure", "areas", "season", "employees_need", "take_up", "workers", "workers_low",
    "min_users", "min_companies", "n_companies", "size", "n_size", "sector", "n_sector",
    "n_cofund", "cofund_eur", "cover_share", "cofund_withheld", "cost_per_user", "cost_basis",
    "monthly_fee_eur", "fee_months", "cost_eur", "mapped", "bodies", "areas_without_services",
    "start", "share_high_need", "companies_high_need", "companies_assessed", "share_active",
    "companies_active", "scale", "estimate", "ci_low", "ci_high", "previous", "current", "n",
    "answers_factor", "answers_needed",
]


# --------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------
def _in_areas(frame: pd.DataFrame, areas: Sequence[str]) -> pd.DataFrame:
    return frame if tuple(areas) == (ALL,) else frame[frame["area"].isin(areas)]


def unit_cost(measure: str, areas: Sequence[str], offer: pd.DataFrame,
              costs: Mapping[str, Mapping[str, float]] = DEFAULT_COSTS
              ) -> tuple[float, str, float, float]:
    """Yearly cost per user of a service in ``areas`` (EUR), and how it was set.

    Returns ``(per_user, basis, monthly_fee, months)``: ``basis`` is ``"fee"`` (median
    monthly fee of the local services of its areas times ``fee_months``),
    ``"fee_province"`` (its areas have no fee: the province's median) or ``"assumed"``
    (``per_user_eur``; NaN when ``costs`` has none).
    """
    rule = costs.get(measure, {})
    months = rule.get("fee_months")
    if months:
        same = offer[offer["measure"] == measure]
        for basis, pool in (("fee", _in_areas(same, areas)), ("fee_province", same)):
            fees = pool["monthly_fee_eur"].dropna()
            fees = fees[fees > 0]
            if len(fees):
                fee = float(fees.median())
                return fee * months, basis, fee, float(months)
    return float(rule.get("per_user_eur", np.nan)), "assumed", np.nan, np.nan


def local_bodies(measure: str, areas: Sequence[str], offer: pd.DataFrame
                 ) -> tuple[tuple[dict[str, Any], ...], tuple[str, ...]]:
    """The local services serving ``measure`` in ``areas`` by municipality and provider
    (most places first), and the areas of ``areas`` with none."""
    here = _in_areas(offer[offer["measure"] == measure], areas)
    groups = (here.assign(provider=here["provider"].fillna("unknown"))
              .groupby(["municipality", "provider"], sort=False)
              .agg(n_services=("measure", "size"),
                   places=("capacity", lambda s: s.sum(min_count=1)))
              .reset_index())
    groups = groups.sort_values(["places", "n_services", "municipality"],
                                ascending=[False, False, True], na_position="last")
    bodies = tuple({"municipality": r.municipality, "provider": r.provider,
                    "n_services": int(r.n_services),
                    "places": None if pd.isna(r.places) else int(r.places)}
                   for r in groups.itertuples())
    empty = () if tuple(areas) == (ALL,) else tuple(a for a in areas
                                                    if a not in set(here["area"]))
    return bodies, empty


def company_profile(firms: pd.DataFrame, min_cell: int) -> dict[str, Any]:
    """The most frequent size class and sector of ``firms``, each with its count, when
    both that count and the rest reach ``min_cell`` (or the rest is empty): ``size``,
    ``n_size``, ``sector``, ``n_sector`` (None when not shown)."""
    out: dict[str, Any] = {}
    for col, key in (("size_class", "size"), ("sector", "sector")):
        out[key], out[f"n_{key}"] = None, None
        if col not in firms or not len(firms):
            continue
        counts = count_by(firms, col, min_cell=min_cell)
        top = counts[(counts[col] != OTHER) & counts["n"].notna()].head(1)
        if len(top):
            n = int(top["n"].iloc[0])
            rest = len(firms) - n
            if rest == 0 or rest >= min_cell:
                out[key], out[f"n_{key}"] = str(top[col].iloc[0]), n
    return out


def disclosable_sums(sets: Sequence[frozenset], min_cell: int,
                     published: Iterable[frozenset] = ()) -> list[bool]:
    """Which sums over sets of companies may be published, in order.

    A sum is published when its set has at least ``min_cell`` companies and no set already
    published (``published``, then the sums accepted before it) contains it or is
    contained in it with a difference of 1 to ``min_cell - 1`` companies: subtracting the
    two would give the amount of those few.
    """
    kept = [s for s in published if s]
    out = []
    for s in sets:
        ok = len(s) >= min_cell and all(
            not (s <= t or t <= s) or len(s ^ t) in (0,) or len(s ^ t) >= min_cell
            for t in kept)
        if ok:
            kept.append(s)
        out.append(ok)
    return out


def published_cofund_sets(interest: pd.DataFrame | None, firms: pd.DataFrame) -> list[frozenset]:
    """The sets of companies behind each co-funding sum the network section publishes
    (rows of its ``network_interest`` table with ``cofund_eur``)."""
    if interest is None or "cofund_eur" not in interest:
        return []
    out = []
    for r in interest[interest["cofund_eur"].notna()].itertuples():
        col = f"interested_{r.measure}"
        if col in firms:
            here = _in_areas(firms, [r.area])
            out.append(frozenset(here.loc[here[col] & here["cofund_eur"].notna(),
                                          "company_id"]))
    return out


def _service_row(kind: str, measure: str, areas: tuple[str, ...], part: pd.DataFrame,
                 firms: pd.DataFrame, offer: pd.DataFrame,
                 costs: Mapping[str, Mapping[str, float]], min_cell: int) -> dict[str, Any]:
    chosen = part[part["area"].isin(areas)]
    here = _in_areas(firms, areas)
    interested = here[here[f"interested_{measure}"]] if len(here) else here
    payers = interested[interested["cofund_eur"].notna()]
    per_user, basis, fee, months = unit_cost(measure, areas, offer, costs)
    workers = float(chosen["users"].sum())
    cost = per_user * workers
    cofund = float(payers["cofund_eur"].sum())
    bodies, empty = local_bodies(measure, areas, offer)
    return {
        "kind": kind, "measure": measure, "areas": areas,
        "season": SEASON_START.get(measure, (None, 0))[0],
        "employees_need": float(chosen["employees_need"].sum()),
        "take_up": float(chosen["take_up"].iloc[0]), "workers": workers,
        "min_users": float(chosen["min_users"].max()),
        "min_companies": int(chosen["min_companies"].max()),
        "workers_low": float(chosen["users_low"].sum()),
        "n_companies": len(interested), **company_profile(interested, min_cell),
        "n_cofund": len(payers), "cofund_eur": cofund, "cost_per_user": per_user,
        "cost_basis": basis, "monthly_fee_eur": fee, "fee_months": months,
        "cost_eur": cost, "cover_share": cofund / cost if cost > 0 else np.nan,
        "mapped": bool((offer["measure"] == measure).any()), "bodies": bodies,
        "areas_without_services": empty,
        "_payers": frozenset(payers["company_id"]), "_ids": frozenset(interested["company_id"]),
    }


def service_proposals(viability: pd.DataFrame, firms: pd.DataFrame, offer: pd.DataFrame, *,
                      costs: Mapping[str, Mapping[str, float]] = DEFAULT_COSTS,
                      min_cell: int = 5) -> list[dict[str, Any]]:
    """The shared-service proposals of a wave (see the module docstring), undisclosed.

    ``viability`` is the network section's published table; ``firms`` :func:`company_frame`;
    ``offer`` :func:`local_offer`. Services keep the table's order; within a service the
    kinds follow :data:`KIND_OF_STATUS`, then ``network_service``.
    """
    rows = []
    for m, part in viability.groupby("measure", sort=False):
        counted = part["n_companies"].astype("Float64").fillna(0) >= min_cell
        local = part[(part["area"] != ALL) & counted.to_numpy()]
        plan = {kind: tuple(local.loc[local["status"] == status, "area"])
                for kind, status in KIND_OF_STATUS.items()}
        whole = part[(part["area"] == ALL) & (part["status"] == "viable")]
        if not plan["start_service"] and len(whole):  # one service covers every area
            plan = {"network_service": (ALL,)}
        for kind, areas in plan.items():
            if areas:
                rows.append(_service_row(kind, str(m), areas, part, firms, offer, costs,
                                         min_cell))
    return rows


def cost_total(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The services to start (``start_service``, ``network_service``) together: yearly cost,
    the distinct companies interested in any of them and their co-funding counted once."""
    started = [r for r in rows if r["kind"] in ("start_service", "network_service")]
    if not started:
        return None
    return {"kind": "cost_total", "measure": None, "areas": (),
            "workers": sum(r["workers"] for r in started),
            "cost_eur": sum(r["cost_eur"] for r in started),
            "_ids": frozenset().union(*(r["_ids"] for r in started)),
            "_payers": frozenset().union(*(r["_payers"] for r in started))}


# --------------------------------------------------------------------------------------
# Timing and the whole
# --------------------------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def start_month(measure: str, fieldwork_end: datetime.date,
                timing: Mapping[str, int] = DEFAULT_TIMING) -> datetime.date:
    """When a service proposed after a wave can start: ``lead_months`` after fieldwork,
    at its season for the seasonal ones (:data:`SEASON_START`)."""
    earliest = add_months(fieldwork_end, timing["lead_months"])
    if measure not in SEASON_START:
        return earliest
    month = SEASON_START[measure][1]
    year = earliest.year if earliest.month <= month else earliest.year + 1
    return datetime.date(year, month, 1)


def guidelines(viability: pd.DataFrame | None, firms: pd.DataFrame, offer: pd.DataFrame, *,
               agreement: pd.DataFrame | None = None, interest: pd.DataFrame | None = None,
               changes: pd.DataFrame | None = None, indicators: pd.DataFrame | None = None,
               wave: str | None = None, fieldwork_end: datetime.date | None = None,
               costs: Mapping[str, Mapping[str, float]] = DEFAULT_COSTS,
               timing: Mapping[str, int] = DEFAULT_TIMING, min_cell: int = 5) -> pd.DataFrame:
    """Every proposal of a wave, disclosure applied: one record each (:data:`PROPOSAL_KINDS`).

    Parameters
    ----------
    viability, agreement, interest, changes, indicators
        The published tables ``network_viability``, ``network_agreement``,
        ``network_interest``, ``monitoring_changes``, ``monitoring_indicators`` (None when
        the wave has none).
    firms, offer
        :func:`company_frame` (confidential) and :func:`local_offer`.
    wave, fieldwork_end
        The wave's label (baseline indicators) and last fieldwork day (timing).
    costs, timing
        :data:`DEFAULT_COSTS`, :data:`DEFAULT_TIMING` unless the researchers set others.
    min_cell
        Fewest companies behind a published count or sum.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind, measure, areas`` (area codes, ``("ALL",)`` for the whole
        network), ``season``, ``employees_need``, ``take_up``, ``workers`` (expected
        users), ``workers_low`` (sum of the areas' lower 95 % bounds), ``min_users``,
        ``min_companies``, ``n_companies`` (interested; NA below ``min_cell``),
        ``size``/``n_size``, ``sector``/``n_sector`` (:func:`company_profile`),
        ``n_cofund``, ``cofund_eur`` (EUR a year) and ``cover_share`` (0-1; NA when
        withheld), ``cofund_withheld`` (None, ``"few"``, ``"dominated"``: one or two companies' amounts
        make most of the sum, p % rule of :func:`~pipeline.analyse.disclosure.dominated`, or
        ``"overlap"``),
        ``cost_per_user``, ``cost_basis``, ``monthly_fee_eur``, ``fee_months``, ``cost_eur``
        (EUR a year), ``mapped``, ``bodies``, ``areas_without_services``, ``start``
        (date); the agreement's ``share_high_need, companies_high_need,
        companies_assessed, share_active, companies_active``; the measurement's ``scale,
        estimate, ci_low, ci_high, previous, current, n, answers_factor,
        answers_needed``. Columns that do not apply to a kind are empty.
    """
    services = (service_proposals(viability, firms, offer, costs=costs, min_cell=min_cell)
                if viability is not None else [])
    total = cost_total(services)
    rows = services + ([total] if total else [])
    order = {k: i for i, k in enumerate(PROPOSAL_KINDS)}
    rows.sort(key=lambda r: order[r["kind"]])  # stable: services keep their order
    shown = disclosable_sums([r["_payers"] for r in rows], min_cell,
                             published_cofund_sets(interest, firms))
    for r, ok in zip(rows, shown, strict=True):
        if r["kind"] == "cost_total":
            r["n_companies"] = len(r["_ids"])
            r["n_cofund"] = len(r["_payers"])
            r["cofund_eur"] = float(firms.loc[firms["company_id"].isin(r["_payers"]),
                                              "cofund_eur"].sum())
            r["cover_share"] = r["cofund_eur"] / r["cost_eur"] if r["cost_eur"] else np.nan
        r["_nested"] = not ok
        r["_dominated"] = dominated(firms.loc[firms["company_id"].isin(r["_payers"]),
                                              "cofund_eur"])
        if fieldwork_end is not None and r["measure"] is not None:
            r["start"] = start_month(r["measure"], fieldwork_end, timing)
    frame = pd.DataFrame(rows + agreement_proposals(agreement, min_cell)
                         + measure_proposals(changes, indicators, wave))
    if "n_cofund" in frame:
        frame = suppress_small_cells(frame.assign(n_cofund=frame["n_cofund"].astype("Float64")),
                                     min_cell=min_cell, n_col="n_cofund",
                                     value_cols=["cofund_eur", "cover_share"], keep_zero=False)
        services_rows = frame["kind"].isin(["cost_total", *KIND_OF_STATUS, "network_service"])
        nested = frame["_nested"].fillna(False).astype(bool)
        dominant = frame["_dominated"].fillna(False).astype(bool)
        withheld = services_rows & (frame["suppressed"] | nested | dominant)
        frame.loc[withheld, ["cofund_eur", "cover_share"]] = np.nan
        frame["cofund_withheld"] = np.where(
            ~withheld, None, np.where(frame["suppressed"], "few",
                                      np.where(dominant, "dominated", "overlap")))
        frame["n_companies"] = frame["n_companies"].astype("Float64").mask(
            frame["n_companies"] < min_cell).astype("Int64")
    return frame.reindex(columns=RECORD_COLUMNS).reset_index(drop=True)
